"""CONSENT_ALLOWED_ORIGINS: what an entry may be, what it matches, and the start-up errors."""

from __future__ import annotations

import re

import pytest

from consent_server import ConfigError
from consent_server.origins import OriginRule, allows, parse_rule, parse_rules

from .test_cors import ALLOWED, MATRIX


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        ("https://docs.example.com", OriginRule("https", "docs.example.com", 443)),
        ("HTTPS://Docs.Example.com:443", OriginRule("https", "docs.example.com", 443)),
        ("http://localhost:8000", OriginRule("http", "localhost", 8000)),
        ("http://127.0.0.1:8000", OriginRule("http", "127.0.0.1", 8000)),
        ("http://[0:0::1]:8000", OriginRule("http", "[::1]", 8000)),
        ("https://*.example.com", OriginRule("https", "example.com", 443, subdomains=True)),
        ("https://*.example.com:8443", OriginRule("https", "example.com", 8443, subdomains=True)),
        ("https://*.docs.example.co.uk", OriginRule("https", "docs.example.co.uk", 443, True)),
        (" https://docs.example.com ", OriginRule("https", "docs.example.com", 443)),
    ],
)
def test_accepted_entries(entry, rule):
    assert parse_rule(entry) == rule


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("*", "'*' is allowed only as the first label"),
        ("https://*", "'*' is allowed only as the first label"),
        ("*.example.com", "'*' is allowed only as the first label"),
        ("https://a*b.com", "'*' is allowed only as the first label"),
        ("https://*.*.example.com", "'*' is allowed only as the first label"),
        ("https://docs.*.example.com", "'*' is allowed only as the first label"),
        ("https://docs.example.com/", "no path"),
        ("https://docs.example.com/docs", "no path"),
        ("https://docs.example.com?x=1", "no path, query"),
        ("https://*.example.com/", "no path"),
        ("docs.example.com", "needs http:// or https://"),
        ("null", "needs http:// or https://"),
        ("ftp://docs.example.com", "needs http:// or https://"),
        ("https://", "host is missing"),
        ("https://docs.example.com:0", "port is out of range"),
        ("https://docs.example.com:http", "port is not a number"),
        ("https://user@docs.example.com", "not a host name"),
        ("https://docs_example.com", "not a host name"),
        ("https://[zz::1]", "IPv6"),
        ("https://*.127.0.0.1", "an address has no subdomains"),
        ("https://*.com", "every site registered under com"),
        ("https://*.github.io", "every site registered under github.io"),
        ("https://*.readthedocs.io", "every site registered under readthedocs.io"),
        ("https://*.co.uk", "every site registered under co.uk"),
        ("https://*.localhost", "every site registered under localhost"),
    ],
)
def test_anything_else_stops_start_up_saying_what_is_accepted(make_app, entry, reason):
    with pytest.raises(ConfigError, match=re.escape(reason)) as raised:
        make_app(ALLOWED_ORIGINS=entry)
    message = str(raised.value)
    assert message.startswith("CONSENT_ALLOWED_ORIGINS: ")
    assert repr(entry.strip()) in message
    if "registered under" not in message:
        assert "https://*.example.com" in message and "scheme://host[:port]" in message


def test_one_bad_entry_in_a_list_is_named(make_app):
    with pytest.raises(ConfigError, match=r"'https://\*\.github\.io'"):
        make_app(ALLOWED_ORIGINS="https://docs.example.com, https://*.github.io")


@pytest.mark.parametrize(("origin", "allowed"), MATRIX)
def test_the_parsed_rules_decide_as_the_server_answers(origin, allowed):
    """The same table as the server's CORS test: the rule and the HTTP answer agree."""
    assert allows(parse_rules(ALLOWED.split(",")), origin) is allowed


@pytest.mark.parametrize(
    ("rule", "origin", "allowed"),
    [
        ("https://*.example.com", "https://docs.example.com", True),
        ("https://*.example.com", "https://a-b.c.example.com", True),
        ("https://*.example.com", "https://example.com", False),
        ("https://*.example.com", "https://example.com.evil.net", False),
        ("https://*.example.com", "https://evilexample.com", False),
        ("https://*.example.com", "http://docs.example.com", False),
        ("https://*.example.com", "https://-x.example.com", False),
        ("https://*.example.com", "https://docs.example.com:8443", False),
        ("https://*.example.com:8443", "https://docs.example.com:8443", True),
        ("https://*.example.com:8443", "https://docs.example.com", False),
        ("http://[::1]:8000", "http://[::1]:8000", True),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000", True),
        ("http://127.0.0.1:8000", "http://localhost:8000", False),
        ("https://*.kiosk.example", "https://docs.\u212aiosk.example", False),
        ("https://*.example.com", "https://\u017fhop.example.com", False),
    ],
)
def test_a_rule_and_its_flask_cors_form_agree(rule, origin, allowed):
    parsed = parse_rule(rule)
    assert parsed.matches(origin) is allowed
    form = parsed.cors_origin()
    by_flask_cors = bool(form.match(origin)) if isinstance(form, re.Pattern) else form == origin
    assert by_flask_cors is allowed


def test_an_example_com_rule_is_shown_as_written():
    assert [str(rule) for rule in parse_rules(ALLOWED.split(","))] == [
        "https://docs.example.com",
        "https://*.example.org",
        "http://localhost:8000",
    ]
    assert parse_rules(["https://a.example", "https://A.example:443"]) == (
        OriginRule("https", "a.example", 443),
    )
