"""Dispatch to every party (KPA art. 109) with a distribution list, and closing with care.

A decision goes to several addressees at once: "Otrzymują" (the parties) and
"Do wiadomości", each with its own outgoing-register number, channel and
delivery status; a repeated or doubled request registers nobody twice; a
case whose decision is still on its way closes only when the official
confirms it.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from infostrada.audit.models import AuditEvent
from infostrada.documents.models import (
    Case,
    CaseParty,
    DistributionEntry,
    Document,
    OutgoingItem,
)
from infostrada.documents.services import cases, dispatch, drafting
from infostrada.documents.services.common import read_version
from infostrada.documents.services.dispatch import RecipientData
from infostrada.documents.services.drafting import latest_version

from .conftest import actor, open_case

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def case_with_parties(ezd) -> Case:  # type: ignore[no-untyped-def]
    """A building-permit-like case with three parties: one with a portal account,
    one reachable by e-mail, one by post."""
    case = open_case(ezd, symbol="6730", title="Warunki zabudowy, dz. 12/3")
    for party in (
        cases.PartyData(
            role="applicant",
            party_kind="person",
            first_name="Jan",
            last_name="Kowalski",
            citizen=ezd.citizen,
        ),
        cases.PartyData(
            role="party",
            party_kind="person",
            first_name="Anna",
            last_name="Nowak",
            email="anna.nowak@example.invalid",
        ),
        cases.PartyData(
            role="party",
            party_kind="institution",
            institution="Spółdzielnia Mieszkaniowa Lubicz",
            street="ul. Toruńska 1",
            postal_code="87-162",
            city="Lubicz",
        ),
    ):
        cases.add_party(actor=actor(ezd.referent), unit=ezd.unit, case=case, party=party)
    return case


def approved_decision(ezd, case: Case) -> Document:  # type: ignore[no-untyped-def]
    draft = drafting.create_draft(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        case=case,
        title="Decyzja o warunkach zabudowy",
        kind=Document.Kind.DECISION,
        body="Na podstawie art. 59 ustawy ustala się warunki zabudowy.",
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=ezd.unit, document=draft, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=ezd.unit, document=draft, approve=True)
    return Document.objects.for_unit(ezd.unit).get(pk=draft.pk)


def sign(ezd, document: Document) -> Document:  # type: ignore[no-untyped-def]
    return drafting.sign(actor=actor(ezd.kierownik), unit=ezd.unit, document=document)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_decision_goes_to_every_party_each_with_its_own_register_entry(ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    decision = approved_decision(ezd, case)
    added, skipped = dispatch.add_case_parties(
        actor=actor(ezd.referent), unit=unit, document=decision
    )
    assert skipped == [] and len(added) == 3
    dispatch.add_addressee(
        actor=actor(ezd.referent),
        unit=unit,
        document=decision,
        channel="email",
        recipient=RecipientData(
            party_kind="institution",
            institution="Starostwo Powiatowe w Toruniu",
            email="starostwo@example.invalid",
        ),
        list_kind=DistributionEntry.List.FOR_INFORMATION,
    )
    signed = sign(ezd, decision)
    # the distribution list is printed at the foot of the sealed letter
    text = pdf_text(read_version(latest_version(signed)))
    assert "Otrzymują:" in text and "Do wiadomości:" in text
    for name in ("Jan Kowalski", "Anna Nowak", "Spółdzielnia Mieszkaniowa Lubicz"):
        assert name in text

    items = dispatch.dispatch_pending(actor=actor(ezd.referent), unit=unit, document=signed)

    assert [i.register_number for i in items] == [f"{n}/{YEAR}" for n in (1, 2, 3, 4)]
    by_name = {i.correspondent_name: i for i in items}
    assert by_name["Jan Kowalski"].channel == "portal"
    assert by_name["Jan Kowalski"].citizen == ezd.citizen
    assert by_name["Jan Kowalski"].status == "sent"
    assert by_name["Anna Nowak"].channel == "email" and by_name["Anna Nowak"].status == "sent"
    post = by_name["Spółdzielnia Mieszkaniowa Lubicz"]
    assert post.channel == "paper" and post.status == "prepared"  # waits for the post room
    assert by_name["Starostwo Powiatowe w Toruniu"].entry.list == "information"
    assert Document.objects.for_unit(unit).get(pk=signed.pk).status == "dispatched"
    audited = AuditEvent.objects.for_unit(unit).filter(action="documents.dispatched")
    assert audited.count() == 4
    # each addressee's delivery runs on its own: the resident opens theirs
    opened, _pdf = dispatch.open_delivery(actor=actor(ezd.citizen), item=by_name["Jan Kowalski"])
    assert opened.status == "delivered"
    assert OutgoingItem.objects.for_unit(unit).get(pk=by_name["Anna Nowak"].pk).status == "sent"


def test_a_party_added_after_the_first_dispatch_still_gets_the_decision(ezd):
    """The defect: after the first dispatch the document could be sent to nobody else."""
    unit = ezd.unit
    case = case_with_parties(ezd)
    signed = sign(ezd, approved_decision(ezd, case))
    first = dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=unit,
        document=signed,
        channel="portal",
        recipient=RecipientData(party_kind="person", first_name="Jan", last_name="Kowalski"),
        citizen=ezd.citizen,
    )
    dispatch.add_addressee(
        actor=actor(ezd.referent),
        unit=unit,
        document=signed,
        channel="paper",
        recipient=RecipientData(
            party_kind="person",
            first_name="Anna",
            last_name="Nowak",
            street="ul. Polna 2",
            postal_code="87-162",
            city="Lubicz",
        ),
    )
    second = dispatch.dispatch_pending(actor=actor(ezd.referent), unit=unit, document=signed)
    assert [o.correspondent_name for o in second] == ["Anna Nowak"]
    assert second[0].number == first.number + 1


def test_a_repeated_dispatch_registers_nobody_twice(ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    decision = approved_decision(ezd, case)
    dispatch.add_case_parties(actor=actor(ezd.referent), unit=unit, document=decision)
    signed = sign(ezd, decision)
    ids = list(dispatch.pending_entries(unit, signed).values_list("pk", flat=True))
    first = dispatch.dispatch_pending(
        actor=actor(ezd.referent), unit=unit, document=signed, entry_ids=ids
    )
    again = dispatch.dispatch_pending(
        actor=actor(ezd.referent), unit=unit, document=signed, entry_ids=ids
    )
    assert len(first) == 3 and again == []
    assert OutgoingItem.objects.for_unit(unit).count() == 3
    # the one-addressee shortcut refuses a second press as before
    with pytest.raises(ValidationError):
        dispatch.dispatch(
            actor=actor(ezd.referent),
            unit=unit,
            document=signed,
            channel="portal",
            recipient=RecipientData(party_kind="person", last_name="Kowalski"),
            citizen=ezd.citizen,
        )
    # an addressee already dispatched stays on the list
    with pytest.raises(ValidationError):
        dispatch.remove_addressee(actor=actor(ezd.referent), unit=unit, entry=first[0].entry)


def test_a_bad_addressee_stops_the_whole_run_before_anything_is_registered(ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    decision = approved_decision(ezd, case)
    dispatch.add_case_parties(actor=actor(ezd.referent), unit=unit, document=decision)
    signed = sign(ezd, decision)
    # the post-room addressee's address is lost (e.g. edited in the admin)
    DistributionEntry.objects.for_unit(unit).filter(channel="paper").update(city="")
    with pytest.raises(ValidationError):
        dispatch.dispatch_pending(actor=actor(ezd.referent), unit=unit, document=signed)
    assert not OutgoingItem.objects.for_unit(unit).exists()
    assert Document.objects.for_unit(unit).get(pk=signed.pk).status == "signed"


def test_parties_no_channel_reaches_are_reported_not_added(ezd):
    unit = ezd.unit
    case = open_case(ezd, symbol="6730")
    cases.add_party(
        actor=actor(ezd.referent),
        unit=unit,
        case=case,
        party=cases.PartyData(role="party", party_kind="person", last_name="Bezadresowy"),
    )
    decision = approved_decision(ezd, case)
    added, skipped = dispatch.add_case_parties(
        actor=actor(ezd.referent), unit=unit, document=decision
    )
    assert added == [] and skipped == ["Bezadresowy"]


def test_closing_a_case_with_a_pending_delivery_needs_confirmation(ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    decision = approved_decision(ezd, case)
    dispatch.add_case_parties(actor=actor(ezd.referent), unit=unit, document=decision)
    signed = sign(ezd, decision)
    dispatch.dispatch_pending(actor=actor(ezd.referent), unit=unit, document=signed)
    with pytest.raises(ValidationError) as refused:
        cases.close_case(actor=actor(ezd.referent), unit=unit, case=case, note="Wydano decyzję")
    assert "confirm_pending" in refused.value.message_dict
    assert Case.objects.for_unit(unit).get(pk=case.pk).status == "open"
    closed = cases.close_case(
        actor=actor(ezd.referent),
        unit=unit,
        case=case,
        note="Wydano decyzję",
        confirm_pending=True,
    )
    assert closed.status == "closed"
    entry = AuditEvent.objects.for_unit(unit).filter(action="documents.case.closed").get()
    assert entry.changes["pending_deliveries_confirmed"] == 3


def test_a_case_whose_decisions_are_delivered_closes_without_asking(ezd):
    unit = ezd.unit
    case = open_case(ezd, symbol="6730")
    cases.add_party(
        actor=actor(ezd.referent),
        unit=unit,
        case=case,
        party=cases.PartyData(
            role="applicant", party_kind="person", last_name="Kowalski", citizen=ezd.citizen
        ),
    )
    decision = approved_decision(ezd, case)
    dispatch.add_case_parties(actor=actor(ezd.referent), unit=unit, document=decision)
    signed = sign(ezd, decision)
    (item,) = dispatch.dispatch_pending(actor=actor(ezd.referent), unit=unit, document=signed)
    dispatch.open_delivery(actor=actor(ezd.citizen), item=item)
    assert cases.close_case(actor=actor(ezd.referent), unit=unit, case=case, note="Wydano")


# --- through the pages, as an official does it ---------------------------------


def test_the_dispatch_page_sends_to_several_addressees_and_stays_usable(client, ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    signed = sign(ezd, approved_decision(ezd, case))
    url = f"/urzad/lubicz/ezd/dokumenty/{signed.pk}/"
    client.force_login(ezd.referent)
    assert client.post(url, {"action": "add_parties"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Register and send to 3 addressees" in page or "Zarejestruj i wyślij do 3" in page
    pending = list(dispatch.pending_entries(unit, signed).values_list("pk", flat=True))
    form = {"action": "dispatch", "entry": [str(pk) for pk in pending]}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a double submit
    assert OutgoingItem.objects.for_unit(unit).count() == 3
    # the list and the form to add another addressee are still there
    page = client.get(url).content.decode()
    assert 'name="action" value="addressee"' in page
    for n in (1, 2, 3):
        assert f"{n}/{YEAR}" in page
    response = client.post(
        url,
        {
            "action": "addressee",
            "list_kind": "information",
            "channel": "email",
            "party_kind": "institution",
            "institution": "Starostwo Powiatowe w Toruniu",
            "email": "starostwo@example.invalid",
        },
    )
    assert response.status_code == 302
    pending = list(dispatch.pending_entries(unit, signed).values_list("pk", flat=True))
    client.post(url, {"action": "dispatch", "entry": [str(pk) for pk in pending]})
    assert OutgoingItem.objects.for_unit(unit).count() == 4
    # the case view shows the distribution list with each delivery status
    page = client.get(f"/urzad/lubicz/ezd/sprawy/{case.pk}/").content.decode()
    assert f"distribution-{signed.pk}" in page and "Starostwo Powiatowe w Toruniu" in page


def test_the_close_form_lists_pending_deliveries_and_needs_the_tick(client, ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    decision = approved_decision(ezd, case)
    dispatch.add_case_parties(actor=actor(ezd.referent), unit=unit, document=decision)
    sign(ezd, decision)
    url = f"/urzad/lubicz/ezd/sprawy/{case.pk}/"
    client.force_login(ezd.referent)
    response = client.post(url, {"action": "close", "note": "Wydano decyzję"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="pending-deliveries"' in page and "Anna Nowak" in page
    assert 'name="confirm_pending"' in page
    assert Case.objects.for_unit(unit).get(pk=case.pk).status == "open"
    response = client.post(
        url, {"action": "close", "note": "Wydano decyzję", "confirm_pending": "on"}
    )
    assert response.status_code == 302
    assert Case.objects.for_unit(unit).get(pk=case.pk).status == "closed"


def test_parties_on_the_list_keep_their_portal_account(ezd):
    case = case_with_parties(ezd)
    decision = approved_decision(ezd, case)
    added, _skipped = dispatch.add_case_parties(
        actor=actor(ezd.referent), unit=ezd.unit, document=decision
    )
    party = CaseParty.objects.for_unit(ezd.unit).get(case=case, role="applicant")
    assert added[0].citizen_id == party.citizen_id == ezd.citizen.pk


# --- two identical requests at once ------------------------------------------


def run_at_once(work, workers: int = 8) -> tuple[list, list[BaseException]]:  # type: ignore[no-untyped-def,type-arg]
    """``work`` in ``workers`` threads released together, each with its own connection."""
    import threading

    from django.db import connections

    start = threading.Barrier(workers)
    results: list = []  # type: ignore[type-arg]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=60)
            results.append(work())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_identical_dispatches_at_once_register_each_addressee_once(ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    decision = approved_decision(ezd, case)
    dispatch.add_case_parties(actor=actor(ezd.referent), unit=unit, document=decision)
    signed = sign(ezd, decision)
    ids = list(dispatch.pending_entries(unit, signed).values_list("pk", flat=True))
    officer = actor(ezd.referent)

    results, errors = run_at_once(
        lambda: dispatch.dispatch_pending(actor=officer, unit=unit, document=signed, entry_ids=ids)
    )

    assert errors == []
    assert sorted(len(r) for r in results) == [0] * 7 + [3]  # one run sent, the rest found none
    numbers = sorted(OutgoingItem.objects.for_unit(unit).values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    assert AuditEvent.objects.for_unit(unit).filter(action="documents.dispatched").count() == 3


@pytest.mark.django_db(transaction=True)
def test_identical_one_click_dispatches_at_once_send_once(ezd):
    unit = ezd.unit
    case = case_with_parties(ezd)
    signed = sign(ezd, approved_decision(ezd, case))
    officer = actor(ezd.referent)

    results, errors = run_at_once(
        lambda: dispatch.dispatch(
            actor=officer,
            unit=unit,
            document=signed,
            channel="portal",
            recipient=RecipientData(party_kind="person", first_name="Jan", last_name="Kowalski"),
            citizen=ezd.citizen,
        )
    )

    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, ValidationError) for e in errors)
    assert OutgoingItem.objects.for_unit(unit).count() == 1
    assert DistributionEntry.objects.for_unit(unit).count() == 1


def test_letters_sent_before_the_distribution_list_still_show_on_the_document(client, ezd):
    """Outgoing items registered before migration 0005 have no entry; the page lists them."""
    case = case_with_parties(ezd)
    signed = sign(ezd, approved_decision(ezd, case))
    item = dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        document=signed,
        channel="portal",
        recipient=RecipientData(party_kind="person", first_name="Jan", last_name="Kowalski"),
        citizen=ezd.citizen,
    )
    OutgoingItem.objects.for_unit(ezd.unit).filter(pk=item.pk).update(entry=None)
    DistributionEntry.objects.for_unit(ezd.unit).all().delete()
    client.force_login(ezd.referent)
    page = client.get(f"/urzad/lubicz/ezd/dokumenty/{signed.pk}/").content.decode()
    assert f"{item.register_number} (Jan Kowalski" in page
