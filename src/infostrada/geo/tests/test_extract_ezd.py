"""A zoning extract request through the EZD.

Item → case 6727 → draft → approval → sealed → dispatched; bad input changes nothing.
"""

# ruff: noqa: F811 (pytest fixtures imported from other test modules)

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from infostrada.audit.models import AuditEvent
from infostrada.audit.services import verify_all
from infostrada.documents.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseParty,
    Document,
    IncomingItem,
    OutgoingItem,
)
from infostrada.documents.seal import trusted_roots
from infostrada.documents.services import dispatch, drafting
from infostrada.documents.services.common import read_version
from infostrada.documents.services.drafting import latest_version
from infostrada.documents.signing import Status, verify_pdf
from infostrada.documents.tests.conftest import (  # noqa: F401 (fixtures)
    _fast_password_hashing,
    actor,
    ezd,
)
from infostrada.geo import extract as ex
from infostrada.geo import services_extract as se
from infostrada.geo.tests.test_extract import geo_world, pdf_text  # noqa: F401 (fixture)
from infostrada.portal.tests.test_isolation import snapshot

pytestmark = pytest.mark.django_db


def kowalski(**overrides) -> se.Applicant:  # type: ignore[no-untyped-def]
    values = {
        "first_name": "Jan",
        "last_name": "Kowalski",
        "street": "ul. Toruńska 5",
        "postal_code": "87-162",
        "city": "Lubicz",
        "email": "jan.kowalski@example.invalid",
    }
    values.update(overrides)
    return se.Applicant(**values)


def test_the_whole_path_request_case_approval_seal_dispatch(ezd, geo_world):
    unit = ezd.unit
    request = se.request_extract(
        unit=unit,
        applicant=kowalski(citizen=ezd.citizen),
        parcels=["041504_2.0001.12"],
        kind="both",
        purpose="Sprzedaż działki",
        source_id="form-1",
    )
    year = timezone.localdate().year
    # the item: registered in the incoming register with the request as XML and PDF
    item = request.item
    assert item.register_number == f"1/{year}" and item.channel == "portal"
    assert item.source_system == "zoning-extract" and item.correspondent_name == "Jan Kowalski"
    files = Document.objects.for_unit(unit).filter(incoming_item=item).order_by("pk")
    assert [latest_version(d).mime for d in files] == ["application/xml", "application/pdf"]
    assert b"041504_2.0001.12" in read_version(latest_version(files[0]))
    # routed to the department owning JRWA 6727, the case opened under 6727
    assignment = Assignment.objects.for_unit(unit).get(item=item)
    assert assignment.department == ezd.ZP and assignment.status == "pending"
    case = request.case
    assert re.fullmatch(r"ZP\.6727\.\d+\.\d{4}", case.signature)
    assert case.signature == f"ZP.6727.1.{year}" and case.category == "B5"
    assert case.assignee == ezd.kierownik  # the head of ZP distributes the work
    party = CaseParty.objects.for_unit(unit).get(case=case)
    assert party.role == "applicant" and party.citizen == ezd.citizen
    # the extract in the case file as an outgoing draft, its PDF ours
    draft = request.document
    assert (draft.kind, draft.direction, draft.status) == ("extract", "outgoing", "draft")
    assert draft.case == case and draft.recipient_name == "Jan Kowalski"
    pdf = read_version(latest_version(draft))
    pages = pdf_text(pdf)
    text = " ".join(pages)
    assert case.signature in text and "1MN" in text and "2U" in text
    assert "60,00 %" in text and "40,00 %" in text
    assert "1:1000" in pages[-1]  # the map sheet
    assert request.fee == ex.stamp_duty(text_pages=len(pages) - 1, map_pages=1)
    assert request.status == "prepared"
    # the case officer sends it for approval, the head approves
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=unit, document=draft, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=draft, approve=True)
    # sealed: the extract's own PDF, PAdES with the unit's seal
    sealed = se.seal_extract(actor=actor(ezd.kierownik), unit=unit, document=draft)
    assert sealed.status == "signed"
    signed_pdf = read_version(latest_version(sealed))
    assert verify_pdf(signed_pdf, trusted_roots()).status == Status.VALID
    assert pdf_text(signed_pdf) == pages  # the same pages, now sealed
    # dispatched from the case to the resident's account
    out = se.dispatch_extract(actor=actor(ezd.referent), unit=unit, document=sealed)
    assert out.channel == "portal" and out.citizen == ezd.citizen and out.case == case
    assert out.register_number == f"1/{year}" and out.status == "sent"
    state = se.request_state(unit, IncomingItem.objects.for_unit(unit).get(pk=item.pk))
    assert state.status == "dispatched" and state.outgoing == out
    assert state.parcels == ["041504_2.0001.12"] and state.kind == "both"
    assert state.purpose == "Sprzedaż działki" and state.fee == request.fee
    _opened, content = dispatch.open_delivery(actor=actor(ezd.citizen), item=out)
    assert content == signed_pdf
    assert se.request_state(unit, item).status == "delivered"
    # history and audit: the EZD's own
    kinds = list(CaseEvent.objects.for_unit(unit).filter(case=case).values_list("kind", flat=True))
    for expected in (
        "opened",
        "item_added",
        "document_added",
        "submitted",
        "approved",
        "signed",
        "dispatched",
        "delivered",
    ):
        assert expected in kinds, expected
    actions = set(AuditEvent.objects.filter(unit=unit).values_list("action", flat=True))
    assert {
        "documents.incoming.registered",
        "documents.case.opened",
        "documents.signed",
        "documents.dispatched",
        "geo.zoning_extract.requested",
    } <= actions
    assert verify_all()[1] == []


def test_without_an_account_the_extract_goes_by_email_or_post(ezd, geo_world, mailoutbox):
    unit = ezd.unit
    by_mail = se.request_extract(
        unit=unit,
        applicant=kowalski(),
        parcels=["041504_2.0001.14"],
        kind="wypis",
        source_id="mail-1",
    )
    assert by_mail.fee.wyrys == 0 and by_mail.fee.map_pages == 0
    assert "Plan ogólny Gminy Lubicz" in " ".join(
        pdf_text(read_version(latest_version(by_mail.document)))
    )
    by_post = se.request_extract(
        unit=unit,
        applicant=kowalski(email=""),
        parcels=["041504_2.0001.14"],
        kind="wyrys",
        source_id="post-1",
    )
    for request, channel in ((by_mail, "email"), (by_post, "paper")):
        draft = request.document
        drafting.submit_for_approval(
            actor=actor(ezd.referent), unit=unit, document=draft, approvers=[ezd.kierownik]
        )
        drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=draft, approve=True)
        se.seal_extract(actor=actor(ezd.kierownik), unit=unit, document=draft)
        out = se.dispatch_extract(actor=actor(ezd.referent), unit=unit, document=draft)
        assert out.channel == channel and out.citizen is None
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["jan.kowalski@example.invalid"]


def test_the_same_submission_twice_is_registered_once(ezd, geo_world):
    first = se.request_extract(
        unit=ezd.unit,
        applicant=kowalski(),
        parcels=["041504_2.0001.12"],
        kind="wypis",
        source_id="epuap-42",
    )
    again = se.request_extract(
        unit=ezd.unit,
        applicant=kowalski(),
        parcels=["041504_2.0001.12"],
        kind="wypis",
        source_id="epuap-42",
    )
    assert again.item == first.item and again.case == first.case
    assert again.document == first.document and again.fee == first.fee
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 1
    assert Case.objects.for_unit(ezd.unit).count() == 1


def test_only_an_approved_extract_is_sealed_and_only_by_whom_may(ezd, geo_world):
    request = se.request_extract(
        unit=ezd.unit,
        applicant=kowalski(),
        parcels=["041504_2.0001.12"],
        kind="wypis",
        source_id="x-1",
    )
    with pytest.raises(ValidationError, match="approved"):
        se.seal_extract(actor=actor(ezd.kierownik), unit=ezd.unit, document=request.document)
    with pytest.raises(PermissionDenied):
        se.seal_extract(actor=actor(ezd.referent), unit=ezd.unit, document=request.document)
    with pytest.raises(ValidationError, match="signed"):
        se.dispatch_extract(actor=actor(ezd.referent), unit=ezd.unit, document=request.document)
    letter = Document.objects.for_unit(ezd.unit).filter(incoming_item=request.item).first()
    with pytest.raises(ValidationError, match="not a zoning extract"):
        se.seal_extract(actor=actor(ezd.kierownik), unit=ezd.unit, document=letter)


@pytest.mark.parametrize(
    ("parcels", "applicant", "kind", "field", "message"),
    [
        (["041504_2.0001.777"], {}, "both", "parcels", "no parcel 041504_2.0001.777"),
        (["041508_2.0001.1"], {}, "both", "parcels", "lies outside Gmina Lubicz"),
        (["041504_2.0001.99"], {}, "both", "parcels", "certificate (zaświadczenie)"),
        ([], {}, "both", "parcels", "at least one parcel"),
        ([f"041504_2.0001.{n}" for n in range(1, 22)], {}, "both", "parcels", "at most 20"),
        (["041504_2.0001.12"], {"last_name": ""}, "both", "applicant.last_name", "last name"),
        (
            ["041504_2.0001.12"],
            {"email": "", "city": ""},
            "both",
            "applicant.email",
            "postal address",
        ),
        (["041504_2.0001.12"], {"email": "nie-email"}, "both", "applicant.email", "valid"),
        (["041504_2.0001.12"], {}, "plan", "kind", "wypis"),
    ],
)
def test_bad_input_changes_nothing(ezd, geo_world, parcels, applicant, kind, field, message):
    before = snapshot()
    files_before = _stored_files()
    with pytest.raises(ValidationError) as caught:
        se.request_extract(
            unit=ezd.unit,
            applicant=kowalski(**applicant),
            parcels=parcels,
            kind=kind,
            source_id="bad-1",
        )
    assert message in " ".join(caught.value.message_dict[field])
    assert snapshot() == before
    assert _stored_files() == files_before


def test_a_unit_without_the_jrwa_class_takes_no_requests(ezd, geo_world, region):
    from infostrada.tenancy.models import Unit

    torun = Unit.objects.get(slug="torun")
    with pytest.raises(ValidationError, match="does not take requests"):
        se.request_extract(
            unit=torun,
            applicant=kowalski(),
            parcels=["046301_1.0001.1"],
            kind="wypis",
            source_id="t-1",
        )
    assert not IncomingItem.objects.for_unit(torun).exists()


def test_a_failure_midway_leaves_no_item_and_no_files(ezd, geo_world, monkeypatch):
    from infostrada.documents.services import cases

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(cases, "add_document", broken)
    before = snapshot()
    files_before = _stored_files()
    with pytest.raises(RuntimeError):
        se.request_extract(
            unit=ezd.unit,
            applicant=kowalski(),
            parcels=["041504_2.0001.12"],
            kind="wypis",
            source_id="boom-1",
        )
    assert snapshot() == before
    assert _stored_files() == files_before


def _stored_files() -> set[str]:
    found: set[str] = set()
    stack = ["documents"]
    while stack:
        path = stack.pop()
        if not default_storage.exists(path):
            continue
        folders, files = default_storage.listdir(path)
        stack += [f"{path}/{d}" for d in folders]
        found |= {f"{path}/{f}" for f in files}
    return found


def test_outgoing_register_numbers_stay_gap_free(ezd, geo_world):
    """Two requests, one dispatched: the registers number without gaps."""
    unit = ezd.unit
    for n in (1, 2):
        se.request_extract(
            unit=unit,
            applicant=kowalski(),
            parcels=["041504_2.0001.12"],
            kind="wypis",
            source_id=f"seq-{n}",
        )
    numbers = sorted(IncomingItem.objects.for_unit(unit).values_list("number", flat=True))
    signatures = sorted(Case.objects.for_unit(unit).values_list("signature", flat=True))
    year = timezone.localdate().year
    assert numbers == [1, 2] and signatures == [f"ZP.6727.1.{year}", f"ZP.6727.2.{year}"]
    assert not OutgoingItem.objects.for_unit(unit).exists()
