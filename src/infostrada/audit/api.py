"""A unit's audit trail for integrators and the unit's officials."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from infostrada.accounts.api_auth import API_AUTH
from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import AUDIT_VIEW
from infostrada.accounts.services import actor_for_request
from infostrada.audit.models import AuditEvent
from infostrada.tenancy.resolve import unit_from_slug

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    seq: int
    occurred_at: datetime
    actor_kind: str
    actor_name: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    request_id: str
    hash: str


class AuditFilter(Schema):
    action: Annotated[str, Field(max_length=100)] = ""
    object_type: Annotated[str, Field(max_length=100)] = ""
    since: datetime | None = None
    until: datetime | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    before_seq: Annotated[int | None, Field(ge=1)] = None


class AuditPage(Schema):
    items: list[AuditEventOut]
    next_before_seq: int | None


@router.get(
    "/units/{slug}/audit-events",
    response=AuditPage,
    auth=API_AUTH,
    summary="A unit's audit events, newest first",
)
def audit_events(request: HttpRequest, slug: str, filters: Query[AuditFilter]) -> dict[str, Any]:
    """Paged by ``before_seq`` (keyset): pass ``next_before_seq`` to get older events."""
    unit = unit_from_slug(slug)
    ensure_can(actor_for_request(request), AUDIT_VIEW, unit)
    qs = AuditEvent.objects.for_unit(unit).order_by("-seq")
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.since:
        qs = qs.filter(occurred_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(occurred_at__lt=filters.until)
    if filters.before_seq:
        qs = qs.filter(seq__lt=filters.before_seq)
    items = list(qs[: filters.limit + 1])
    more = len(items) > filters.limit
    items = items[: filters.limit]
    return {"items": items, "next_before_seq": items[-1].seq if more else None}
