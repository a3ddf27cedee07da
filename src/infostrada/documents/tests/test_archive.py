"""The office's archive through the services: hand-over, disposal, the state archive.

Real files in storage, real packages read back with the pure reader and the
XSD loaded on its own; cases closed years ago are closed with the clock set
back (``back_in``), so retention periods run as the law counts them.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import threading
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import xmlschema
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone
from lxml import etree

from infostrada.audit.models import AuditEvent
from infostrada.audit.services import verify_all
from infostrada.documents import archival_package as ap
from infostrada.documents import metadata
from infostrada.documents.models import (
    ArchiveTransfer,
    Case,
    CaseEvent,
    DisposalEntry,
    DisposalList,
    Document,
    DocumentVersion,
    FileClass,
    TransferEntry,
)
from infostrada.documents.services import archive, cases, correspondence, drafting, organisation
from infostrada.documents.services.common import read_version
from infostrada.documents.services.correspondence import IncomingData
from infostrada.documents.services.drafting import latest_version

from .conftest import JRWA, SYSTEM, actor, pdf_bytes
from .test_metadata import build_case_file

XSD = Path(ap.__file__).parent / "xsd" / "paczka-archiwalna-1.0.xsd"
WARSAW = ZoneInfo("Europe/Warsaw")
LONG_AGO = datetime.datetime(2020, 6, 15, 10, 0, tzinfo=WARSAW)
STATE_ARCHIVE = "Archiwum Państwowe w Toruniu"


@contextlib.contextmanager
def back_in(monkeypatch, when: datetime.datetime):  # type: ignore[no-untyped-def]
    """Run the services as if it were ``when`` (timezone.now and localdate follow)."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: when.astimezone(datetime.UTC))
        yield


def closed_case(ezd, symbol: str, *, department=None, officer=None, document: bytes | None = None):  # type: ignore[no-untyped-def]
    """A case opened and closed by an officer (the department's by default), with one file.

    Memberships of the fixture start today: cases of years ago are the secretary's.
    """
    unit = ezd.unit
    officer = officer or ezd.referent
    case = cases.open_case(
        actor=actor(officer),
        unit=unit,
        department=department or ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol=symbol),
        title=f"Sprawa z klasy {symbol}",
    )
    cases.add_document(
        actor=actor(officer),
        unit=unit,
        case=case,
        title="Notatka",
        kind="note",
        filename="notatka.pdf",
        data=document or pdf_bytes(f"Notatka w sprawie {case.signature}"),
    )
    return cases.close_case(actor=actor(officer), unit=unit, case=case, note="Załatwiono")


def in_office_archive(ezd, *chosen: Case) -> list[Case]:  # type: ignore[no-untyped-def]
    transfer = archive.transfer_to_office_archive(
        actor=actor(ezd.referent), unit=ezd.unit, department=ezd.ZP, cases=chosen
    )
    archive.confirm_transfer(
        actor=actor(ezd.archiwista), unit=ezd.unit, transfer=transfer, reference="AZ-1"
    )
    return [Case.objects.for_unit(ezd.unit).get(pk=c.pk) for c in chosen]


def footprint(unit) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """What an archive operation writes: a refused one must leave all of it unchanged."""
    packages = 0
    if default_storage.exists("archive-packages"):
        for folder in default_storage.listdir("archive-packages")[0]:
            packages += len(default_storage.listdir(f"archive-packages/{folder}")[1])
    return {
        "transfers": ArchiveTransfer.objects.for_unit(unit).count(),
        "transfer entries": TransferEntry.objects.for_unit(unit).count(),
        "disposals": DisposalList.objects.for_unit(unit).count(),
        "disposal entries": DisposalEntry.objects.for_unit(unit).count(),
        "audit": AuditEvent.objects.filter(unit_id=unit.pk).count(),
        "history": CaseEvent.objects.for_unit(unit).count(),
        "archive states": hash(
            tuple(Case.objects.for_unit(unit).order_by("pk").values_list("archive_status"))
        ),
        "package files": packages,
    }


def refused(unit, call, *expected: str) -> list[str]:  # type: ignore[no-untyped-def]
    """``call`` raises a ValidationError containing every ``expected`` text; nothing is written."""
    before = footprint(unit)
    with pytest.raises(ValidationError) as caught:
        call()
    messages = caught.value.messages
    for text in expected:
        assert any(text in m for m in messages), (text, messages)
    assert footprint(unit) == before
    return messages


# ----------------------------------------------------------------- the state archive


@pytest.mark.django_db
def test_a_closed_case_goes_to_the_state_archive_as_a_package_that_reads_back_whole(ezd):
    unit = ezd.unit
    f = build_case_file(ezd)
    earlier = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6721"),
        title="Wcześniejszy wniosek o zmianę planu",
    )
    cases.relate_cases(actor=actor(ezd.referent), unit=unit, case=f.case, related=earlier)
    drafting.withdraw_draft(actor=actor(ezd.referent), unit=unit, document=f.draft, reason="Zbędny")
    cases.close_case(actor=actor(ezd.referent), unit=unit, case=f.case, note="Plan zmieniony")
    refused(
        unit,
        lambda: archive.export_to_state_archive(
            actor=actor(ezd.archiwista), unit=unit, cases=[f.case], receiver=STATE_ARCHIVE
        ),
        "is not in the office's archive",
    )
    (case,) = in_office_archive(ezd, f.case)
    assert case.archive_status == "in_archive"

    transfer = archive.export_to_state_archive(
        actor=actor(ezd.archiwista), unit=unit, cases=[case], receiver=STATE_ARCHIVE
    )

    assert (transfer.kind, transfer.status, transfer.number) == ("state", "sent", 1)
    assert Case.objects.for_unit(unit).get(pk=case.pk).archive_status == "transferring"
    with transfer.package.open("rb") as stream:
        data = stream.read()
    assert hashlib.sha256(data).hexdigest() == transfer.package_sha256
    # every XML in the package is valid against the shipped schema, checked on its own
    schema = xmlschema.XMLSchema10(str(XSD))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml_names = [n for n in zf.namelist() if n.endswith(".xml")]
        assert len(xml_names) == 2 + 1 + 8  # spis, manifest, sprawa, 8 documents
        for name in xml_names:
            schema.validate(etree.fromstring(zf.read(name)))
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    assert ap.validate_package(io.BytesIO(data)) == []
    # and it reads back complete: every file as stored, every element as the EZD has it
    package = ap.read_package(io.BytesIO(data))
    (line,) = package.transfer.entries
    assert (line.signature, line.category, line.document_count) == (case.signature, "A", 8)
    assert package.transfer.number == f"1/{timezone.localdate().year}"
    assert package.transfer.unit_teryt == unit.teryt
    assert package.transfer.archive_name == STATE_ARCHIVE
    (read,) = package.cases
    expected = metadata.case_meta(case)
    in_order = list(Document.objects.for_unit(unit).filter(case=case).order_by("position"))
    assert len(read.documents) == len(in_order) == 8
    for document, got, want in zip(in_order, read.documents, expected.documents, strict=True):
        version = latest_version(document)
        assert got.file.content == read_version(version)
        assert (got.file.sha256, got.file.size, got.file.filename) == (
            version.sha256,
            version.size,
            version.filename,
        )
        assert got.meta == want.meta == metadata.document_meta(document)
    for name in ("signature", "title", "category", "class_symbol", "department_name"):
        assert getattr(read, name) == getattr(expected, name)
    assert (read.opened_at, read.closed_at) == (case.opened_at, case.closed_at)
    assert read.parties == expected.parties and read.parties[0].party.pesel == "80051401111"
    assert read.related_cases == (ap.RelatedCase(earlier.signature),)

    # transferring until the state archive confirms; then transferred, and only once
    refused(
        unit,
        lambda: archive.export_to_state_archive(
            actor=actor(ezd.archiwista), unit=unit, cases=[case], receiver=STATE_ARCHIVE
        ),
        "has been sent to the state archive",
    )
    with pytest.raises(PermissionDenied):
        archive.confirm_state_receipt(
            actor=actor(ezd.referent), unit=unit, transfer=transfer, reference="x"
        )
    archive.confirm_state_receipt(
        actor=actor(ezd.archiwista), unit=unit, transfer=transfer, reference="AP-T 123/2026"
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.confirmation_reference) == ("confirmed", "AP-T 123/2026")
    assert Case.objects.for_unit(unit).get(pk=case.pk).archive_status == "transferred"
    refused(
        unit,
        lambda: archive.confirm_state_receipt(
            actor=actor(ezd.archiwista), unit=unit, transfer=transfer, reference="again"
        ),
        "has already been confirmed",
    )
    history = CaseEvent.objects.for_unit(unit).filter(case=case).values_list("kind", flat=True)
    assert {"archive_handed_over", "archive_received", "state_archive_sent"} <= set(history)
    assert "state_archive_received" in history
    assert verify_all()[1] == []


@pytest.mark.django_db
def test_a_failed_export_leaves_no_package_and_no_number_used(ezd):
    unit = ezd.unit
    (case,) = in_office_archive(ezd, closed_case(ezd, "6721"))
    version = DocumentVersion.objects.for_unit(unit).get(document__case=case)
    original = read_version(version)
    default_storage.delete(version.file.name)
    default_storage.save(version.file.name, io.BytesIO(b"%PDF-1.4 swapped on the disk"))
    refused(
        unit,
        lambda: archive.export_to_state_archive(
            actor=actor(ezd.archiwista), unit=unit, cases=[case], receiver=STATE_ARCHIVE
        ),
        "differs from its recorded digest",
    )
    default_storage.delete(version.file.name)
    default_storage.save(version.file.name, io.BytesIO(original))
    transfer = archive.export_to_state_archive(
        actor=actor(ezd.archiwista), unit=unit, cases=[case], receiver=STATE_ARCHIVE
    )
    assert transfer.number == 1


# ----------------------------------------------------------------- the office's archive


@pytest.mark.django_db
def test_a_department_hands_cases_over_and_the_archivist_confirms(ezd):
    unit = ezd.unit
    first, second = closed_case(ezd, "6730"), closed_case(ezd, "6727")
    transfer = archive.transfer_to_office_archive(
        actor=actor(ezd.referent), unit=unit, department=ezd.ZP, cases=[first, second, first]
    )
    assert (transfer.kind, transfer.status, transfer.number) == ("office", "sent", 1)
    entries = TransferEntry.objects.for_unit(unit).filter(transfer=transfer)
    # in the order of the archive's shelves: JRWA class, year, number
    assert [(e.position, e.case_id) for e in entries] == [(1, second.pk), (2, first.pk)]
    assert {c.archive_status for c in Case.objects.for_unit(unit)} == {"in_department"}
    with pytest.raises(PermissionDenied):  # the department does not confirm its own hand-over
        archive.confirm_transfer(
            actor=actor(ezd.referent), unit=unit, transfer=transfer, reference="AZ-7"
        )
    refused(
        unit,
        lambda: archive.transfer_to_office_archive(
            actor=actor(ezd.archiwista), unit=unit, department=ezd.ZP, cases=[first]
        ),
        f"{first.signature}: the case is already on a list in progress",
    )
    archive.confirm_transfer(
        actor=actor(ezd.archiwista), unit=unit, transfer=transfer, reference="AZ-7"
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.confirmation_reference) == ("confirmed", "AZ-7")
    assert transfer.confirmed_at is not None
    assert {c.archive_status for c in Case.objects.for_unit(unit)} == {"in_archive"}
    refused(
        unit,
        lambda: archive.transfer_to_office_archive(
            actor=actor(ezd.archiwista), unit=unit, department=ezd.ZP, cases=[first]
        ),
        "is already in the office's archive",
    )
    # the next list of the year is number 2; other kinds of list count on their own
    third = archive.transfer_to_office_archive(
        actor=actor(ezd.archiwista), unit=unit, department=ezd.ZP, cases=[closed_case(ezd, "6733")]
    )
    assert third.number == 2
    (archived,) = in_office_archive(ezd, closed_case(ezd, "6721"))
    state = archive.export_to_state_archive(
        actor=actor(ezd.archiwista), unit=unit, cases=[archived], receiver=STATE_ARCHIVE
    )
    assert state.number == 1


@pytest.mark.django_db
def test_only_the_departments_own_officials_or_the_archive_hand_cases_over(ezd):
    unit = ezd.unit
    case = closed_case(ezd, "6730")
    with pytest.raises(PermissionDenied):
        archive.transfer_to_office_archive(
            actor=actor(ezd.referent_or), unit=unit, department=ezd.ZP, cases=[case]
        )
    with pytest.raises(PermissionDenied):
        archive.transfer_to_office_archive(
            actor=actor(ezd.kancelaria), unit=unit, department=ezd.ZP, cases=[case]
        )
    transfer = archive.transfer_to_office_archive(
        actor=actor(ezd.sekretarz), unit=unit, department=ezd.ZP, cases=[case]
    )
    assert transfer.created_by == ezd.sekretarz


# ----------------------------------------------------------------- disposal


def be_class(unit) -> FileClass:  # type: ignore[no-untyped-def]
    """The demo JRWA with one more class whose category is BE5 (expert review)."""
    text = JRWA.read_text(encoding="utf-8") + "6728;Opinie urbanistyczne;BE5;Bc;;ZP\n"
    organisation.import_jrwa(actor=SYSTEM, unit=unit, stream=io.StringIO(text))
    return FileClass.objects.for_unit(unit).get(symbol="6728")


@pytest.mark.django_db
def test_due_cases_are_listed_approved_and_destroyed_keeping_their_records(
    ezd, monkeypatch, django_capture_on_commit_callbacks
):
    unit = ezd.unit
    be_class(unit)
    shared = pdf_bytes("Mapa ewidencyjna")
    with back_in(monkeypatch, LONG_AGO):
        # kept until 1 January 2026
        b5 = closed_case(ezd, "6727", officer=ezd.sekretarz, document=shared)
        bc = closed_case(ezd, "3120", officer=ezd.sekretarz)  # Bc for ZP: 1 January 2021
        be = closed_case(ezd, "6728", officer=ezd.sekretarz)  # BE5: 1 January 2026, expert review
        b10 = closed_case(ezd, "6730", officer=ezd.sekretarz)  # 1 January 2031
        a = closed_case(ezd, "6721", officer=ezd.sekretarz)  # kept for ever
        cases.open_case(
            actor=actor(ezd.sekretarz),
            unit=unit,
            department=ezd.ZP,
            file_class=FileClass.objects.for_unit(unit).get(symbol="6727"),
            title="Nigdy nie zamknięta",
        )
    assert (b5.retention_until, bc.retention_until) == (
        datetime.date(2026, 1, 1),
        datetime.date(2021, 1, 1),
    )
    # the same map, registered today in another letter, is stored once with b5's copy
    item = correspondence.register_incoming(
        actor=actor(ezd.kancelaria),
        unit=unit,
        data=IncomingData(
            channel="paper",
            received_on=timezone.localdate(),
            subject="Mapa",
            party_kind="institution",
            institution="Starostwo Powiatowe w Toruniu",
        ),
        files=[("mapa.pdf", shared)],
    )
    kept_elsewhere = latest_version(Document.objects.for_unit(unit).get(incoming_item=item))

    due = archive.due_for_disposal(unit)
    assert [line.case.pk for line in due] == [bc.pk, b5.pk, be.pk]
    assert [line.remarks for line in due] == ["", "", "BE — expert review"]
    assert archive.due_for_disposal(unit, on=datetime.date(2020, 12, 31)) == []
    later = archive.due_for_disposal(unit, on=datetime.date(2031, 1, 1))
    assert [line.case.pk for line in later] == [bc.pk, b5.pk, be.pk, b10.pk]
    assert a.pk not in [
        line.case.pk for line in archive.due_for_disposal(unit, on=datetime.date(2999, 1, 1))
    ]

    disposal = archive.create_disposal_list(
        actor=actor(ezd.archiwista), unit=unit, cases=[line.case for line in due]
    )
    assert (disposal.status, disposal.number) == ("draft", 1)
    assert archive.due_for_disposal(unit) == []  # on a list in progress
    lines = archive.disposal_lines(unit, disposal)
    assert [(line.case.signature, line.remarks) for line in lines] == [
        (bc.signature, ""),
        (b5.signature, ""),
        (be.signature, "BE — expert review"),
    ]
    refused(
        unit,
        lambda: archive.create_disposal_list(actor=actor(ezd.archiwista), unit=unit, cases=[b5]),
        f"{b5.signature}: the case is already on a list in progress",
    )
    refused(
        unit,
        lambda: archive.execute_disposal(actor=actor(ezd.archiwista), unit=unit, disposal=disposal),
        "has not been approved by the state archive",
    )
    with pytest.raises(PermissionDenied):
        archive.approve_disposal(
            actor=actor(ezd.referent), unit=unit, disposal=disposal, reference="x"
        )
    archive.approve_disposal(
        actor=actor(ezd.archiwista), unit=unit, disposal=disposal, reference="AP-T.6341.7.2026"
    )
    versions = list(DocumentVersion.objects.for_unit(unit).filter(document__case__in=[b5, bc, be]))
    assert len(versions) == 3 and all(default_storage.exists(v.file.name) for v in versions)
    # the same map is also filed with a letter outside the list (each upload has its own blob)
    assert kept_elsewhere.sha256 in {v.sha256 for v in versions}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        archive.execute_disposal(actor=actor(ezd.archiwista), unit=unit, disposal=disposal)
        # files go only once the disposal is committed
        assert all(default_storage.exists(v.file.name) for v in versions)
    assert len(callbacks) == 1

    for version in versions:
        gone = version.file.name != kept_elsewhere.file.name
        assert default_storage.exists(version.file.name) is not gone
        row = DocumentVersion.objects.for_unit(unit).get(pk=version.pk)
        assert (row.sha256, row.size, row.filename) == (
            version.sha256,
            version.size,
            version.filename,
        )
        assert row.text == "" and row.body == ""
    assert read_version(kept_elsewhere) == shared  # the other letter still has its map
    disposal.refresh_from_db()
    assert (disposal.status, disposal.approval_reference) == ("executed", "AP-T.6341.7.2026")
    assert disposal.executed_at is not None
    for case in (b5, bc, be):
        case.refresh_from_db()
        assert case.archive_status == "disposed" and case.title  # the record stays
        history = set(
            CaseEvent.objects.for_unit(unit).filter(case=case).values_list("kind", flat=True)
        )
        assert {"disposal_listed", "disposal_approved", "disposed"} <= history
        # the metadata of its documents stay readable and valid
        document = Document.objects.for_unit(unit).get(case=case)
        assert ap.parse_document_metadata(metadata.document_metadata_xml_for(document))
    for case in (b10, a):
        case.refresh_from_db()
        assert case.archive_status == "in_department"
        assert default_storage.exists(
            latest_version(Document.objects.for_unit(unit).get(case=case)).file.name
        )
    refused(
        unit,
        lambda: archive.execute_disposal(actor=actor(ezd.archiwista), unit=unit, disposal=disposal),
        "has already been carried out",
    )
    refused(
        unit,
        lambda: archive.create_disposal_list(actor=actor(ezd.archiwista), unit=unit, cases=[bc]),
        "have been destroyed",
    )
    assert archive.due_for_disposal(unit, on=datetime.date(2031, 1, 1))[0].case.pk == b10.pk
    assert verify_all()[1] == []


@pytest.mark.django_db
def test_category_a_can_never_be_on_a_disposal_list(ezd, monkeypatch):
    unit = ezd.unit
    with back_in(monkeypatch, LONG_AGO):
        a = closed_case(ezd, "6721", officer=ezd.sekretarz)
        bc = closed_case(ezd, "3120", officer=ezd.sekretarz)
    assert a.retention_until is None
    assert [
        line.case.pk for line in archive.due_for_disposal(unit, on=datetime.date(2999, 1, 1))
    ] == [bc.pk]
    refused(
        unit,
        lambda: archive.create_disposal_list(actor=actor(ezd.archiwista), unit=unit, cases=[bc, a]),
        f"{a.signature}: category A is archival material, kept for ever and never destroyed.",
    )
    # not even once it sits in the office's archive
    (a,) = in_office_archive(ezd, a)
    refused(
        unit,
        lambda: archive.create_disposal_list(actor=actor(ezd.archiwista), unit=unit, cases=[a]),
        "category A is archival material",
    )


# ----------------------------------------------------------------- refusals


@pytest.mark.django_db
def test_bad_requests_are_refused_with_every_reason_and_change_nothing(ezd):
    unit = ezd.unit
    archivist = actor(ezd.archiwista)
    running = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6721"),
        title="W toku",
    )
    b5 = closed_case(ezd, "6727")
    theirs = closed_case(ezd.other, "6727")
    or_case = closed_case(ezd, "0520", department=ezd.OR, officer=ezd.referent_or)

    messages = refused(
        unit,
        lambda: archive.transfer_to_office_archive(
            actor=archivist, unit=unit, department=ezd.ZP, cases=[running, b5, or_case]
        ),
        f"{running.signature}: the case is not closed; only closed cases are archived.",
        f"{or_case.signature}: the case belongs to another department.",
    )
    assert len(messages) == 2  # b5 itself was fine
    refused(
        unit,
        lambda: archive.transfer_to_office_archive(
            actor=archivist, unit=unit, department=ezd.ZP, cases=[b5, theirs]
        ),
        f"{theirs.signature} is not a case of this unit.",
    )
    refused(
        unit,
        lambda: archive.transfer_to_office_archive(
            actor=archivist, unit=unit, department=ezd.other.ZP, cases=[b5]
        ),
        "The department is not one of this unit's.",
    )
    refused(
        unit,
        lambda: archive.transfer_to_office_archive(
            actor=archivist, unit=unit, department=ezd.ZP, cases=[]
        ),
        "Choose at least one case.",
    )
    refused(
        unit,
        lambda: archive.create_disposal_list(actor=archivist, unit=unit, cases=[b5, running]),
        f"{b5.signature}: the case must be kept until {b5.retention_until}.",
        f"{running.signature}: the case is not closed",
    )
    refused(
        unit,
        lambda: archive.create_disposal_list(actor=archivist, unit=unit, cases=[theirs]),
        "is not a case of this unit",
    )
    (b5,) = in_office_archive(ezd, b5)
    refused(
        unit,
        lambda: archive.export_to_state_archive(
            actor=archivist, unit=unit, cases=[b5], receiver=STATE_ARCHIVE
        ),
        f"{b5.signature}: only category A material goes to the state archive; this case is B5.",
    )
    refused(
        unit,
        lambda: archive.export_to_state_archive(
            actor=archivist, unit=unit, cases=[running], receiver=STATE_ARCHIVE
        ),
        "the case is not closed",
    )
    refused(
        unit,
        lambda: archive.export_to_state_archive(
            actor=archivist, unit=unit, cases=[b5], receiver="  "
        ),
        "Name the receiving state archive",
    )
    office = ArchiveTransfer.objects.for_unit(unit).get(kind="office")
    refused(
        unit,
        lambda: archive.confirm_state_receipt(
            actor=archivist, unit=unit, transfer=office, reference="AP-1"
        ),
        "this confirmation is not for it",
    )
    refused(
        unit,
        lambda: archive.confirm_transfer(actor=archivist, unit=unit, transfer=office, reference=""),
        "Give the reference of the confirmation",
    )
    # another unit's lists are not this unit's to confirm
    refused(
        ezd.other.unit,
        lambda: archive.confirm_transfer(
            actor=actor(ezd.other.archiwista), unit=ezd.other.unit, transfer=office, reference="X"
        ),
        "This is not a transfer list of this unit.",
    )
    with pytest.raises(PermissionDenied):  # a case officer does not draw up disposal lists
        archive.create_disposal_list(actor=actor(ezd.referent), unit=unit, cases=[b5])
    with pytest.raises(PermissionDenied):  # nor does the archivist of another unit
        archive.export_to_state_archive(
            actor=actor(ezd.other.archiwista), unit=unit, cases=[b5], receiver=STATE_ARCHIVE
        )


# ----------------------------------------------------------------- numbering under load


@pytest.mark.django_db(transaction=True)
def test_concurrent_hand_overs_get_numbers_one_to_n_without_gaps(ezd):
    unit, workers = ezd.unit, 8
    chosen = [closed_case(ezd, "6730") for _ in range(workers)]
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def hand_over(case: Case) -> None:
        try:
            start.wait(timeout=60)
            archive.transfer_to_office_archive(
                actor=actor(ezd.archiwista), unit=unit, department=ezd.ZP, cases=[case]
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hand_over, args=(case,)) for case in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    numbers = sorted(ArchiveTransfer.objects.for_unit(unit).values_list("number", flat=True))
    assert numbers == list(range(1, workers + 1))
