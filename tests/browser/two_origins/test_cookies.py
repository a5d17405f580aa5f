"""Which setup carries the visitor's token how: the `consent` cookie between subdomains of one site,
the banner's own `X-Consent-Token` between sites (where the browser keeps no cookie)."""

from __future__ import annotations

import pytest

from .servers import API_HOST

pytestmark = pytest.mark.browser
BANNER = "[data-consent-banner]"
# A request from the page to the server, as the banner makes it: with credentials, from the site.
READ_CONSENT = """async ([endpoint, token]) => {
  const headers = token ? {"X-Consent-Token": token} : {};
  const answer = await fetch(endpoint + "/consent", {credentials: "include", headers});
  return [answer.status, (await answer.json()).consent_id ?? null];
}"""


def consent_cookies(page) -> list[dict]:
    return [cookie for cookie in page.context.cookies() if cookie["name"] == "consent"]


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_same_site_the_secure_lax_cookie_alone_identifies_the_visitor(visit, world, theme):
    visitor = visit("same-site", theme)
    visitor.decide(lambda: visitor.page.click(f"{BANNER} [data-consent-action=reject-all]"))
    consent_id = visitor.consent_id()
    [cookie] = consent_cookies(visitor.page)
    assert cookie["domain"] == API_HOST
    assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax")
    answer = visitor.page.evaluate(READ_CONSENT, [world.endpoint, None])
    assert answer == [200, consent_id], "the cookie went with a same-site request"


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_cross_site_the_banner_carries_the_token_itself(visit, world, log_growth, theme):
    visitor = visit("cross-site", theme)
    page = visitor.page
    visitor.decide(lambda: page.click(f"{BANNER} [data-consent-action=reject-all]"))
    consent_id = visitor.consent_id()
    assert consent_cookies(page) == [], "a Lax cookie from another site is not kept"
    assert page.evaluate(READ_CONSENT, [world.endpoint, None]) == [404, None]
    token = page.evaluate("window.consent.get().token")
    assert page.evaluate(READ_CONSENT, [world.endpoint, token]) == [200, consent_id]
    page.reload()
    page.click("[data-consent-open]")
    visitor.decide(lambda: page.click("[data-consent-dialog] [data-consent-action=accept-all]"))
    assert [r["method"] for r in visitor.records()] == ["reject_all", "accept_all"]
    assert log_growth() == 2
