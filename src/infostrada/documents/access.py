"""Who sees which correspondence and cases inside a unit.

Tenancy keeps units apart; inside a unit, EZD follows the office's own rule
of need-to-know: an official sees the cases and items of the departments they
work in today, those assigned to them, those of colleagues they deputise for
today, and drafts they are asked to approve. The secretary (and an API client
with ``documents:read``) sees everything of the unit; the chancellery sees
the whole incoming register but not the case files. Every page and API
endpoint reads through these functions, so the same rule holds everywhere;
an object one may not see is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from infostrada.accounts.permissions import has_perm
from infostrada.accounts.roles import DOC_REGISTER, DOC_VIEW_ALL
from infostrada.audit.context import Actor
from infostrada.documents.models import (
    ApprovalStep,
    Case,
    DepartmentMember,
    Document,
    IncomingItem,
    Substitution,
)
from infostrada.tenancy.models import Unit


def _today() -> datetime.date:
    return timezone.localdate()


def department_ids(user: Any, unit: Unit, on: datetime.date | None = None) -> list[int]:
    """The departments an official works in on a day."""
    on = on or _today()
    return list(
        DepartmentMember.objects.for_unit(unit)
        .filter(user_id=user.pk, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .values_list("department_id", flat=True)
    )


def deputised_ids(user: Any, unit: Unit, on: datetime.date | None = None) -> list[int]:
    """Officials whom ``user`` stands in for on a day (zastępstwo)."""
    on = on or _today()
    return list(
        Substitution.objects.for_unit(unit)
        .filter(deputy_id=user.pk, starts_on__lte=on, ends_on__gte=on)
        .values_list("absent_id", flat=True)
    )


def _user(actor: Actor | Any) -> Any:
    return actor.user if isinstance(actor, Actor) else actor


def sees_everything(actor: Actor | Any, unit: Unit) -> bool:
    return has_perm(actor, DOC_VIEW_ALL, unit)


def visible_cases(actor: Actor | Any, unit: Unit) -> QuerySet[Case]:
    """The unit's cases this actor may see."""
    cases = Case.objects.for_unit(unit)
    if sees_everything(actor, unit):
        return cases
    user = _user(actor)
    if user is None or not getattr(user, "is_authenticated", False):
        return cases.none()
    people = [user.pk, *deputised_ids(user, unit)]
    approving = ApprovalStep.objects.for_unit(unit).filter(
        document__case=OuterRef("pk"), approver_id__in=people
    )
    return cases.filter(
        Q(department_id__in=department_ids(user, unit))
        | Q(assignee_id__in=people)
        | Exists(approving)
    )


def visible_items(actor: Actor | Any, unit: Unit) -> QuerySet[IncomingItem]:
    """The unit's incoming correspondence this actor may see."""
    items = IncomingItem.objects.for_unit(unit)
    if sees_everything(actor, unit) or has_perm(actor, DOC_REGISTER, unit):
        return items
    user = _user(actor)
    if user is None or not getattr(user, "is_authenticated", False):
        return items.none()
    people = [user.pk, *deputised_ids(user, unit)]
    cases = visible_cases(actor, unit).values("pk")
    return items.filter(
        Q(department_id__in=department_ids(user, unit))
        | Q(assignee_id__in=people)
        | Q(case__in=cases)
    )


def visible_documents(actor: Actor | Any, unit: Unit) -> QuerySet[Document]:
    """Documents in visible cases or visible items, and drafts one approves."""
    documents = Document.objects.for_unit(unit)
    if sees_everything(actor, unit):
        return documents
    return documents.filter(
        Q(case__in=visible_cases(actor, unit).values("pk"))
        | Q(incoming_item__in=visible_items(actor, unit).values("pk"))
    )


def get_case(actor: Actor | Any, unit: Unit, pk: Any) -> Case:
    """A case the actor may see, or 404 (the same for absent and not yours)."""
    case = (
        visible_cases(actor, unit)
        .filter(pk=_int(pk))
        .select_related("department", "assignee", "file_class")
        .first()
    )
    if case is None:
        raise Http404("no such case")
    return case


def get_item(actor: Actor | Any, unit: Unit, pk: Any) -> IncomingItem:
    item = visible_items(actor, unit).filter(pk=_int(pk)).first()
    if item is None:
        raise Http404("no such item")
    return item


def get_document(actor: Actor | Any, unit: Unit, pk: Any) -> Document:
    document = visible_documents(actor, unit).filter(pk=_int(pk)).first()
    if document is None:
        raise Http404("no such document")
    return document


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("bad id") from None
    if not 0 < number < 2**63:
        raise Http404("bad id")
    return number
