"""A decision made while the server cannot be reached arrives once it can: on the next page load when
the server comes back, on `online` when the browser does, and never twice (same Idempotency-Key)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import is_decision_request
from .servers import API_HOST

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BANNER = "[data-consent-banner]"
VARIANTS = [("same-site", "mkdocs"), ("cross-site", "material")]


@pytest.mark.parametrize(("topology", "theme"), VARIANTS, ids=[f"{t}-{h}" for t, h in VARIANTS])
def test_a_decision_made_while_the_server_is_down_arrives_once_it_is_back(
    visit, world, log_growth, topology, theme
):
    visitor = visit(topology, theme)
    page = visitor.page
    world.server.stop()
    try:
        with page.expect_event("requestfailed", is_decision_request):
            page.click(f"{BANNER} [data-consent-action=reject-all]")
        expect(page.locator(BANNER)).to_have_count(0)
        with page.expect_event("requestfailed", is_decision_request):
            page.reload()
        expect(page.locator(BANNER)).to_have_count(0)
        assert page.evaluate("window.consent.get().method") == "reject_all"
    finally:
        world.server.start()
    answer = visitor.decide(page.reload)
    assert answer.status == 201
    first_key = answer.request.headers["idempotency-key"]
    page.reload()
    visitor.settle()
    [record] = visitor.records()
    assert (record["method"], record["denied"]) == ("reject_all", ["analytics", "marketing"])
    assert record["origin"] == visitor.origin
    assert log_growth() == 1
    assert len(first_key) >= 16


def test_an_answer_lost_on_the_way_is_resent_and_logged_once(visit, world, log_growth):
    visitor = visit("cross-site", "mkdocs")
    page = visitor.page
    delivered = []

    def lose_the_answer(route) -> None:
        # The server logs the decision (asked from the test, which resolves no test host)...
        delivered.append(route.fetch(url=route.request.url.replace(API_HOST, "127.0.0.1")))
        route.abort()  # ...and the browser never hears of it

    page.route(f"{world.endpoint}/consent", lose_the_answer)
    with page.expect_event("requestfailed", is_decision_request) as lost:
        page.click(f"{BANNER} [data-consent-action=accept-all]")
    page.unroute(f"{world.endpoint}/consent")
    assert [response.status for response in delivered] == [201]
    answer = visitor.decide(page.reload)
    assert answer.request.headers["idempotency-key"] == lost.value.headers["idempotency-key"]
    assert answer.json()["consent_id"] == delivered[0].json()["consent_id"]
    visitor.settle()
    assert [record["method"] for record in visitor.records()] == ["accept_all"]
    assert log_growth() == 1


def test_a_decision_made_offline_arrives_once_when_the_browser_is_back_online(visit, log_growth):
    visitor = visit("cross-site", "mkdocs")
    page = visitor.page
    page.context.set_offline(True)
    page.click(f"{BANNER} [data-consent-action=accept-all]")
    expect(page.locator(BANNER)).to_have_count(0)
    answer = visitor.decide(lambda: page.context.set_offline(False), timeout_ms=5_000)
    assert answer.status == 201
    visitor.settle()
    assert [record["method"] for record in visitor.records()] == ["accept_all"]
    assert log_growth() == 1
