"""Pages in a real headless Chromium (Debian's package, driven by Playwright),
with an axe-core accessibility scan of every page type.

Run with ``make test-browser`` (pytest -m browser).
"""

from __future__ import annotations

import pytest

from infostrada.accounts.roles import Role
from infostrada.testing import DEMO_PASSWORD, official
from infostrada.testing_browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    yield page
    context.close()


def _log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/konto/logowanie/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/lubicz/",
        "/powiat-torunski/",
        "/konto/logowanie/",
        "/lubicz/deklaracja-dostepnosci/",
        "/?q=Lubi",
    ],
)
def test_public_pages_have_no_serious_accessibility_violations(page, live_server, region, path):
    page.goto(live_server.url + path)
    assert page.locator("main h1").count() == 1
    assert serious_violations(page) == []


def test_workbench_frame_has_no_serious_accessibility_violations(
    page, live_server, lubicz, nieszawka
):
    user = official(lubicz, Role.UNIT_ADMIN, Role.SECRETARY, username="admin.lubicz")
    official(nieszawka, Role.CASE_OFFICER, username="admin.lubicz")
    _log_in(page, live_server, user.username)
    page.goto(f"{live_server.url}/urzad/lubicz/")
    assert page.locator("#unit-switch").count() == 1  # two units: the switcher is there
    assert serious_violations(page) == []
    for path in (
        "/urzad/lubicz/audyt/",
        "/urzad/lubicz/urzednicy/",
        "/urzad/lubicz/klienci-api/",
        "/urzad/lubicz/bezpieczenstwo/",
    ):
        page.goto(live_server.url + path)
        assert serious_violations(page) == [], path


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, live_server, region):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_search_and_language_switch_work_without_javascript(browser, live_server, region):
    from playwright.sync_api import expect  # only where the browser extra is installed

    context = browser.new_context(java_script_enabled=False, locale="pl-PL")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.fill("#unit-q", "Lubicz")
        page.click("form[role=search] button")
        # expect() waits for the page the form loads; count() would read the old one
        expect(page.locator(".unit-list a", has_text="Gmina Lubicz")).to_have_count(1)
        page.select_option("#lang-select", "en")
        page.click(".lang-form button")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".skip-link")).to_have_text("Skip to main content")
    finally:
        context.close()


def test_the_unit_switcher_works_without_javascript(browser, live_server, lubicz, nieszawka):
    user = official(lubicz, Role.CASE_OFFICER, username="dwa.urzedy")
    official(nieszawka, Role.CASE_OFFICER, username="dwa.urzedy")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, live_server, user.username)
        page.goto(f"{live_server.url}/urzad/lubicz/")
        page.select_option("#unit-switch", "wielka-nieszawka")
        page.click(".switcher button")
        assert page.url.endswith("/urzad/wielka-nieszawka/")
    finally:
        context.close()


def test_pages_reflow_on_a_narrow_phone(browser, live_server, region):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in ("/", "/lubicz/", "/konto/logowanie/", "/lubicz/deklaracja-dostepnosci/"):
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()


def test_accessibility_statement_has_the_required_element_ids(page, live_server, region):
    page.goto(live_server.url + "/lubicz/deklaracja-dostepnosci/")
    for element_id in (
        "a11y-wstep",
        "a11y-podmiot",
        "a11y-url",
        "a11y-data-publikacja",
        "a11y-data-aktualizacja",
        "a11y-status",
        "a11y-data-sporzadzenie",
        "a11y-kontakt",
        "a11y-osoba",
        "a11y-email",
        "a11y-procedura",
        "a11y-architektura",
        "a11y-aplikacje",
    ):
        assert page.locator(f"#{element_id}").count() == 1, element_id
    footer_link = page.locator("footer a", has_text="Deklaracja dostępności")
    assert footer_link.count() == 1 or page.locator("footer a").count() >= 1
