"""EZD workbench pages through the test client: forms work, bad input is shown, not stored."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from infostrada.documents.models import (
    Case,
    CaseParty,
    CaseRelation,
    Department,
    FileClass,
    IncomingItem,
    Substitution,
)
from infostrada.documents.services import cases

from .conftest import actor, open_case, pdf_bytes, register

pytestmark = pytest.mark.django_db


def queries_and_page(client, url: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    return len(ctx.captured_queries), page


def test_the_chancellery_registers_a_letter_with_a_scan_and_assigns_it(client, ezd):
    client.force_login(ezd.kancelaria)
    response = client.post(
        "/urzad/lubicz/ezd/kancelaria/",
        {
            "channel": "paper",
            "received_on": timezone.localdate().isoformat(),
            "subject": "Wniosek o wypis",
            "party_kind": "person",
            "first_name": "Jan",
            "last_name": "Kowalski",
            "department": ezd.ZP.pk,
            "instruction": "Pilne",
            "files": [SimpleUploadedFile("skan.pdf", pdf_bytes())],
        },
    )
    assert response.status_code == 302
    item = IncomingItem.objects.for_unit(ezd.unit).get()
    assert item.department == ezd.ZP and item.status == "assigned"
    page = client.get(response["Location"]).content.decode()
    assert f"1/{timezone.localdate().year}" in page


def test_a_wrong_file_is_shown_next_to_the_form_and_nothing_is_registered(client, ezd):
    client.force_login(ezd.kancelaria)
    response = client.post(
        "/urzad/lubicz/ezd/kancelaria/",
        {
            "channel": "paper",
            "received_on": timezone.localdate().isoformat(),
            "subject": "Wniosek",
            "party_kind": "person",
            "last_name": "Kowalski",
            "files": [SimpleUploadedFile("skan.pdf", b"GIF89a not a pdf at all")],
        },
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()


def test_a_date_in_the_future_is_refused_at_the_field(client, ezd):
    client.force_login(ezd.kancelaria)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        "/urzad/lubicz/ezd/kancelaria/",
        {
            "channel": "paper",
            "received_on": tomorrow.isoformat(),
            "subject": "X",
            "party_kind": "person",
            "last_name": "Kowalski",
        },
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()


def test_the_secretary_organises_departments_deputies_and_the_jrwa(client, ezd):
    client.force_login(ezd.sekretarz)
    url = "/urzad/lubicz/ezd/organizacja/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "department",
            "symbol": "GK",
            "name": "Referat Gospodarki Komunalnej",
            "valid_from": 2026,
        },
    )
    assert response.status_code == 302
    assert Department.objects.for_unit(ezd.unit).filter(symbol="GK").exists()
    # the same symbol in overlapping years is refused at the field
    response = client.post(
        url, {"action": "department", "symbol": "GK", "name": "Inny", "valid_from": 2026}
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "action": "substitution",
            "absent": ezd.referent.pk,
            "deputy": ezd.referent_or.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=5)).isoformat(),
            "reason": "urlop",
        },
    )
    assert response.status_code == 302
    assert Substitution.objects.for_unit(ezd.unit).count() == 1
    before = FileClass.objects.for_unit(ezd.unit).count()
    bad = "symbol;title;category_own;category_other;remarks\n67x;Zły;A;B5;\n"
    response = client.post(
        url, {"action": "jrwa", "file": SimpleUploadedFile("j.csv", bad.encode())}
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert FileClass.objects.for_unit(ezd.unit).count() == before


def test_a_case_officer_may_not_organise(client, ezd):
    client.force_login(ezd.referent)
    assert client.get("/urzad/lubicz/ezd/organizacja/").status_code == 403


def test_parties_and_related_cases_are_added_on_the_case_page(client, ezd):
    unit = ezd.unit
    fc = FileClass.objects.for_unit(unit).get(symbol="6730")
    first = cases.open_case(
        actor=actor(ezd.referent), unit=unit, department=ezd.ZP, file_class=fc, title="Pierwsza"
    )
    second = cases.open_case(
        actor=actor(ezd.referent), unit=unit, department=ezd.ZP, file_class=fc, title="Druga"
    )
    client.force_login(ezd.referent)
    url = f"/urzad/lubicz/ezd/sprawy/{first.pk}/"
    response = client.post(
        url,
        {
            "action": "party",
            "role": "party",
            "party_kind": "person",
            "first_name": "Anna",
            "last_name": "Nowak",
        },
    )
    assert response.status_code == 302
    assert CaseParty.objects.for_unit(unit).get(case=first).correspondent_name == "Anna Nowak"
    response = client.post(
        url,
        {
            "action": "party",
            "role": "party",
            "party_kind": "person",
            "last_name": "Nowak",
            "pesel": "12345678901",
        },
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    response = client.post(url, {"action": "relate", "signature": second.signature})
    assert response.status_code == 302
    assert CaseRelation.objects.for_unit(unit).filter(case=first, related=second).exists()
    response = client.post(url, {"action": "relate", "signature": "OR.1431.99.2020"})
    assert response.status_code == 200 and "field-error" in response.content.decode()


def test_case_search_on_the_page_finds_by_inflected_words(client, ezd):
    unit = ezd.unit
    cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6727"),
        title="Wypis dla działki 12/3 w Grębocinie",
    )
    client.force_login(ezd.referent)
    page = client.get("/urzad/lubicz/ezd/sprawy/", {"q": "działkach"}).content.decode()
    assert "Grębocinie" in page
    page = client.get("/urzad/lubicz/ezd/sprawy/", {"q": "kanalizacja"}).content.decode()
    assert "Grębocinie" not in page


def test_my_tasks_list_what_waits_for_the_official(client, ezd):
    from infostrada.documents.services import correspondence

    item = register(ezd, "Pytanie o plan")
    correspondence.assign(
        actor=actor(ezd.kancelaria),
        unit=ezd.unit,
        item=item,
        assignee=ezd.referent,
        instruction="Odpowiedzieć",
    )
    client.force_login(ezd.referent)
    page = client.get("/urzad/lubicz/ezd/").content.decode()
    assert "Pytanie o plan" in page and "Odpowiedzieć" in page
    client.force_login(ezd.referent_or)
    assert "Pytanie o plan" not in client.get("/urzad/lubicz/ezd/").content.decode()
    assert Case.objects.for_unit(ezd.unit).count() == 0


def test_deadlines_on_my_tasks_say_how_many_days_are_left_or_overdue(client, ezd):
    import re

    from django.conf import settings

    today = timezone.localdate()
    for title, days in (("Po terminie", -3), ("Dziś", 0), ("Za tydzień", 7), ("Za miesiąc", 20)):
        case = open_case(ezd, symbol="6730", title=title)
        deadline = today + datetime.timedelta(days=days)
        Case.objects.for_unit(ezd.unit).filter(pk=case.pk).update(deadline=deadline)
    client.force_login(ezd.referent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/urzad/lubicz/ezd/").content.decode()
    cell = r'<time datetime="([-\d]+)">[.\d]+</time> <span class="([^"]+)">\(([^)]+)\)'
    shown = re.findall(cell, page)
    day = lambda n: (today + datetime.timedelta(days=n)).isoformat()  # noqa: E731
    assert shown == [
        (day(-3), "deadline overdue", "3 days overdue"),
        (day(0), "deadline soon", "due today"),
        (day(7), "deadline soon", "7 days left"),
        (day(20), "deadline", "20 days left"),
    ]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    page = client.get("/urzad/lubicz/ezd/").content.decode()
    assert "(3 dni po terminie)" in page and "(termin upływa dziś)" in page


def test_my_tasks_runs_as_many_queries_for_many_rows_as_for_one(client, ezd):
    """The lists load only the columns they show; none is fetched again per row."""
    from infostrada.documents.services import correspondence

    def add_work(n: int) -> None:
        for k in range(n):
            item = register(ezd, f"Pismo {k}")
            correspondence.assign(
                actor=actor(ezd.kancelaria),
                unit=ezd.unit,
                item=item,
                department=ezd.ZP,
                instruction="Załatwić",
            )
            case = open_case(ezd, symbol="6730", title=f"Sprawa {k}")
            correspondence.assign(
                actor=actor(ezd.sekretarz),
                unit=ezd.unit,
                case=case,
                assignee=ezd.referent,
                instruction="Przejrzeć",
            )

    client.force_login(ezd.referent)
    add_work(1)
    queries_and_page(client, "/urzad/lubicz/ezd/")  # the session's first request saves it
    one, _page = queries_and_page(client, "/urzad/lubicz/ezd/")
    add_work(4)
    many, page = queries_and_page(client, "/urzad/lubicz/ezd/")
    assert many == one
    assert page.count("Załatwić") == 5 and "Pismo 3" in page and "Sprawa 3" in page
    assert page.count("Przejrzeć") == 5
    assert f"1/{timezone.localdate().year}" in page and "(ZP)" in page


@pytest.mark.parametrize("query", ["", "?q=remont+szkoły", "?q=remont&status=open"])
def test_the_case_list_runs_as_many_queries_for_many_rows_as_for_one(client, ezd, query):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=ezd.referent.pk).update(first_name="Anna")

    def open_cases(n: int) -> None:
        for k in range(n):
            open_case(ezd, symbol="6730", title=f"Remont szkoły nr {k}")

    url = f"/urzad/lubicz/ezd/sprawy/{query}"
    client.force_login(ezd.referent)
    open_cases(1)
    queries_and_page(client, url)  # the session's first request saves it
    one, _page = queries_and_page(client, url)
    open_cases(4)
    many, page = queries_and_page(client, url)
    assert many == one
    assert page.count("Remont szkoły nr") == 5 and page.count("Anna") >= 5


def test_the_case_history_is_kept_in_polish_whatever_the_screen_language(client, ezd):
    """Records of the office are in the official language; the screen may be English."""
    from infostrada.documents.models import CaseEvent

    client.force_login(ezd.kancelaria)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(
        "/urzad/lubicz/ezd/kancelaria/",
        {
            "channel": "paper",
            "received_on": timezone.localdate().isoformat(),
            "subject": "Wniosek",
            "party_kind": "person",
            "last_name": "Kowalski",
        },
    )
    assert response.status_code == 302
    assert "Registered as" in client.get(response["Location"]).content.decode()  # the message
    line = CaseEvent.objects.for_unit(ezd.unit).get(kind="registered").summary
    assert line.startswith("Zarejestrowano"), line
