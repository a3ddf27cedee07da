"""The Content-Security-Policy in a real Chromium: no page of the shell breaks under it.

Chromium reports every blocked script, style or image as a
``securitypolicyviolation`` event and a console error; the map viewer (Leaflet,
its layer switcher, search and legends) and the API docs (Swagger UI) must
raise none. Run with ``pytest -m browser``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from infostrada.geo.tests.test_portal import geo  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geo"),
]

RECORD = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    page.add_init_script(RECORD)
    own = urlsplit(live_server.url).netloc
    page.console_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: m.type == "error" and page.console_errors.append(m.text),  # type: ignore[attr-defined]
    )
    # No other host is reachable, as on an installation without internet access.
    page.route(
        "**/*", lambda r: r.abort() if urlsplit(r.request.url).netloc != own else r.continue_()
    )
    yield page
    context.close()


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    csp_console = [t for t in page.console_errors if "Content Security Policy" in t]
    return page.evaluate("window.__csp") + csp_console


def test_the_viewer_runs_under_the_policy(page, live_server):
    page.goto(f"{live_server.url}/lubicz/geoportal/")
    page.wait_for_selector("#map.leaflet-container")
    page.wait_for_function("() => document.querySelectorAll('#map .leaflet-tile').length > 0")
    page.locator("#layers input[data-layer]").first.click()
    page.wait_for_timeout(300)
    assert _violations(page) == []
    assert page.locator(".swatch-svg").count() > 0  # the legends are drawn


def test_the_api_docs_run_under_the_policy(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert _violations(page) == []


@pytest.mark.parametrize("path", ["/", "/lubicz/", "/lubicz/geoportal/wypis/", "/brak/"])
def test_portal_pages_run_under_the_policy(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("load")
    assert _violations(page) == []
