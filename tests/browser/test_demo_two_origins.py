"""`consent-server demo --site-port`: the production topology on one machine, as a newcomer runs it."""

from __future__ import annotations

import json
import signal
import socket
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from consent_server.cli import main

from ..server.live import free_port, running_demo
from .conftest import build_site, plugin_with

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_the_site_and_the_server_on_two_ports_log_a_decision(page, tmp_path):
    port, site_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{port}/api/v1"
    site = build_site(tmp_path / "docs", "mkdocs", plugin_with(endpoint=endpoint))
    with running_demo(
        site, tmp_path / "instance", "--site-port", str(site_port), port=port
    ) as demo:
        site_url = f"http://127.0.0.1:{site_port}/"
        page.goto(site_url)
        with page.expect_response(lambda r: r.url == endpoint + "/consent") as answer:
            page.click("[data-consent-banner] [data-consent-action=reject-all]")
        assert answer.value.status == 201
        assert answer.value.headers["access-control-allow-origin"] == site_url.rstrip("/")
        expect(page.locator("[data-consent-banner]")).to_have_count(0)
        export = urllib.request.Request(
            demo.url + "api/v1/admin/consents?format=jsonl",
            headers={"Authorization": f"Bearer {demo.admin_token}"},
        )
        lines = urllib.request.urlopen(export, timeout=5).read().decode().splitlines()
        [record] = [json.loads(line) for line in lines]
        assert (record["method"], record["origin"]) == ("reject_all", site_url.rstrip("/"))
        with pytest.raises(urllib.error.HTTPError) as front:
            urllib.request.urlopen(demo.url, timeout=5)
        assert front.value.code == 404, "the server serves the API only; the site has its port"
        demo.process.send_signal(signal.SIGINT)
        assert demo.process.wait(timeout=30) == 0
    assert refused(site_port), "the site stops with the server"


def test_a_site_built_for_one_origin_is_refused_with_how_to_build_it(built_sites, tmp_path):
    result = CliRunner().invoke(
        main,
        ["demo", "--site-dir", str(built_sites("mkdocs")), "--port", "8123", "--site-port", "8124"],
        env={"CONSENT_INSTANCE_PATH": str(tmp_path / "instance")},
    )
    assert result.exit_code == 2
    assert "built with endpoint '/api/v1'" in result.output
    assert "its own origin" in result.output
    assert "endpoint: http://127.0.0.1:8123/api/v1" in result.output
    assert "make demo SITE_PORT=" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--site-dir", ".", "--port", "8124", "--site-port", "8124"], "must differ from --port"),
    ],
)
def test_two_origin_mistakes_are_named(arguments, message, tmp_path):
    result = CliRunner().invoke(
        main, ["demo", *arguments], env={"CONSENT_INSTANCE_PATH": str(tmp_path / "instance")}
    )
    assert result.exit_code == 2
    assert message in result.output
