"""The EZD path through the services: letter → case → reply → delivery → archive."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from infostrada.audit.services import verify_all
from infostrada.documents import access, search
from infostrada.documents.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseParty,
    DeadlineKind,
    Document,
    FileClass,
    IncomingItem,
    OutgoingItem,
)
from infostrada.documents.seal import trusted_roots
from infostrada.documents.services import cases, correspondence, dispatch, drafting
from infostrada.documents.services.common import read_version
from infostrada.documents.services.correspondence import IncomingData
from infostrada.documents.services.dispatch import RecipientData
from infostrada.documents.services.drafting import latest_version
from infostrada.documents.signing import Status, verify_pdf

from .conftest import actor, pdf_bytes

pytestmark = pytest.mark.django_db


def letter(**overrides) -> IncomingData:  # type: ignore[no-untyped-def]
    values = {
        "channel": "paper",
        "received_on": timezone.localdate(),
        "subject": "Wniosek o wydanie wypisu i wyrysu z planu miejscowego",
        "party_kind": "person",
        "first_name": "Jan",
        "last_name": "Kowalski",
        "pesel": "80051401111",
        "street": "ul. Toruńska 5",
        "postal_code": "87-162",
        "city": "Lubicz",
    }
    values.update(overrides)
    return IncomingData(**values)


def test_the_whole_path_of_a_matter(ezd):
    unit = ezd.unit
    # chancellery registers a paper letter with its scan
    item = correspondence.register_incoming(
        actor=actor(ezd.kancelaria),
        unit=unit,
        data=letter(),
        files=[("skan.pdf", pdf_bytes())],
    )
    assert item.register_number == f"1/{timezone.localdate().year}"
    scan = Document.objects.for_unit(unit).get(incoming_item=item)
    assert scan.kind == "scan" and latest_version(scan).mime == "application/pdf"
    assert "wypisu" in latest_version(scan).text.lower()
    # assigns it to the department, the case officer accepts
    assignment = correspondence.assign(
        actor=actor(ezd.kancelaria),
        unit=unit,
        item=item,
        department=ezd.ZP,
        assignee=ezd.referent,
        instruction="Proszę o załatwienie",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    correspondence.accept_assignment(actor=actor(ezd.referent), unit=unit, assignment=assignment)
    assert Assignment.objects.for_unit(unit).get(pk=assignment.pk).status == "accepted"
    # opens a case from it
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6727"),
        title="Wypis i wyrys dla działki 123/4",
        item=item,
    )
    year = timezone.localdate().year
    assert re.fullmatch(r"ZP\.6727\.\d+\.\d{4}", case.signature)
    assert case.signature == f"ZP.6727.1.{year}" and case.category == "B5"
    assert case.deadline is not None and case.deadline > timezone.localdate()
    in_file = Document.objects.for_unit(unit).filter(case=case)
    assert list(in_file.values_list("position", flat=True)) == [1]
    assert CaseParty.objects.for_unit(unit).get(case=case).correspondent_name == "Jan Kowalski"
    # drafts a reply, the head of department approves, signs
    draft = drafting.create_draft(
        actor=actor(ezd.referent),
        unit=unit,
        case=case,
        title="Wypis z planu miejscowego",
        body="W odpowiedzi na wniosek z dnia ... przekazuję wypis.\n\nZ poważaniem",
    )
    drafting.update_draft(
        actor=actor(ezd.referent),
        unit=unit,
        document=draft,
        title=draft.title,
        body="W odpowiedzi na wniosek przekazuję wypis i wyrys.\n\nZ poważaniem",
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=unit, document=draft, approvers=[ezd.kierownik]
    )
    assert [s.document_id for s in drafting.approval_queue(actor(ezd.kierownik), unit)] == [
        draft.pk
    ]
    drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=draft, approve=True)
    signed = drafting.sign(actor=actor(ezd.kierownik), unit=unit, document=draft)
    assert signed.status == "signed"
    pdf = read_version(latest_version(signed))
    assert verify_pdf(pdf, trusted_roots()).status == Status.VALID
    # dispatched to the resident's portal account; opening it is the delivery
    out = dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=unit,
        document=signed,
        channel="portal",
        recipient=RecipientData(party_kind="person", first_name="Jan", last_name="Kowalski"),
        citizen=ezd.citizen,
    )
    assert out.status == "sent" and out.register_number == f"1/{year}"
    letters = list(dispatch.citizen_letters(ezd.citizen))
    assert letters == [out]
    opened, content = dispatch.open_delivery(actor=actor(ezd.citizen), item=out)
    assert opened.status == "delivered" and content == pdf
    evidence = opened.evidence
    assert evidence.case_id == case.pk and evidence.kind == "delivery_evidence"
    # closed; retention from 1 January of the next year
    closed = cases.close_case(
        actor=actor(ezd.referent), unit=unit, case=case, note="Wydano wypis i wyrys"
    )
    assert closed.retention_until == datetime.date(year + 1 + 5, 1, 1)
    history = list(
        CaseEvent.objects.for_unit(unit).filter(case=case).values_list("kind", flat=True)
    )
    for kind in (
        "opened",
        "item_added",
        "draft_created",
        "approved",
        "signed",
        "dispatched",
        "delivered",
        "closed",
    ):
        assert kind in history
    assert search.search_cases(actor(ezd.referent), unit, "wyrysu działki")[0][0] == case.pk
    assert verify_all()[1] == []


def test_numbers_follow_each_other_per_department_class_and_year(ezd):
    unit = ezd.unit
    fc = FileClass.objects.for_unit(unit).get(symbol="6730")
    opened = [
        cases.open_case(
            actor=actor(ezd.referent),
            unit=unit,
            department=ezd.ZP,
            file_class=fc,
            title=f"Warunki zabudowy {n}",
        )
        for n in range(3)
    ]
    other = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6733"),
        title="Cel publiczny",
    )
    year = timezone.localdate().year
    assert [c.signature for c in opened] == [f"ZP.6730.{n}.{year}" for n in (1, 2, 3)]
    assert other.signature == f"ZP.6733.1.{year}"


def test_a_failed_registration_leaves_no_gap(ezd):
    unit = ezd.unit
    with pytest.raises(ValidationError):
        correspondence.register_incoming(
            actor=actor(ezd.kancelaria),
            unit=unit,
            data=letter(pesel="80051401112"),
        )
    first = correspondence.register_incoming(actor=actor(ezd.kancelaria), unit=unit, data=letter())
    assert first.number == 1


def test_sender_identifiers_are_validated(ezd):
    for field, value in (("pesel", "12345678901"), ("nip", "1234567890"), ("regon", "123")):
        with pytest.raises(ValidationError) as info:
            correspondence.register_incoming(
                actor=actor(ezd.kancelaria),
                unit=ezd.unit,
                data=letter(party_kind="institution", institution="Firma", **{field: value}),
            )
        assert field in info.value.message_dict
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()


def test_a_case_officer_sees_only_their_departments_cases(ezd):
    unit = ezd.unit
    zp_case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
        title="WZ",
    )
    or_case = cases.open_case(
        actor=actor(ezd.referent_or),
        unit=unit,
        department=ezd.OR,
        file_class=FileClass.objects.for_unit(unit).get(symbol="1431"),
        title="Informacja",
    )
    assert set(access.visible_cases(actor(ezd.referent), unit)) == {zp_case}
    assert set(access.visible_cases(actor(ezd.referent_or), unit)) == {or_case}
    assert set(access.visible_cases(actor(ezd.sekretarz), unit)) == {zp_case, or_case}
    with pytest.raises(PermissionDenied):
        cases.open_case(
            actor=actor(ezd.referent),
            unit=unit,
            department=ezd.OR,
            file_class=FileClass.objects.for_unit(unit).get(symbol="1431"),
            title="Nie mój",
        )
    # an official of another unit sees nothing of Lubicz, even with the same role
    assert not access.visible_cases(actor(ezd.other.sekretarz), unit).exists()
    # searching does not reveal the other department's case either
    assert search.search_cases(actor(ezd.referent), unit, "Informacja") == []


def test_search_ranks_the_newest_visible_hits_when_a_word_is_common(ezd, monkeypatch):
    """Past WINDOW visible hits, the newest are ranked; hidden cases never count."""
    unit = ezd.unit
    wz = FileClass.objects.for_unit(unit).get(symbol="6730")
    opened = [
        cases.open_case(
            actor=actor(ezd.referent),
            unit=unit,
            department=ezd.ZP,
            file_class=wz,
            title=f"Warunki zabudowy {n}",
        )
        for n in range(5)
    ]
    hidden = cases.open_case(
        actor=actor(ezd.referent_or),
        unit=unit,
        department=ezd.OR,
        file_class=FileClass.objects.for_unit(unit).get(symbol="1431"),
        title="Warunki zabudowy poufne",
    )
    found = [pk for pk, _ in search.search_cases(actor(ezd.referent), unit, "warunki")]
    assert sorted(found) == sorted(c.pk for c in opened)
    monkeypatch.setattr(search, "WINDOW", 2)
    found = [pk for pk, _ in search.search_cases(actor(ezd.referent), unit, "warunki")]
    assert sorted(found) == sorted(c.pk for c in opened[-2:])  # not the newer hidden one
    everything = [pk for pk, _ in search.search_cases(actor(ezd.sekretarz), unit, "warunki")]
    assert sorted(everything) == sorted([opened[-1].pk, hidden.pk])


def test_a_case_opened_from_nothing_is_indexed_as_a_full_reindex_would(ezd):
    """The opening path builds the search text without reading the case back."""
    from infostrada.documents.models import SearchEntry
    from infostrada.documents.services.cases import PartyData

    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(ezd.unit).get(symbol="6730"),
        title="Warunki zabudowy, Grębocin",
        description="Budynek gospodarczy",
        parties=[
            PartyData(role="applicant", party_kind="person", first_name="Ewa", last_name="Zając"),
            PartyData(role="party", party_kind="institution", institution="Spółdzielnia Rolna"),
        ],
    )
    body = SearchEntry.objects.for_unit(ezd.unit).get(case=case).body
    assert body == search.case_text(case)
    assert "zajac" in body and "spoldzielnia" in body
    found = [pk for pk, _ in search.search_cases(actor(ezd.referent), ezd.unit, "Zając")]
    assert found == [case.pk]


def test_search_matches_words_by_their_first_letters_and_numbers_exactly(ezd):
    """Prefixes of 4-6 letters (indexed as words on PostgreSQL), shorter ones, numbers."""
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(ezd.unit).get(symbol="6730"),
        title="Przebudowa stodoły na działce 12345 w Złotorii, ul. Ok",
    )

    def found(query: str) -> list[int]:
        return [pk for pk, _ in search.search_cases(actor(ezd.referent), ezd.unit, query)]

    for query in (
        "przeb",  # 4-letter prefix
        "Przebudowy",  # 6-letter prefix
        "stodołami",
        "działek",
        "Złotoria",
        "ok",  # shorter than any indexed prefix
        "12345",
        "przebudowa 12345 stodoła",
    ):
        assert found(query) == [case.pk], query
    for query in ("1234", "123456", "rozbudowa", "stodoła 54321", "okno"):
        assert found(query) == [], query


def test_postgresql_search_index_takes_each_case_at_once(ezd):
    """No GIN pending list: a merge of it once stalled an opening for 155 ms (migration 0004)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'documents_searchentry_tsv'"
        )
        (options,) = cursor.fetchone()
    assert options == ["fastupdate=off"]  # and word prefixes: the test above
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(ezd.unit).get(symbol="6730"),
        title="Rozbiórka stodoły w Złotorii",
    )
    found = [pk for pk, _ in search.search_cases(actor(ezd.referent), ezd.unit, "stodoły")]
    assert found == [case.pk]


def test_a_deputy_sees_the_absent_officials_cases(ezd):
    from infostrada.documents.services import organisation

    unit = ezd.unit
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
        title="WZ",
    )
    assert not access.visible_cases(actor(ezd.referent_or), unit).filter(pk=case.pk).exists()
    today = timezone.localdate()
    organisation.add_substitution(
        actor=actor(ezd.sekretarz),
        unit=unit,
        absent=ezd.referent,
        deputy=ezd.referent_or,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
        reason="urlop",
    )
    assert access.visible_cases(actor(ezd.referent_or), unit).filter(pk=case.pk).exists()


def test_approval_can_return_a_draft_and_a_second_round_follows(ezd):
    unit = ezd.unit
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
        title="WZ",
    )
    draft = drafting.create_draft(
        actor=actor(ezd.referent),
        unit=unit,
        case=case,
        title="Decyzja",
        body="Treść",
        kind="decision",
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent),
        unit=unit,
        document=draft,
        approvers=[ezd.kierownik, ezd.sekretarz],
    )
    with pytest.raises(PermissionDenied):  # not the secretary's turn yet
        drafting.decide(actor=actor(ezd.sekretarz), unit=unit, document=draft, approve=True)
    with pytest.raises(ValidationError):  # returning needs a reason
        drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=draft, approve=False)
    drafting.decide(
        actor=actor(ezd.kierownik),
        unit=unit,
        document=draft,
        approve=False,
        comment="Brak uzasadnienia",
    )
    draft.refresh_from_db()
    assert draft.status == "draft"
    drafting.submit_for_approval(
        actor=actor(ezd.referent),
        unit=unit,
        document=draft,
        approvers=[ezd.kierownik, ezd.sekretarz],
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=draft, approve=True)
    drafting.decide(actor=actor(ezd.sekretarz), unit=unit, document=draft, approve=True)
    draft.refresh_from_db()
    assert draft.status == "approved"
    with pytest.raises(ValidationError):  # a case with unfinished drafts stays open
        cases.close_case(actor=actor(ezd.referent), unit=unit, case=case, note="x")


def test_the_delivery_fiction_after_fourteen_days(ezd):
    unit = ezd.unit
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
        title="WZ",
    )
    draft = drafting.create_draft(
        actor=actor(ezd.referent), unit=unit, case=case, title="Pismo", body="Treść"
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=unit, document=draft, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=draft, approve=True)
    drafting.sign(actor=actor(ezd.kierownik), unit=unit, document=draft)
    out = dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=unit,
        document=draft,
        channel="portal",
        recipient=RecipientData(party_kind="person", first_name="Jan", last_name="Kowalski"),
        citizen=ezd.citizen,
    )
    assert dispatch.apply_delivery_fiction(now=out.sent_at + datetime.timedelta(days=13)) == 0
    assert dispatch.apply_delivery_fiction(now=out.sent_at + datetime.timedelta(days=14)) == 1
    out = OutgoingItem.objects.for_unit(unit).get(pk=out.pk)
    assert out.status == "deemed_delivered"
    assert out.delivered_at == out.sent_at + datetime.timedelta(days=14)
    assert out.evidence.case_id == case.pk
    # opening it later records the opening but does not move the delivery date
    opened, _content = dispatch.open_delivery(actor=actor(ezd.citizen), item=out)
    assert opened.delivered_at == out.delivered_at and opened.opened_at is not None


def test_suspension_extends_the_deadline(ezd):
    unit = ezd.unit
    started = timezone.localdate() - datetime.timedelta(days=10)
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
        title="WZ",
        started_on=started,
    )
    before = case.deadline
    cases.suspend_case(
        actor=actor(ezd.referent),
        unit=unit,
        case=case,
        since=started + datetime.timedelta(days=2),
        reason="art. 97 § 1 pkt 4 KPA",
    )
    resumed = cases.resume_case(
        actor=actor(ezd.referent),
        unit=unit,
        case=Case.objects.for_unit(unit).get(pk=case.pk),
        on=started + datetime.timedelta(days=9),
    )
    assert resumed.suspended_days == 7
    assert resumed.deadline >= before + datetime.timedelta(days=7)


def test_a_second_suspension_moves_a_custom_deadline_by_its_own_days_only(ezd):
    """Each suspension moves a custom deadline once (the second counted the first again)."""
    unit = ezd.unit
    started = timezone.localdate() - datetime.timedelta(days=30)
    custom = started + datetime.timedelta(days=60)
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
        title="Termin szczególny",
        started_on=started,
        deadline_kind=DeadlineKind.CUSTOM,
        custom_deadline=custom,
    )
    deadlines = [case.deadline]
    for since, on in ((2, 12), (20, 25)):  # 10 days, then 5 days
        cases.suspend_case(
            actor=actor(ezd.referent),
            unit=unit,
            case=Case.objects.for_unit(unit).get(pk=case.pk),
            since=started + datetime.timedelta(days=since),
            reason="art. 97 § 1 pkt 4 KPA",
        )
        resumed = cases.resume_case(
            actor=actor(ezd.referent),
            unit=unit,
            case=Case.objects.for_unit(unit).get(pk=case.pk),
            on=started + datetime.timedelta(days=on),
        )
        deadlines.append(resumed.deadline)
    assert resumed.suspended_days == 15
    # the second resumption moves the deadline by 5 days (plus at most a weekend), not by 15
    assert 5 <= (deadlines[2] - deadlines[1]).days <= 7
    assert (deadlines[2] - custom).days <= 15 + 4


def test_intake_is_idempotent_per_source_message(ezd):
    from infostrada.documents import intake

    def submit():  # type: ignore[no-untyped-def]
        return intake.receive(
            unit=ezd.unit,
            channel="portal",
            source_system="e-uslugi",
            source_id="WN-42",
            subject="Wniosek o informację publiczną",
            sender={
                "party_kind": "person",
                "first_name": "Anna",
                "last_name": "Nowak",
                "email": "anna@example.invalid",
            },
            files=[("wniosek.pdf", pdf_bytes("Wniosek"))],
        )

    first, second = submit(), submit()
    assert first.pk == second.pk
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 1
