"""The shell on a 375 px phone: a compact header and no page wider than the screen.

Run with ``pytest -m browser``. WCAG 2.1 SC 1.4.10 (Reflow) asks for content
usable at 320 CSS px without scrolling in two directions; 375 px is the most
common phone width.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from infostrada.accounts.roles import Role
from infostrada.documents.tests.conftest import setup_unit
from infostrada.geo.tests.test_portal import geo  # noqa: F401 (fixture)
from infostrada.testing import DEMO_PASSWORD, official

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geo"),
]

PHONE = {"width": 375, "height": 740}
PUBLIC = [
    "/",
    "/?q=Lubicz",
    "/lubicz/",
    "/lubicz/deklaracja-dostepnosci/",
    "/lubicz/geoportal/",
    "/lubicz/geoportal/wypis/",
    "/konto/logowanie/",
    "/brak-strony/",
]
WORKBENCH = [
    "/urzad/lubicz/",
    "/urzad/lubicz/ezd/",
    "/urzad/lubicz/geoportal/wypisy/",
    "/urzad/lubicz/geoportal/import/",
    "/urzad/lubicz/audyt/",
]
WIDTH = "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
HEADER = "document.querySelector('.site-header').getBoundingClientRect().height"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="pl-PL", is_mobile=True)
    page = context.new_page()
    own = urlsplit(live_server.url).netloc
    page.route(
        "**/*", lambda r: r.abort() if urlsplit(r.request.url).netloc != own else r.continue_()
    )
    yield page
    context.close()


def _measure(page, url):  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate(WIDTH), page.evaluate(HEADER)


def test_public_pages_fit_a_phone(phone, live_server, lubicz):
    setup_unit(lubicz, "lubicz")  # an office that takes zoning-extract requests: the form shows
    found = {path: _measure(phone, live_server.url + path) for path in PUBLIC}
    assert {p: w for p, (w, _h) in found.items() if w > PHONE["width"]} == {}
    phone.goto(live_server.url + "/lubicz/geoportal/wypis/")
    assert phone.locator("textarea#id_parcels").count() == 1  # the form itself was measured
    # compact: was 156 px (public) and 424-456 px (workbench) before; now 76 and 175
    assert {p: h for p, (_w, h) in found.items() if h > 100} == {}


def test_workbench_pages_fit_a_phone(phone, live_server, lubicz):
    user = official(lubicz, Role.SECRETARY, Role.GIS_OPERATOR, Role.UNIT_ADMIN)
    phone.goto(live_server.url + "/konto/logowanie/")
    phone.fill("#id_username", user.username)
    phone.fill("#id_password", DEMO_PASSWORD)
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_load_state("load")
    found = {path: _measure(phone, live_server.url + path) for path in WORKBENCH}
    assert {p: w for p, (w, _h) in found.items() if w > PHONE["width"]} == {}
    assert {p: h for p, (_w, h) in found.items() if h > 200} == {}
