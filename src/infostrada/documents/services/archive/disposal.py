"""Disposal (brakowanie) of non-archival material whose retention period has passed.

B, Bc and BE cases go on a disposal list; BE material first gets the state
archive's expert review, so its lines say so. Nothing is destroyed before the
state archive agrees (the consent's reference is recorded), and then only
the files go: the metadata, the case record, the list and the audit trail
stay. Category A is never on a list.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import DOC_ARCHIVE
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import search
from infostrada.documents.models import (
    Case,
    DisposalEntry,
    DisposalList,
    DocumentVersion,
)
from infostrada.documents.services.archive.lists import (
    ArchiveStatus,
    checked_reference,
    list_number,
    locked_cases,
    on_open_lists,
    refuse,
    take_list_number,
)
from infostrada.documents.services.common import event, office_language, user_of
from infostrada.tenancy.models import Unit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DisposalLine:
    """One case due for disposal, or on a disposal list."""

    case: Case

    @property
    def expert_review(self) -> bool:
        """BE: the state archive reviews the material before it may be destroyed."""
        return self.case.category.startswith("BE")

    @property
    def remarks(self) -> str:
        return _("BE — expert review") if self.expert_review else ""


def due_for_disposal(unit: Unit, *, on: datetime.date | None = None) -> list[DisposalLine]:
    """Closed non-archival cases whose retention has passed by ``on`` (default today).

    Cases already destroyed, sent to the state archive, or on a list still
    in progress are not listed; BE cases are, marked for expert review.
    """
    on = on or timezone.localdate()
    cases = (
        Case.objects.for_unit(unit)
        .filter(
            status=Case.Status.CLOSED,
            category__startswith="B",
            retention_until__lte=on,
            archive_status__in=[ArchiveStatus.IN_DEPARTMENT, ArchiveStatus.IN_ARCHIVE],
        )
        .exclude(on_open_lists(unit))
        .order_by("class_symbol", "year", "number")
    )
    return [DisposalLine(case) for case in cases]


def disposal_lines(unit: Unit, disposal: DisposalList) -> list[DisposalLine]:
    """The lines of a disposal list as it is shown and sent to the state archive."""
    cases = (
        Case.objects.for_unit(unit)
        .filter(
            pk__in=DisposalEntry.objects.for_unit(unit)
            .filter(disposal_id=disposal.pk)
            .values("case_id")
        )
        .order_by("class_symbol", "year", "number")
    )
    return [DisposalLine(case) for case in cases]


def create_disposal_list(*, actor: Actor, unit: Unit, cases: Iterable[Case]) -> DisposalList:
    """Draw up a disposal list of closed non-archival cases whose retention has passed."""
    ensure_can(actor, DOC_ARCHIVE, unit)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic(durable=True):
        number = take_list_number(unit, DisposalList.objects.for_unit(unit).filter(year=today.year))
        chosen = locked_cases(unit, cases)
        refuse(unit, chosen, lambda case: _disposal_problem(case, today))
        disposal = DisposalList.objects.create(
            unit=unit,
            year=today.year,
            number=number,
            status=DisposalList.Status.DRAFT,
            created_at=now,
            created_by=user_of(actor),
        )
        DisposalEntry.objects.bulk_create(
            [DisposalEntry(unit=unit, disposal=disposal, case=case) for case in chosen]
        )
        lines = [DisposalLine(case) for case in chosen]
        audit.record(
            actor,
            unit,
            "documents.archive.disposal_listed",
            disposal,
            changes={
                "number": list_number(disposal),
                "cases": [c.signature for c in chosen],
                "expert_review": [line.case.signature for line in lines if line.expert_review],
            },
        )
        for line in lines:
            summary = _("Put on disposal list %(number)s") % {"number": list_number(disposal)}
            if line.expert_review:
                summary = f"{summary} ({line.remarks})"
            with office_language():
                event(actor, unit, "disposal_listed", summary, case=line.case)
    return disposal


def approve_disposal(
    *, actor: Actor, unit: Unit, disposal: DisposalList, reference: str
) -> DisposalList:
    """Record the state archive's consent to the disposal list (its reference)."""
    ensure_can(actor, DOC_ARCHIVE, unit)
    reference = checked_reference(reference)
    with transaction.atomic(durable=True):
        disposal = _locked_disposal(unit, disposal)
        if disposal.status != DisposalList.Status.DRAFT:
            raise ValidationError(
                _("Disposal list %(number)s has already been approved.")
                % {"number": list_number(disposal)}
            )
        disposal.status = DisposalList.Status.APPROVED
        disposal.approved_at = timezone.now()
        disposal.approval_reference = reference
        disposal.save(update_fields=["status", "approved_at", "approval_reference"])
        audit.record(
            actor,
            unit,
            "documents.archive.disposal_approved",
            disposal,
            changes={"number": list_number(disposal), "reference": reference},
        )
        for line in disposal_lines(unit, disposal):
            with office_language():
                event(
                    actor,
                    unit,
                    "disposal_approved",
                    _("The state archive agreed to disposal list %(number)s (%(reference)s)")
                    % {"number": list_number(disposal), "reference": reference},
                    case=line.case,
                )
    return disposal


def execute_disposal(*, actor: Actor, unit: Unit, disposal: DisposalList) -> DisposalList:
    """Destroy the files of an approved list's cases; everything else is kept.

    The cases become ``disposed``; their documents' stored files are deleted
    once the transaction has committed (a rollback must never lose a file),
    and with them the copies of their content in the database (extracted text
    and draft bodies). A file is kept while a document outside the disposed
    cases still uses it: files are stored once per content within a unit.
    """
    ensure_can(actor, DOC_ARCHIVE, unit)
    with transaction.atomic(durable=True):
        disposal = _locked_disposal(unit, disposal)
        if disposal.status != DisposalList.Status.APPROVED:
            message = (
                _("Disposal list %(number)s has not been approved by the state archive.")
                if disposal.status == DisposalList.Status.DRAFT
                else _("Disposal list %(number)s has already been carried out.")
            )
            raise ValidationError(message % {"number": list_number(disposal)})
        case_ids = list(
            DisposalEntry.objects.for_unit(unit)
            .filter(disposal=disposal)
            .values_list("case_id", flat=True)
        )
        cases = list(
            Case.objects.for_unit(unit).select_for_update().filter(pk__in=case_ids).order_by("pk")
        )
        versions = DocumentVersion.objects.for_unit(unit).filter(document__case_id__in=case_ids)
        paths = set(versions.values_list("file", flat=True))
        kept = set(
            DocumentVersion.objects.for_unit(unit)
            .filter(file__in=paths)
            .exclude(document__case_id__in=case_ids)
            .filter(
                Q(document__case__isnull=True)
                | ~Q(document__case__archive_status=ArchiveStatus.DISPOSED)
            )
            .values_list("file", flat=True)
        )
        doomed = sorted(paths - kept)
        versions.update(text="", body="")
        Case.objects.for_unit(unit).filter(pk__in=case_ids).update(
            archive_status=ArchiveStatus.DISPOSED
        )
        disposal.status = DisposalList.Status.EXECUTED
        disposal.executed_at = timezone.now()
        disposal.save(update_fields=["status", "executed_at"])
        audit.record(
            actor,
            unit,
            "documents.archive.disposal_executed",
            disposal,
            changes={
                "number": list_number(disposal),
                "reference": disposal.approval_reference,
                "cases": [c.signature for c in cases],
                "files_deleted": len(doomed),
            },
        )
        for case in cases:
            case.archive_status = ArchiveStatus.DISPOSED
            with office_language():
                event(
                    actor,
                    unit,
                    "disposed",
                    _("Files destroyed under disposal list %(number)s (consent %(reference)s)")
                    % {"number": list_number(disposal), "reference": disposal.approval_reference},
                    case=case,
                )
            search.reindex_case(case)
        transaction.on_commit(lambda: _delete_files(doomed), robust=True)
    return disposal


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            # The disposal stands; the file is left over and is logged to be removed by hand.
            logger.exception("could not delete %s after disposal", path)


def _disposal_problem(case: Case, today: datetime.date) -> str:
    values = {"signature": case.signature, "category": case.category}
    if not case.category.startswith("B"):
        return (
            _(
                "%(signature)s: category %(category)s is archival material, kept for ever "
                "and never destroyed."
            )
            % values
        )
    if case.retention_until is None or case.retention_until > today:
        return _("%(signature)s: the case must be kept until %(date)s.") % {
            **values,
            "date": case.retention_until or "—",
        }
    return ""


def _locked_disposal(unit: Unit, disposal: DisposalList) -> DisposalList:
    locked = DisposalList.objects.for_unit(unit).select_for_update().filter(pk=disposal.pk).first()
    if locked is None:
        raise ValidationError(_("This is not a disposal list of this unit."))
    return locked
