"""Cases: open, list or search, read with the case file and history, add documents and items."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from infostrada.accounts.roles import DOC_HANDLE
from infostrada.audit.context import Actor
from infostrada.documents import access, search
from infostrada.documents.api.resolve import (
    JSON_PART,
    department_by_symbol,
    file_class_by_symbol,
    for_reading,
    for_writing,
    item_id_field,
    official_by_id,
    referenced_item,
)
from infostrada.documents.api.serialise import (
    case_detail_out,
    case_out,
    document_out,
    keyset_page,
    load_documents,
)
from infostrada.documents.models import Case, CaseEvent
from infostrada.documents.schemas import (
    CaseDetailOut,
    CaseFilter,
    CaseIn,
    CasePage,
    DocumentIn,
    DocumentOut,
    EventOut,
    ItemRef,
)
from infostrada.documents.services import cases
from infostrada.documents.services.cases import PartyData
from infostrada.documents.uploads import UploadRejected
from infostrada.tenancy.models import Unit

router = Router()

# With `q`, the best matches searched before the other filters are applied.
SEARCH_WINDOW = 500


@router.post(
    "/units/{slug}/cases",
    operation_id="infostrada_documents_api_open_case",
    response={201: CaseDetailOut},
    summary="Open a case",
)
def open_case(request: HttpRequest, slug: str, payload: CaseIn) -> Status[dict[str, Any]]:
    """Open a case in a department and JRWA class; it gets the next signature.

    The signature is `DEPARTMENT.JRWA.NUMBER.YEAR`, numbered without gaps in
    the department's spis spraw. With `item_id`, the item's documents become
    the first documents of the case file, its sender the applicant (unless
    `parties` are given) and the KPA deadline runs from its receipt. With
    `assignee`, that official is the case officer (an official of the unit
    whose role includes handling cases). Unknown department or JRWA symbols,
    or an assignee who is not such an official, are 422 naming the field. Needs
    `documents:write` (token) or a case officer of that department (session).
    """
    actor, unit = for_writing(request, slug, DOC_HANDLE)
    item = referenced_item(actor, unit, payload.item_id) if payload.item_id else None
    try:
        case = cases.open_case(
            actor=actor,
            unit=unit,
            department=department_by_symbol(unit, payload.department),
            file_class=file_class_by_symbol(unit, payload.file_class),
            title=payload.title,
            item=item,
            assignee=official_by_id(unit, payload.assignee),
            deadline_kind=payload.deadline_kind,
            started_on=payload.started_on,
            custom_deadline=payload.custom_deadline,
            description=payload.description,
            parties=[PartyData(**p.model_dump()) for p in payload.parties],
        )
    except ValidationError as exc:
        raise item_id_field(exc) from None
    detail = case_detail_out(
        actor, unit, access.get_case(actor, unit, case.pk), opened_from_nothing=item is None
    )
    return Status(201, detail)


@router.get(
    "/units/{slug}/cases",
    operation_id="infostrada_documents_api_list_cases",
    response=CasePage,
    summary="List or search cases",
)
def list_cases(request: HttpRequest, slug: str, filters: Query[CaseFilter]) -> dict[str, Any]:
    """The cases the caller may see: newest first, or by relevance with `q`.

    Filters: `status`, `department` (symbol), `file_class` (JRWA symbol),
    `year`, `overdue` (open cases past their deadline) and `assignee` (an
    official's id). Without `q`, keyset paging by `before_id`. With `q`
    (full text over signatures, titles, parties, items and document text),
    the best matches come in relevance order as one page of at most `limit`
    cases, and `next_before_id` is null: refine the query to narrow it.
    """
    actor, unit = for_reading(request, slug)
    today = timezone.localdate()
    qs = access.visible_cases(actor, unit).select_related("department", "assignee")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.department:
        qs = qs.filter(department__symbol=filters.department)
    if filters.file_class:
        qs = qs.filter(class_symbol=filters.file_class)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.overdue:
        qs = qs.filter(status=Case.Status.OPEN, deadline__lt=today)
    if filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    if filters.q.strip():
        rows, next_before = _ranked(actor, unit, qs, filters.q, filters.limit), None
    else:
        if filters.before_id:
            qs = qs.filter(pk__lt=filters.before_id)
        rows, next_before = keyset_page(
            list(qs.order_by("-pk")[: filters.limit + 1]), filters.limit
        )
    return {"items": [case_out(c, today) for c in rows], "next_before_id": next_before}


def _ranked(actor: Actor, unit: Unit, qs: QuerySet[Case], q: str, limit: int) -> list[Case]:
    ranked = [pk for pk, _score in search.search_cases(actor, unit, q, limit=SEARCH_WINDOW)]
    if not ranked:
        return []
    return search.ranked_page(qs, ranked, limit)


@router.get(
    "/units/{slug}/cases/{case_id}",
    operation_id="infostrada_documents_api_get_case",
    response=CaseDetailOut,
    summary="One case with its parties and case file",
)
def get_case(request: HttpRequest, slug: str, case_id: int) -> dict[str, Any]:
    """The case, its parties and incoming items, related cases the caller may see,
    and its documents in case-file order with the metadata of the regulation of
    30 October 2006 (identifier, creator, title, dates, format, access, type, and
    the optional elements) and every version with a download link.

    404 for a case that does not exist or that the caller may not see.
    """
    actor, unit = for_reading(request, slug)
    return case_detail_out(actor, unit, access.get_case(actor, unit, case_id))


@router.get(
    "/units/{slug}/cases/{case_id}/history",
    operation_id="infostrada_documents_api_case_history",
    response=list[EventOut],
    summary="A case's history (metryka sprawy)",
)
def case_history(request: HttpRequest, slug: str, case_id: int) -> list[CaseEvent]:
    """Who did what with the case, oldest first, as officials read it in the metryka."""
    actor, unit = for_reading(request, slug)
    case = access.get_case(actor, unit, case_id)
    return list(CaseEvent.objects.for_unit(unit).filter(case=case).order_by("at", "pk"))


@router.post(
    "/units/{slug}/cases/{case_id}/documents",
    operation_id="infostrada_documents_api_add_case_document",
    response={201: DocumentOut},
    summary="Add a document to a case file",
    openapi_extra={"requestBody": JSON_PART},
)
def add_case_document(
    request: HttpRequest,
    slug: str,
    case_id: int,
    data: DocumentIn,
    file: File[UploadedFile],
) -> Status[dict[str, Any]]:
    """Add a file (a note, an opinion, a scan) as the next document of the case file.

    Send `multipart/form-data`: a part `data` with the JSON object described
    here and one part `file`. The file is checked by its content (422 naming
    `file` when it does not match its name; nothing is stored). The case must
    be visible to the caller (else 404) and not closed. Needs `documents:write`
    and `documents:read` (token) or a case officer who sees the case (session).
    """
    actor, unit = for_writing(request, slug, DOC_HANDLE)
    case = access.get_case(actor, unit, case_id)
    try:
        document = cases.add_document(
            actor=actor,
            unit=unit,
            case=case,
            title=data.title,
            kind=data.kind,
            description=data.description,
            filename=file.name or "",
            data=file,
        )
    except UploadRejected as exc:
        raise ValidationError({"file": [exc]}) from None
    return Status(201, document_out(unit, load_documents(unit, pk=document.pk)[0]))


@router.post(
    "/units/{slug}/cases/{case_id}/items",
    operation_id="infostrada_documents_api_add_case_item",
    response=CaseDetailOut,
    summary="Add an incoming item to a running case",
)
def add_case_item(
    request: HttpRequest, slug: str, case_id: int, payload: ItemRef
) -> dict[str, Any]:
    """Put a further letter (e.g. the party's supplement) into a case that is not closed.

    The item's documents follow the case file's last document. 422 naming
    `item_id` for an item that does not exist, is not visible, or is already
    in a case. Returns the case.
    """
    actor, unit = for_writing(request, slug, DOC_HANDLE)
    case = access.get_case(actor, unit, case_id)
    item = referenced_item(actor, unit, payload.item_id)
    try:
        cases.add_item_to_case(actor=actor, unit=unit, case=case, item=item)
    except ValidationError as exc:
        raise item_id_field(exc) from None
    return case_detail_out(actor, unit, access.get_case(actor, unit, case.pk))
