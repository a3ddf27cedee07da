"""What every archive list shares: numbering, choosing and checking cases.

Numbering: lists are numbered per unit, kind and year without gaps. There is
no counter row for them, and locking the year's existing rows is not enough
(the first list of a year has none to lock, and under READ COMMITTED a second
writer that waited on the last row still does not see the row the first one
inserted), so the unit's row is locked (FOR NO KEY UPDATE: inserts that
reference the unit are not blocked) and the highest number read after the
lock. SQLite's IMMEDIATE transactions serialise writers anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from infostrada.documents.models import (
    ArchiveTransfer,
    Case,
    DisposalEntry,
    DisposalList,
    TransferEntry,
)
from infostrada.tenancy.models import Unit

ArchiveStatus = Case.ArchiveStatus


def list_number(row: ArchiveTransfer | DisposalList) -> str:
    return f"{row.number}/{row.year}"


def take_list_number(unit: Unit, rows: QuerySet[Any]) -> int:
    """The next number of a list; see the module's docstring for the lock."""
    list(Unit.objects.select_for_update(no_key=True).filter(pk=unit.pk).values_list("pk"))
    return (rows.aggregate(last=Max("number"))["last"] or 0) + 1


def checked_reference(reference: str) -> str:
    reference = reference.strip()
    if not reference or len(reference) > 200:
        raise ValidationError(
            {"reference": _("Give the reference of the confirmation (at most 200 characters).")}
        )
    return reference


def locked_cases(unit: Unit, cases: Iterable[Case]) -> list[Case]:
    """The unit's cases asked for, locked, in list order (JRWA class, year, number)."""
    wanted = list({case.pk: case for case in cases}.values())
    if not wanted:
        raise ValidationError(_("Choose at least one case."))
    found = {
        case.pk: case
        for case in Case.objects.for_unit(unit)
        .select_for_update()
        .filter(pk__in=[c.pk for c in wanted])
        .order_by("pk")
    }
    foreign = [
        _("%(signature)s is not a case of this unit.") % {"signature": case.signature}
        for case in wanted
        if case.pk not in found
    ]
    if foreign:
        raise ValidationError(foreign)
    return sorted(found.values(), key=lambda c: (c.class_symbol, c.year, c.number))


def on_open_lists(unit: Unit) -> Q:
    """Cases on a list still in progress (a transfer not confirmed, a disposal not done)."""
    on_transfer = TransferEntry.objects.for_unit(unit).exclude(
        transfer__status=ArchiveTransfer.Status.CONFIRMED
    )
    on_disposal = DisposalEntry.objects.for_unit(unit).exclude(
        disposal__status=DisposalList.Status.EXECUTED
    )
    return Q(pk__in=on_transfer.values("case_id")) | Q(pk__in=on_disposal.values("case_id"))


def refuse(unit: Unit, cases: list[Case], check: Callable[[Case], str]) -> None:
    """Raise one ValidationError naming every case that may not go on the list, and why."""
    busy = set(
        Case.objects.for_unit(unit)
        .filter(pk__in=[c.pk for c in cases])
        .filter(on_open_lists(unit))
        .values_list("pk", flat=True)
    )
    problems = []
    for case in cases:
        problem = common_problem(case, busy) or check(case)
        if problem:
            problems.append(problem)
    if problems:
        raise ValidationError(problems)


def common_problem(case: Case, busy: set[int]) -> str:
    values = {"signature": case.signature}
    if not case.is_closed:
        return _("%(signature)s: the case is not closed; only closed cases are archived.") % values
    if case.archive_status == ArchiveStatus.DISPOSED:
        return _("%(signature)s: the case's files have been destroyed.") % values
    if case.archive_status in (ArchiveStatus.TRANSFERRING, ArchiveStatus.TRANSFERRED):
        return _("%(signature)s: the case has been sent to the state archive.") % values
    if case.pk in busy:
        return _("%(signature)s: the case is already on a list in progress.") % values
    return ""


def add_entries(transfer: ArchiveTransfer, cases: list[Case]) -> None:
    TransferEntry.objects.bulk_create(
        [
            TransferEntry(unit_id=transfer.unit_id, transfer=transfer, case=case, position=n)
            for n, case in enumerate(cases, 1)
        ]
    )
