"""The demo's second origin: the built site on a port of its own, apart from the consent server.

This is the production topology on one machine: the banner on one origin sends decisions to the
server on another, through CORS. Run as `python -m consent_server.demo_site SITE_DIR HOST PORT`
by `consent-server demo --site-port`, which stops it when the server stops.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask
from werkzeug.serving import make_server

from . import site

BANNER_CONFIG = re.compile(
    r'<script type="application/json" id="consent-config">(.*?)</script>', re.S
)
START_SECONDS = 10.0


def site_origins(host: str, port: int) -> list[str]:
    """The origins a browser may show the site under: both loopback names for a local host."""
    if host in ("127.0.0.1", "localhost", "0.0.0.0", "::", ""):  # noqa: S104 (names, not a bind)
        return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    return [f"http://{host}:{port}"]


def site_settings(site_dir: Path, host: str, site_port: int | None) -> dict[str, str]:
    """The server's settings for the site: serve it (one origin), or allow its origin (two)."""
    settings = (
        {"CONSENT_SITE_DIR": str(site_dir.resolve())}
        if site_port is None
        else {"CONSENT_ALLOWED_ORIGINS": ",".join(site_origins(host, site_port))}
    )
    manifest = site_dir / "consent" / "manifest.json"
    if manifest.exists():
        settings["CONSENT_MANIFEST"] = str(manifest.resolve())
    return settings


def built_endpoint(site_dir: Path) -> str | None:
    """The `endpoint` the banner of the built front page reports to, if it has a banner."""
    try:
        found = BANNER_CONFIG.search((site_dir / "index.html").read_text(errors="replace"))
        return json.loads(found.group(1)).get("endpoint") if found else None
    except (OSError, ValueError, AttributeError):
        return None


def two_origins_problem(
    site_dir: Path | None, port: int, site_port: int, api_url: str
) -> str | None:
    """Why `--site-port` cannot work as asked, or None."""
    if site_dir is None:
        return "--site-port needs --site-dir (the built site to serve on that port)"
    if site_port == port:
        return "--site-port must differ from --port: the site and the server get one port each"
    return endpoint_problem(site_dir, api_url)


def endpoint_problem(site_dir: Path, api_url: str) -> str | None:
    """Why the built site's banner would not reach the server at `api_url`, or None."""
    endpoint = built_endpoint(site_dir)
    if endpoint is None:
        return None
    target = urlsplit(api_url)
    built = urlsplit(endpoint)
    if built.scheme and built.port == target.port and built.path.rstrip("/") == target.path:
        return None
    return (
        f"the site in {site_dir} was built with endpoint {endpoint!r}, so its banner would send "
        f"decisions to {'its own origin' if not built.scheme else endpoint}, not to this server. "
        f"Build it with `endpoint: {api_url}` (the example site: "
        f"MKDOCS_CONSENT_ENDPOINT={api_url} make site), or run `make demo SITE_PORT=...`"
    )


def create_site_app(site_dir: Path) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config["CONSENT_SITE_DIR"] = str(site_dir.resolve())
    app.register_blueprint(site.bp)
    return app


@contextmanager
def serving_site(site_dir: Path | None, host: str, port: int | None) -> Iterator[str | None]:
    """The site on a port of its own while the block runs; its URL, or None without a port."""
    if site_dir is None or port is None:
        yield None
        return
    process = _start(site_dir, host, port)
    owner = os.getpid()
    try:
        yield f"http://{host}:{port}/"
    finally:
        # gunicorn's workers leave through here too: only the process that started it stops it.
        if os.getpid() == owner:
            process.terminate()
            process.wait(timeout=10)


def _start(site_dir: Path, host: str, port: int) -> subprocess.Popen:
    """The site server as a child process, once it accepts connections."""
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, str(site_dir), host, str(port)], stdin=subprocess.DEVNULL
    )
    deadline = time.monotonic() + START_SECONDS
    while process.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise click.ClickException(f"--site-port: the site could not be served on {host}:{port}")


def main() -> None:
    site_dir, host, port = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(host, port, create_site_app(site_dir), threaded=True)
    with suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
