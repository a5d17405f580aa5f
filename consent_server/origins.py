"""CONSENT_ALLOWED_ORIGINS as parsed rules: exact origins, and an explicit subdomain rule.

An origin is `scheme://host[:port]`, compared part by part as a browser sends it in `Origin`.
`https://*.example.com` allows every subdomain of example.com over https on the default port,
and nothing else: not example.com itself, not `example.com.evil.net`, not `evilexample.com`, not
http. Every other wildcard, a path, or a suffix that anyone can register under (`*.github.io`) is
refused at start-up, because a rule a site owner can get wrong would open the log to other sites.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from publicsuffixlist import PublicSuffixList

from .config import ConfigError

DEFAULT_PORTS = {"http": 80, "https": 443}
LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOSTNAME = re.compile(rf"{LABEL}(?:\.{LABEL})*")
ORIGIN = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>\[[^\]]*\]|[^:/?#]*)(?::(?P<port>[^/?#]*))?"
)
ACCEPTED = (
    "each entry is an origin, scheme://host[:port] (https://docs.example.com, "
    "http://localhost:8000), or a subdomain rule https://*.example.com (every subdomain of "
    "example.com, not example.com itself); no paths, no other wildcards"
)


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()


@dataclass(frozen=True)
class OriginRule:
    """One entry of the list: `host` is the exact host, or the parent domain of a subdomain rule."""

    scheme: str
    host: str
    port: int
    subdomains: bool = False

    def matches(self, origin: str) -> bool:
        """True when a browser's `Origin` value is allowed by this rule (in the form a browser
        writes it: lower case, no default port, so the answer is flask-cors' answer too)."""
        if not origin.isascii():
            return False
        try:
            scheme, host, port = split_origin(origin)
        except ValueError:
            return False
        if serialise(scheme, host, port) != origin.lower():
            return False
        if (scheme, port) != (self.scheme, self.port):
            return False
        if self.subdomains:
            return host.endswith("." + self.host) and bool(HOSTNAME.fullmatch(host))
        return host == self.host

    def cors_origin(self) -> str | re.Pattern[str]:
        """The rule as flask-cors takes it: the exact origin, or a pattern anchored at both ends.

        The pattern is written from the parsed parts, never from the configured text, and its
        `\\Z` keeps flask-cors' `re.match` from accepting a longer host that merely starts alike.
        """
        if not self.subdomains:
            return serialise(self.scheme, self.host, self.port)
        parent = serialise(self.scheme, self.host, self.port).removeprefix(self.scheme + "://")
        return re.compile(
            rf"{re.escape(self.scheme)}://(?:{LABEL}\.)+{re.escape(parent)}\Z",
            re.IGNORECASE | re.ASCII,
        )

    def __str__(self) -> str:
        text = serialise(self.scheme, self.host, self.port)
        return text.replace("://", "://*.", 1) if self.subdomains else text


def serialise(scheme: str, host: str, port: int) -> str:
    """An origin as a browser writes it in `Origin`: the default port is left out."""
    return f"{scheme}://{host}" + ("" if port == DEFAULT_PORTS[scheme] else f":{port}")


def split_origin(origin: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an origin; ValueError, saying what is wrong, for anything else."""
    text = origin.strip().lower()
    found = ORIGIN.match(text)
    if not found or found["scheme"] not in DEFAULT_PORTS:
        raise ValueError("it needs http:// or https:// and a host")
    if found.end() != len(text):
        raise ValueError("an origin has no path, query or fragment, not even a final '/'")
    if not found["host"]:
        raise ValueError("the host is missing")
    port_text = found["port"]
    if port_text is not None and not re.fullmatch(r"[0-9]{1,5}", port_text):
        raise ValueError("the port is not a number")
    port = int(port_text) if port_text else DEFAULT_PORTS[found["scheme"]]
    if not 0 < port < 65536:
        raise ValueError("the port is out of range")
    host = found["host"]
    if host.startswith("["):
        try:
            host = f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            raise ValueError("the host in [] is not an IPv6 address") from None
    elif not HOSTNAME.fullmatch(host):
        raise ValueError("the host is not a host name or an address")
    return found["scheme"], host, port


def parse_rule(text: str) -> OriginRule:
    """One configured entry; ConfigError naming the entry and saying what is accepted."""
    entry = text.strip()
    subdomains = "://*." in entry
    candidate = entry.replace("://*.", "://", 1) if subdomains else entry
    try:
        if "*" in candidate:
            raise ValueError("'*' is allowed only as the first label, as in https://*.example.com")
        scheme, host, port = split_origin(candidate)
    except ValueError as error:
        raise ConfigError(
            f"CONSENT_ALLOWED_ORIGINS: {entry!r} is not accepted ({error}): {ACCEPTED}"
        ) from None
    if subdomains:
        _check_parent_domain(entry, host)
    return OriginRule(scheme, host, port, subdomains)


def _check_parent_domain(entry: str, host: str) -> None:
    if host.startswith("[") or re.fullmatch(r"[0-9.]+", host):
        raise ConfigError(
            f"CONSENT_ALLOWED_ORIGINS: {entry!r}: an address has no subdomains; {ACCEPTED}"
        )
    if "." not in host or _public_suffixes().is_public(host):
        raise ConfigError(
            f"CONSENT_ALLOWED_ORIGINS: {entry!r} would allow every site registered under {host} "
            "(anyone can have one): list your sites' exact origins instead, e.g. "
            f"https://yourname.{host}"
        )


def parse_rules(entries: Iterable[str]) -> tuple[OriginRule, ...]:
    """Every entry parsed, in order, without duplicates."""
    rules: list[OriginRule] = []
    for entry in entries:
        rule = parse_rule(entry)
        if rule not in rules:
            rules.append(rule)
    return tuple(rules)


def allows(rules: Iterable[OriginRule], origin: str | None) -> bool:
    return bool(origin) and any(rule.matches(origin) for rule in rules)
