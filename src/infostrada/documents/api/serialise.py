"""Presenting: models mapped to the response schemas (documents.schemas), one query per list."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from infostrada.audit.context import Actor
from infostrada.documents import access
from infostrada.documents.deadlines import days_remaining
from infostrada.documents.models import (
    Case,
    CaseEvent,
    CaseParty,
    CaseRelation,
    Document,
    DocumentVersion,
    IncomingItem,
)
from infostrada.documents.services.correspondence import CORRESPONDENT_FIELDS
from infostrada.tenancy.models import Unit


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def _correspondent(row: Any) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in CORRESPONDENT_FIELDS}
    return {**values, "name": row.correspondent_name}


def _versions_url(slug: str, document_id: int, number: int) -> str:
    return reverse(
        "api-v1:documents_version_content",
        kwargs={"slug": slug, "document_id": document_id, "version": number},
    )


def load_documents(unit: Unit, **where: Any) -> list[Document]:
    versions = DocumentVersion.objects.for_unit(unit).order_by("number")
    return list(
        Document.objects.for_unit(unit)
        .filter(**where)
        .select_related("case", "incoming_item", "in_reply_to")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("position", "pk")
    )


def document_out(unit: Unit, document: Document) -> dict[str, Any]:
    versions = list(document.versions.all())
    case, item = document.case, document.incoming_item
    grouping = case.signature if case else (item.register_number if item else "")
    return {
        "id": document.pk,
        "identifier": document.identifier,
        "creator": {"name": document.creator_name, "kind": document.creator_kind},
        "title": document.title,
        "created_at": document.created_at,
        "received_on": document.received_on,
        "signed_at": document.signed_at,
        "sent_at": document.sent_at,
        "format": versions[-1].mime if versions else None,
        "access": document.access,
        "access_grounds": document.access_grounds,
        "type": document.dc_type,
        "kind": document.kind,
        "recipient": document.recipient_name,
        "grouping": grouping,
        "in_reply_to": document.in_reply_to.identifier if document.in_reply_to else None,
        "qualification": case.category if case else None,
        "language": document.language,
        "description": document.description,
        "direction": document.direction,
        "status": document.status,
        "position": document.position,
        "signature_status": document.signature_status,
        "signature_summary": document.signature_summary,
        "versions": [
            {
                "number": v.number,
                "filename": v.filename,
                "mime": v.mime,
                "size": v.size,
                "sha256": v.sha256,
                "page_count": v.page_count,
                "created_at": v.created_at,
                "note": v.note,
                "content_url": _versions_url(unit.slug, document.pk, v.number),
            }
            for v in versions
        ],
    }


def item_out(item: IncomingItem) -> dict[str, Any]:
    case = item.case
    return {
        "id": item.pk,
        "register_number": item.register_number,
        "year": item.year,
        "number": item.number,
        "status": item.status,
        "channel": item.channel,
        "received_on": item.received_on,
        "registered_at": item.registered_at,
        "subject": item.subject,
        "description": item.description,
        "attachments_note": item.attachments_note,
        "letter_date": item.letter_date,
        "sender_reference": item.sender_reference,
        "sender": _correspondent(item),
        "department": item.department.symbol if item.department else None,
        "assignee": _person(item.assignee),
        "case": (
            {"id": case.pk, "signature": case.signature, "title": case.title} if case else None
        ),
        "source_system": item.source_system,
        "source_id": item.source_id,
    }


def item_detail_out(actor: Actor, unit: Unit, item: IncomingItem) -> dict[str, Any]:
    item = (
        IncomingItem.objects.for_unit(unit)
        .select_related("department", "assignee", "case")
        .get(pk=item.pk)
    )
    if item.case_id and not access.visible_cases(actor, unit).filter(pk=item.case_id).exists():
        item.case = None  # the item may be visible (chancellery) while its case is not
    return {
        **item_out(item),
        "documents": [document_out(unit, d) for d in load_documents(unit, incoming_item=item)],
        "history": list(CaseEvent.objects.for_unit(unit).filter(item=item).order_by("at", "pk")),
    }


def case_out(case: Case, today: datetime.date) -> dict[str, Any]:
    running = case.status == Case.Status.OPEN
    return {
        "id": case.pk,
        "signature": case.signature,
        "title": case.title,
        "status": case.status,
        "department": case.department.symbol,
        "file_class": {"symbol": case.class_symbol, "title": case.class_title},
        "category": case.category,
        "year": case.year,
        "number": case.number,
        "assignee": _person(case.assignee),
        "opened_at": case.opened_at,
        "started_on": case.started_on,
        "deadline_kind": case.deadline_kind,
        "deadline": case.deadline,
        "days_remaining": days_remaining(case.deadline, today) if running else None,
        "overdue": running and case.deadline is not None and case.deadline < today,
        "suspended_since": case.suspended_since,
        "closed_at": case.closed_at,
        "archive_status": case.archive_status,
    }


def case_detail_out(
    actor: Actor, unit: Unit, case: Case, *, opened_from_nothing: bool = False
) -> dict[str, Any]:
    """The case with its parties, items, documents and related cases.

    ``opened_from_nothing``: the case was opened in this request without an
    item, so it has no items, documents or related cases yet and they are
    not queried (three of the opening's queries).
    """
    if opened_from_nothing:
        related: Any = []
        items: Any = []
        documents: list[Document] = []
    else:
        related = (
            access.visible_cases(actor, unit)
            .filter(
                pk__in=CaseRelation.objects.for_unit(unit).filter(case=case).values("related_id")
            )
            .order_by("pk")
        )
        items = IncomingItem.objects.for_unit(unit).filter(case=case).order_by("pk")
        documents = load_documents(unit, case=case)
    return {
        **case_out(case, timezone.localdate()),
        "description": case.description,
        "closing_note": case.closing_note,
        "retention_until": case.retention_until,
        "parties": [
            {"id": p.pk, "role": p.role, **_correspondent(p)}
            for p in CaseParty.objects.for_unit(unit).filter(case=case).order_by("pk")
        ],
        "items": [
            {"id": i.pk, "register_number": i.register_number, "subject": i.subject} for i in items
        ],
        "documents": [document_out(unit, d) for d in documents],
        "related": [{"id": c.pk, "signature": c.signature, "title": c.title} for c in related],
    }


def keyset_page(rows: list[Any], limit: int) -> tuple[list[Any], int | None]:
    """Rows of a keyset page (``limit + 1`` were fetched) and the next ``before_id``."""
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].pk if more else None
