"""The production topology on 127.0.0.1: a certificate for the test's host names, the built site on
one HTTPS port (a static server, as GitHub Pages would serve it) and the consent server under
gunicorn with TLS on another."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.server.helpers import admin_hash

SITE_HOST = "docs.example.test"  # same site as the server: both under example.test
CROSS_SITE_HOST = "docs.example-site.test"  # another site, as a github.io page would be
API_HOST = "consent.example.test"
HOSTS = (SITE_HOST, CROSS_SITE_HOST, API_HOST)
ADMIN_TOKEN = "two-origins-admin-token-0123456789"
START_SECONDS = 30


@dataclass(frozen=True)
class Certificate:
    ca: Path
    cert: Path
    key: Path


def make_certificate(folder: Path) -> Certificate:
    """A test CA and a server certificate it signed, for every test host name and 127.0.0.1."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "consent tests CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName(host) for host in HOSTS] + [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, API_HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificate(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign, key_cert_sign=cert_sign, crl_sign=cert_sign,
        content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, encipher_only=False, decipher_only=False,
    )  # fmt: skip


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Static file requests stay out of the test output."""


class StaticHTTPS(ThreadingHTTPServer):
    """Files over HTTPS; each connection's TLS handshake runs in its own thread."""

    daemon_threads = True

    def __init__(self, root: Path, certificate: Certificate) -> None:
        super().__init__(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(certificate.cert, certificate.key)

    def finish_request(self, request, client_address) -> None:  # type: ignore[override]
        request.settimeout(10)
        try:
            secure = self.tls.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            super().finish_request(secure, client_address)
        finally:
            secure.close()

    def handle_error(self, request, client_address) -> None:  # type: ignore[override]
        """A browser closing a connection early is no test failure."""

    def start(self) -> int:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self.server_address[1]


class ConsentServer:
    """The consent server as production runs it: gunicorn, TLS, a log that outlives restarts."""

    def __init__(self, port: int, certificate: Certificate, settings: dict[str, str], log: Path):
        self.port, self.certificate, self.settings, self.log = port, certificate, settings, log
        self.process: subprocess.Popen | None = None
        self.tls = ssl.create_default_context(cafile=str(certificate.ca))

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("CONSENT_")}
        env.update({"CONSENT_" + name: value for name, value in self.settings.items()})
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
            "--certfile", str(self.certificate.cert), "--keyfile", str(self.certificate.key),
            "--workers", "2", "--worker-class", "gthread", "--threads", "2",
            "--graceful-timeout", "3", "consent_server:create_app()",
        ]  # fmt: skip
        with open(self.log, "a") as output:
            self.process = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"not ready in {START_SECONDS}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=5, context=self.tls) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def records(self, consent_id: str = "") -> list[dict]:
        """The log as an admin pulls it (the JSON Lines export, with a bearer token): all of it,
        or one consent id's records."""
        query = "?format=jsonl" + (f"&consent_id={quote(consent_id)}" if consent_id else "")
        status, body = self.get(
            "/api/v1/admin/consents" + query, {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        assert status == 200, body
        return [json.loads(line) for line in body.decode().splitlines()]


def server_settings(database: Path, manifest: Path, origins: list[str]) -> dict[str, str]:
    """Production settings, Secure cookies included; only the rate limit is raised for the suite."""
    return {
        "SECRET_KEYS": "t" * 48,
        "DATABASE_URL": f"sqlite:///{database}",
        "ADMIN_TOKENS": admin_hash(ADMIN_TOKEN),
        "ALLOWED_ORIGINS": ",".join(origins),
        "MANIFEST": str(manifest),
        "RATELIMIT_VISITOR": "1000 per minute",
    }
