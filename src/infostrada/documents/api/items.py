"""Incoming correspondence: register a letter with its files, list and read items."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from infostrada.accounts.roles import DOC_REGISTER
from infostrada.audit.context import Actor
from infostrada.documents import access
from infostrada.documents.api.resolve import (
    JSON_PART,
    department_by_symbol,
    for_reading,
    for_writing,
    official_by_id,
)
from infostrada.documents.api.serialise import item_detail_out, item_out, keyset_page
from infostrada.documents.models import IncomingItem
from infostrada.documents.schemas import (
    IncomingIn,
    IncomingItemDetailOut,
    IncomingItemPage,
    ItemFilter,
)
from infostrada.documents.services import correspondence
from infostrada.documents.services.correspondence import IncomingData
from infostrada.documents.uploads import UploadRejected
from infostrada.tenancy.models import Unit

router = Router()

MAX_FILES = 50


@router.post(
    "/units/{slug}/incoming-items",
    operation_id="infostrada_documents_api_register_incoming_item",
    response={201: IncomingItemDetailOut},
    summary="Register an incoming item with its files",
    openapi_extra={"requestBody": JSON_PART},
)
def register_incoming_item(
    request: HttpRequest,
    slug: str,
    data: IncomingIn,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """Register a letter in the unit's incoming register (rejestr przesyłek wpływających).

    Send `multipart/form-data`: a part `data` holding the JSON object of the
    letter, and zero or more parts `files` (scans, the electronic letter,
    attachments). Every file is checked by its content; one file that does
    not match its name refuses the registration and nothing is stored
    (422 naming `files`). Electronic signatures are verified and reported per
    document. The number is the next one in this year's register.

    Idempotent retries: with `source_system` and `source_id` (e.g. the
    ePUAP message id), a repeated request (after a timeout, or sent twice at
    once) is answered like the first one, **201 with the same item**, and
    registers nothing; compare `id` to notice. Needs `documents:write`
    (token) or the chancellery role (session).

    With `department` and/or `assignee` the letter is routed (dekretacja) in
    the same transaction: the department must be one of the unit's, valid
    this year, and the official one of the unit's whose role includes
    handling matters; otherwise 422 naming the field, and nothing is stored.
    """
    actor, unit = for_writing(request, slug, DOC_REGISTER)
    uploads = list(files or [])
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            {"files": _("Send at most %(count)d files at once.") % {"count": MAX_FILES}}
        )
    fields = data.model_dump(exclude={"department", "assignee", "instruction"})
    incoming = IncomingData(**fields)
    routing = {
        "department": department_by_symbol(unit, data.department) if data.department else None,
        "assignee": official_by_id(unit, data.assignee),
        "instruction": data.instruction,
    }
    try:
        item = _register(actor, unit, incoming, uploads, routing)
    except IntegrityError:
        if not incoming.source_id:
            raise
        # A concurrent request with the same source registered it between the
        # service's look-up and its insert; now the look-up finds that item.
        item = _register(actor, unit, incoming, uploads, routing)
    return Status(201, item_detail_out(actor, unit, item))


def _register(
    actor: Actor,
    unit: Unit,
    data: IncomingData,
    uploads: list[UploadedFile],
    routing: dict[str, Any],
) -> IncomingItem:
    try:
        return correspondence.register_incoming(
            actor=actor,
            unit=unit,
            data=data,
            files=[(f.name or "", f) for f in uploads],
            **routing,
        )
    except UploadRejected as exc:
        raise ValidationError({"files": [exc]}) from None


@router.get(
    "/units/{slug}/incoming-items",
    operation_id="infostrada_documents_api_list_incoming_items",
    response=IncomingItemPage,
    summary="List incoming items, newest first",
)
def list_incoming_items(
    request: HttpRequest, slug: str, filters: Query[ItemFilter]
) -> dict[str, Any]:
    """The incoming items the caller may see, newest registration first.

    Filter by register `year`, `status`, `channel` and the `department`
    (symbol) the item was assigned to. Keyset paging: pass `next_before_id`
    as `before_id` for the next page; it is null on the last page.
    """
    actor, unit = for_reading(request, slug)
    qs = access.visible_items(actor, unit).select_related("department", "assignee", "case")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.department:
        qs = qs.filter(department__symbol=filters.department)
    if filters.before_id:
        qs = qs.filter(pk__lt=filters.before_id)
    rows, next_before = keyset_page(list(qs.order_by("-pk")[: filters.limit + 1]), filters.limit)
    visible = _visible_case_ids(actor, unit, [r.case_id for r in rows if r.case_id])
    for row in rows:
        if row.case_id not in visible:
            row.case = None
    return {"items": [item_out(r) for r in rows], "next_before_id": next_before}


def _visible_case_ids(actor: Actor, unit: Unit, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(access.visible_cases(actor, unit).filter(pk__in=ids).values_list("pk", flat=True))


@router.get(
    "/units/{slug}/incoming-items/{item_id}",
    operation_id="infostrada_documents_api_get_incoming_item",
    response=IncomingItemDetailOut,
    summary="One incoming item with its documents and history",
)
def get_incoming_item(request: HttpRequest, slug: str, item_id: int) -> dict[str, Any]:
    """The item, the metadata and versions of its documents, and its history.

    404 for an item that does not exist or that the caller may not see.
    """
    actor, unit = for_reading(request, slug)
    return item_detail_out(actor, unit, access.get_item(actor, unit, item_id))
