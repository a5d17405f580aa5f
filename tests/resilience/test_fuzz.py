"""Schemathesis against the running server: no 5xx, and every answer is what the spec says.

The server is the real `consent-server serve` on 127.0.0.1 with a SQLite log and rate limits off.
Every operation of the API document gets a bounded number of generated requests, valid and
invalid, twice: as a new visitor, and as a signed-in dashboard admin whose requests also carry the
token of a visitor who has consented. Calls to the admin API always carry a valid admin token, so
they reach the log instead of stopping at 401. Each answer must not be a server error and must
match the document: status code, content type and body schema.

The tests are generated from the package's openapi.yaml when the module is collected, before any
server runs; the `base_url` fixture then checks that the live server's /api/v1/openapi.json is
exactly that document.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from importlib import resources

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ..server.helpers import ADMIN_TOKEN, VALID_BODY
from .harness import running_server

pytestmark = pytest.mark.slow

EXAMPLES = 40
ACCESS_LINE = re.compile(r'"[A-Z]+ \S+ HTTP/[0-9.]+" (\d{3}) ')
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SPEC = yaml.safe_load(resources.files("consent_server").joinpath("openapi.yaml").read_text())
schema = schemathesis.openapi.from_dict(copy.deepcopy(SPEC))
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'consent.sqlite3'}"
    with running_server(url, folder / "server.log", workers=2) as server:
        yield server
    answered = Counter(ACCESS_LINE.findall(server.log.read_text(errors="replace")))
    print(f"\nfuzzing: {sum(answered.values())} requests answered, by status {dict(answered)}")


@pytest.fixture(scope="module")
def base_url(live_server) -> str:
    """The live server's URL, once it serves exactly the document the tests are generated from."""
    served = requests.get(live_server.url + "/api/v1/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json() == SPEC
    return live_server.url


@pytest.fixture(scope="module")
def admin_browser(live_server):
    """A browser-like client (it keeps cookies) signed in to the dashboard with the admin token."""
    browser = requests.Session()
    form = browser.get(live_server.url + "/admin/sign-in", timeout=10)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    signed_in = browser.post(
        live_server.url + "/admin/sign-in",
        data={"token": ADMIN_TOKEN, "csrf": csrf},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 303, signed_in.text
    assert browser.get(live_server.url + "/admin/", timeout=10).status_code == 200
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def visitor_token(base_url) -> str:
    """The token of a visitor who has consented, so visitor operations reach a real record."""
    response = requests.post(base_url + "/api/v1/consent", json=VALID_BODY, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["token"]


@schema.parametrize()
@BOUNDED
def test_every_operation_for_a_new_visitor(case, base_url):
    case.call_and_validate(
        base_url=base_url,
        headers=ADMIN_HEADERS,
        checks=CHECKS,
        allow_redirects=False,
        timeout=10,
    )


@schema.parametrize()
@BOUNDED
def test_every_operation_for_a_signed_in_admin_and_a_known_visitor(
    case, base_url, admin_browser, visitor_token
):
    case.call_and_validate(
        base_url=base_url,
        session=admin_browser,
        headers={**ADMIN_HEADERS, "X-Consent-Token": visitor_token},
        checks=CHECKS,
        allow_redirects=False,
        timeout=10,
    )
