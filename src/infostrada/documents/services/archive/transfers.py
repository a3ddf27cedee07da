"""Transfer lists: cases to the office's archive, archival packages to the state archive.

A department hands its closed cases over to the office's archive on a
transfer list (spis zdawczo-odbiorczy); they are the archive's once the
archivist confirms receipt. Archival material (A) goes on from there to the
state archive as an archival package and stays "transferring" until the
state archive confirms receipt.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.permissions import ensure_can, has_perm
from infostrada.accounts.roles import DOC_ARCHIVE, DOC_HANDLE
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import access, metadata
from infostrada.documents import archival_package as ap
from infostrada.documents.models import (
    ArchiveTransfer,
    Case,
    Department,
    TransferEntry,
)
from infostrada.documents.services.archive.lists import (
    ArchiveStatus,
    add_entries,
    checked_reference,
    list_number,
    locked_cases,
    refuse,
    take_list_number,
)
from infostrada.documents.services.common import event, office_language, user_of
from infostrada.tenancy.models import Unit

OFFICE = ArchiveTransfer.Kind.TO_OFFICE_ARCHIVE
STATE = ArchiveTransfer.Kind.TO_STATE_ARCHIVE


def transfer_to_office_archive(
    *, actor: Actor, unit: Unit, department: Department, cases: Iterable[Case]
) -> ArchiveTransfer:
    """A department hands closed cases over to the office's archive on a transfer list.

    The department's own officials or the archive draw the list up; the
    cases stay with the department until the archivist confirms receipt.
    """
    archivist = has_perm(actor, DOC_ARCHIVE, unit)
    if not archivist:
        ensure_can(actor, DOC_HANDLE, unit)
    if department.unit_id != unit.pk:
        raise ValidationError({"department": _("The department is not one of this unit's.")})
    if not archivist:
        me = user_of(actor)
        if me is None or department.pk not in access.department_ids(me, unit):
            raise PermissionDenied("not a member of the department")
    now = timezone.now()
    year = timezone.localdate(now).year
    with transaction.atomic(durable=True):
        number = take_list_number(
            unit, ArchiveTransfer.objects.for_unit(unit).filter(kind=OFFICE, year=year)
        )
        chosen = locked_cases(unit, cases)
        refuse(unit, chosen, lambda case: _office_problem(case, department))
        transfer = ArchiveTransfer.objects.create(
            unit=unit,
            kind=OFFICE,
            year=year,
            number=number,
            department=department,
            receiver=f"Archiwum zakładowe: {unit.official_name}"[:300],
            status=ArchiveTransfer.Status.SENT,
            created_at=now,
            created_by=user_of(actor),
            sent_at=now,
        )
        add_entries(transfer, chosen)
        audit.record(
            actor,
            unit,
            "documents.archive.transfer_sent",
            transfer,
            changes={
                "number": list_number(transfer),
                "department": department.symbol,
                "cases": [c.signature for c in chosen],
            },
        )
        for case in chosen:
            with office_language():
                event(
                    actor,
                    unit,
                    "archive_handed_over",
                    _("Handed over to the office's archive on transfer list %(number)s")
                    % {"number": list_number(transfer)},
                    case=case,
                )
    return transfer


def confirm_transfer(
    *, actor: Actor, unit: Unit, transfer: ArchiveTransfer, reference: str
) -> ArchiveTransfer:
    """The archivist confirms receipt of a transfer list: the cases are in the archive."""
    ensure_can(actor, DOC_ARCHIVE, unit)
    reference = checked_reference(reference)
    with transaction.atomic(durable=True):
        transfer = _locked_transfer(unit, transfer, OFFICE)
        cases = _confirm(transfer, reference, ArchiveStatus.IN_ARCHIVE)
        audit.record(
            actor,
            unit,
            "documents.archive.transfer_confirmed",
            transfer,
            changes={"number": list_number(transfer), "reference": reference},
        )
        for case in cases:
            with office_language():
                event(
                    actor,
                    unit,
                    "archive_received",
                    _("Received by the office's archive (transfer list %(number)s)")
                    % {"number": list_number(transfer)},
                    case=case,
                )
    return transfer


def export_to_state_archive(
    *, actor: Actor, unit: Unit, cases: Iterable[Case], receiver: str
) -> ArchiveTransfer:
    """Send category A cases from the office's archive to the state archive as a package.

    The package (documents, their metadata, the transfer list, the manifest;
    every XML valid against the shipped schema) is stored with the transfer
    and its SHA-256 recorded; the cases are "transferring" until the state
    archive confirms receipt. If anything fails, no package file is left.

    The package carries the list's number, so it is written inside the
    transaction that takes the number, streaming the files from storage; on
    SQLite other writers wait for as long as that takes.
    """
    ensure_can(actor, DOC_ARCHIVE, unit)
    receiver = receiver.strip()
    if not receiver or len(receiver) > 300:
        raise ValidationError(
            {"receiver": _("Name the receiving state archive (at most 300 characters).")}
        )
    now = timezone.now()
    today = timezone.localdate(now)
    stored: list[str] = []
    try:
        with transaction.atomic(durable=True):
            number = take_list_number(
                unit, ArchiveTransfer.objects.for_unit(unit).filter(kind=STATE, year=today.year)
            )
            chosen = locked_cases(unit, cases)
            refuse(unit, chosen, _state_problem)
            transfer = ArchiveTransfer(
                unit=unit,
                kind=STATE,
                year=today.year,
                number=number,
                receiver=receiver,
                status=ArchiveTransfer.Status.SENT,
                created_at=now,
                created_by=user_of(actor),
                sent_at=now,
            )
            metas = [metadata.case_meta(case) for case in chosen]
            spis = ap.TransferList(
                number=list_number(transfer),
                drawn_up_on=today,
                unit_name=unit.official_name,
                unit_teryt=unit.teryt,
                archive_name=receiver,
                entries=tuple(_spis_line(n, meta) for n, meta in enumerate(metas, 1)),
            )
            with tempfile.TemporaryFile() as out:
                report = _write_package(metas, spis, out)
                transfer.package_sha256 = _sha256(out)
                out.seek(0)
                transfer.package.save(
                    f"{unit.pk}/paczka-{transfer.number}-{transfer.year}.zip",
                    File(out, name="paczka.zip"),
                    save=False,
                )
                stored.append(transfer.package.name)
            transfer.save()
            add_entries(transfer, chosen)
            Case.objects.for_unit(unit).filter(pk__in=[c.pk for c in chosen]).update(
                archive_status=ArchiveStatus.TRANSFERRING
            )
            audit.record(
                actor,
                unit,
                "documents.archive.state_transfer_sent",
                transfer,
                changes={
                    "number": list_number(transfer),
                    "receiver": receiver,
                    "cases": [c.signature for c in chosen],
                    "package_sha256": transfer.package_sha256,
                    "manifest_sha256": report.manifest_sha256,
                },
            )
            for case in chosen:
                with office_language():
                    event(
                        actor,
                        unit,
                        "state_archive_sent",
                        _("Sent to %(archive)s in archival package %(number)s")
                        % {"archive": receiver, "number": list_number(transfer)},
                        case=case,
                    )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return transfer


def confirm_state_receipt(
    *, actor: Actor, unit: Unit, transfer: ArchiveTransfer, reference: str
) -> ArchiveTransfer:
    """The state archive has confirmed receipt: the cases are transferred."""
    ensure_can(actor, DOC_ARCHIVE, unit)
    reference = checked_reference(reference)
    with transaction.atomic(durable=True):
        transfer = _locked_transfer(unit, transfer, STATE)
        cases = _confirm(transfer, reference, ArchiveStatus.TRANSFERRED)
        audit.record(
            actor,
            unit,
            "documents.archive.state_transfer_confirmed",
            transfer,
            changes={"number": list_number(transfer), "reference": reference},
        )
        for case in cases:
            with office_language():
                event(
                    actor,
                    unit,
                    "state_archive_received",
                    _("Receipt confirmed by %(archive)s (%(reference)s)")
                    % {"archive": transfer.receiver, "reference": reference},
                    case=case,
                )
    return transfer


def _office_problem(case: Case, department: Department) -> str:
    values = {"signature": case.signature}
    if case.department_id != department.pk:
        return _("%(signature)s: the case belongs to another department.") % values
    if case.archive_status != ArchiveStatus.IN_DEPARTMENT:
        return _("%(signature)s: the case is already in the office's archive.") % values
    return ""


def _state_problem(case: Case) -> str:
    values = {"signature": case.signature, "category": case.category}
    if case.category != "A":
        return (
            _(
                "%(signature)s: only category A material goes to the state archive; "
                "this case is %(category)s."
            )
            % values
        )
    if case.archive_status != ArchiveStatus.IN_ARCHIVE:
        return (
            _(
                "%(signature)s: the case is not in the office's archive; "
                "hand it over to the archive first."
            )
            % values
        )
    return ""


def _write_package(metas: list[ap.CaseMeta], spis: ap.TransferList, out: Any) -> ap.PackageReport:
    try:
        return ap.write_package(metas, spis, out)
    except ap.InvalidInputError as exc:
        raise ValidationError(
            _("The archival package cannot be made: %(problems)s")
            % {"problems": "; ".join(exc.problems)}
        ) from None
    except ap.IntegrityError as exc:
        raise ValidationError(
            _("A stored file differs from its recorded digest; no package was made: %(detail)s")
            % {"detail": str(exc)}
        ) from None
    except ap.ArchivalPackageError as exc:
        raise ValidationError(
            _("The archival package cannot be made: %(problems)s") % {"problems": str(exc)}
        ) from None


def _spis_line(n: int, meta: ap.CaseMeta) -> ap.TransferEntry:
    """A line of the transfer list; daty skrajne are the years of its first and last dates."""
    moments = [meta.opened_at, meta.closed_at]
    moments += [d.at for doc in meta.documents for d in doc.meta.dates]
    years = [timezone.localtime(m).year for m in moments if m is not None]
    return ap.TransferEntry(
        sequence=n,
        signature=meta.signature,
        title=meta.title,
        category=meta.category,
        first_year=min(years),
        last_year=max(years),
        document_count=len(meta.documents),
        size_bytes=sum(d.file.size for d in meta.documents),
    )


def _sha256(stream: Any) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def _locked_transfer(unit: Unit, transfer: ArchiveTransfer, kind: str) -> ArchiveTransfer:
    locked = (
        ArchiveTransfer.objects.for_unit(unit).select_for_update().filter(pk=transfer.pk).first()
    )
    if locked is None:
        raise ValidationError(_("This is not a transfer list of this unit."))
    if locked.kind != kind:
        raise ValidationError(
            _("Transfer list %(number)s is a transfer %(kind)s; this confirmation is not for it.")
            % {"number": list_number(locked), "kind": locked.get_kind_display()}
        )
    return locked


def _confirm(transfer: ArchiveTransfer, reference: str, status: str) -> list[Case]:
    """Mark a sent transfer confirmed and move its cases on (the caller's transaction)."""
    if transfer.status != ArchiveTransfer.Status.SENT:
        raise ValidationError(
            _("Receipt of transfer list %(number)s has already been confirmed.")
            % {"number": list_number(transfer)}
        )
    case_ids = (
        TransferEntry.objects.for_unit(transfer.unit_id).filter(transfer=transfer).values("case_id")
    )
    cases = list(
        Case.objects.for_unit(transfer.unit_id)
        .select_for_update()
        .filter(pk__in=case_ids)
        .order_by("class_symbol", "year", "number")
    )
    Case.objects.for_unit(transfer.unit_id).filter(pk__in=[c.pk for c in cases]).update(
        archive_status=status
    )
    transfer.status = ArchiveTransfer.Status.CONFIRMED
    transfer.confirmed_at = timezone.now()
    transfer.confirmation_reference = reference
    transfer.save(update_fields=["status", "confirmed_at", "confirmation_reference"])
    return cases
