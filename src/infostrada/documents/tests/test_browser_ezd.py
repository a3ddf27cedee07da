"""The whole EZD path in a real headless Chromium, with axe-core on every page type.

Chancellery registers a paper letter with its scan and assigns it; the case
officer accepts it, opens a case and drafts a reply; the head of department
approves, seals and dispatches it to the resident's portal account; the
resident opens it; the delivery confirmation lands in the case file; the case
is closed and its retention date is shown. Everything without JavaScript.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from infostrada.documents.models import Case, Document, FileClass, OutgoingItem
from infostrada.testing import DEMO_PASSWORD, UserFactory
from infostrada.testing_browser import serious_violations

from .conftest import pdf_bytes, setup_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session(browser, live_server, username: str | None):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="pl-PL", java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if username:
        page.goto(f"{live_server.url}/konto/logowanie/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
    return page


def test_a_letter_becomes_a_case_a_reply_a_delivery_and_an_archived_file(
    browser, live_server, lubicz, nieszawka, tmp_path
):
    ezd = setup_unit(lubicz, "lubicz")
    resident = UserFactory(
        username="jan.kowalski", kind="citizen", first_name="Jan", last_name="Kowalski"
    )
    scan = tmp_path / "skan-wniosku.pdf"
    scan.write_bytes(pdf_bytes("Wniosek o wydanie wypisu z planu miejscowego"))
    base = f"{live_server.url}/urzad/lubicz/ezd"
    visited: dict[str, tuple[str, object]] = {}

    def audit(page, name: str) -> None:  # type: ignore[no-untyped-def]
        """Remember the page to scan with axe-core at the end (axe needs JavaScript)."""
        visited[name] = (page.url, page.context.storage_state())

    # 1. the chancellery registers the paper letter with its scan and assigns it to ZP
    clerk = session(browser, live_server, ezd.kancelaria.username)
    clerk.goto(f"{base}/kancelaria/")
    audit(clerk, "chancellery")
    clerk.check("#id_party_kind_0")  # a person
    clerk.fill("#id_first_name", "Jan")
    clerk.fill("#id_last_name", "Kowalski")
    clerk.fill("#id_street", "ul. Polna 3")
    clerk.fill("#id_postal_code", "87-162")
    clerk.fill("#id_city", "Lubicz")
    clerk.fill("#id_subject", "Wniosek o wydanie wypisu z planu miejscowego")
    clerk.set_input_files("#id_files", str(scan))
    clerk.select_option("#id_department", label=str(ezd.ZP))
    clerk.fill("#id_instruction", "Proszę o załatwienie")
    clerk.click("form[enctype] button[type=submit]")
    year = timezone.localdate().year
    if clerk.locator(".error-summary").count():
        errors = clerk.locator(".error-summary, .field-error").all_inner_texts()
        raise AssertionError(f"registration refused: {errors}")
    assert f"1/{year}" in clerk.inner_text(".messages")

    # 2. the case officer accepts it and opens a case with the right signature
    officer = session(browser, live_server, ezd.referent.username)
    officer.goto(f"{base}/")
    audit(officer, "tasks")
    officer.click(f"text=1/{year}")
    audit(officer, "item")
    officer.click("form:has(input[value=accept]) button")
    officer.click("a.button")  # open a case from this item
    officer.select_option("#id_department", label=str(ezd.ZP))
    wypisy = FileClass.objects.for_unit(lubicz).get(symbol="6727")
    officer.select_option("#id_file_class", str(wypisy.pk))
    officer.click("main form button[type=submit]")
    heading = officer.inner_text("h1")
    assert re.match(rf"ZP\.6727\.1\.{year} ", heading), heading
    audit(officer, "case")
    case = Case.objects.for_unit(lubicz).get()
    assert case.signature == f"ZP.6727.1.{year}"

    # 3. drafts a reply and sends it to the head of department for approval
    officer.click("a[href$='/projekt/']")
    officer.fill("#id_title", "Wypis z miejscowego planu")
    officer.fill("#id_body", "W odpowiedzi na wniosek przekazuję wypis.\n\nZ poważaniem")
    officer.click("main form button[type=submit]")
    audit(officer, "document")
    officer.select_option("#id_approver_1", str(ezd.kierownik.pk))
    officer.click("form:has(input[value=submit]) button[type=submit]")
    draft = Document.objects.for_unit(lubicz).get(kind="letter", case=case)
    assert draft.status == "in_approval"

    # 4. the head of department approves, seals and dispatches it to the portal account
    head = session(browser, live_server, ezd.kierownik.username)
    head.goto(f"{base}/akceptacje/")
    audit(head, "approvals")
    head.click("text=Wypis z miejscowego planu")
    head.check("#id_decision_0")  # approve
    head.click("form:has(input[value=decide]) button[type=submit]")
    head.click("form:has(input[value=sign]) button[type=submit]")
    draft.refresh_from_db()
    assert draft.status == "signed"
    # the resident's account is found by their e-mail (no list of residents), then the
    # addressee goes on the distribution list and the list is dispatched
    head.fill("#id_resident", resident.email)
    head.click("form.resident-lookup button[type=submit]")
    assert "Jan Kowalski" in head.inner_text(".resident-lookup [role=status]")
    audit(head, "dispatch")
    head.click("form:has(input[value=addressee]) button[type=submit]")
    head.click("form:has(input[value=dispatch]) button[type=submit]")
    assert f"1/{year}" in head.inner_text(".messages")
    assert OutgoingItem.objects.for_unit(lubicz).get().citizen == resident

    # 5. the resident opens the letter in their account: that is the delivery
    citizen = session(browser, live_server, resident.username)
    citizen.goto(f"{live_server.url}/konto/skrzynka/")
    audit(citizen, "letters")
    citizen.click("text=Wypis z miejscowego planu")
    with citizen.expect_download() as download:
        citizen.click("main form button[type=submit]")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    letter = OutgoingItem.objects.for_unit(lubicz).get()
    assert letter.status == "delivered" and letter.evidence is not None

    # 6. the delivery evidence is in the case file; the case is closed with a retention date
    officer.goto(f"{base}/sprawy/{case.pk}/")
    assert "UPD" in officer.inner_text("table.case-file")
    officer.fill("#id_note", "Wydano wypis z planu miejscowego")
    officer.click("form:has(input[value=close]) button[type=submit]")
    assert officer.inner_text("#retention").startswith(f"01.01.{year + 6}")
    audit(officer, "closed case")

    # 7. every page type of the path has no serious or critical axe-core violation
    violations = {}
    for name, (url, state) in visited.items():
        context = browser.new_context(locale="pl-PL", storage_state=state)
        page = context.new_page()
        page.goto(url)
        violations[name] = serious_violations(page)
        context.close()
    assert {page: found for page, found in violations.items() if found} == {}
