"""The zoning extract request in the API: register one, follow its status.

Thin handlers: resolve the unit and the caller, check the permission before
looking at the unit's data, call geo.services_extract, present the result.
Registering needs `documents:write` (a token: the e-service form's backend,
an ePUAP adapter, an integrator's system) or an official's session with the
chancellery's permission; reading needs `documents:read` or an official who
may see the item in the EZD. Credentials of another unit are refused by
API_AUTH before the body is read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from infostrada.accounts.api_auth import API_AUTH
from infostrada.accounts.permissions import ensure_can, has_perm
from infostrada.accounts.roles import DOC_REGISTER, DOC_VIEW_ALL, WORKBENCH
from infostrada.accounts.services import actor_for_request
from infostrada.geo import ratelimit
from infostrada.geo import services_extract as se
from infostrada.geo.public import offers_zoning_extract
from infostrada.geo.schemas import ZoningExtractIn, ZoningExtractOut
from infostrada.tenancy.resolve import unit_from_slug

router = Router(tags=["geoportal"], auth=API_AUTH)
#: As the root API's problem documents (``infostrada.api``, which imports this module).
PROBLEM_BASE = "https://infostrada.example/problems/"


def _problem(
    status: int, title: str, detail: str, *, kind: str, headers: dict[str, str] | None = None
) -> JsonResponse:
    """An RFC 9457 problem document, as the root API's handlers write them."""
    response = JsonResponse(
        {"type": PROBLEM_BASE + kind, "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def present(request: se.ExtractRequest) -> dict[str, Any]:
    fee = request.fee
    out = request.outgoing
    return {
        "id": request.item.pk,
        "item_number": request.item.register_number,
        "received_on": request.item.received_on,
        "case_signature": request.case.signature if request.case else None,
        "status": request.status,
        "kind": request.kind,
        "parcels": request.parcels,
        "purpose": request.purpose,
        "fee": None
        if fee is None
        else {
            "text_pages": fee.text_pages,
            "map_pages": fee.map_pages,
            "wypis": fee.wypis,
            "wyrys": fee.wyrys,
            "total": fee.total,
            "legal_basis": fee.legal_basis,
        },
        "outgoing_number": out.register_number if out and out.sent_at else None,
        "sent_at": out.sent_at if out else None,
        "delivered_at": out.delivered_at if out else None,
    }


@router.post(
    "/units/{slug}/zoning-extracts",
    operation_id="infostrada_geo_api_request_zoning_extract",
    response={201: ZoningExtractOut},
    summary="Register a request for a zoning extract (wypis i wyrys)",
)
def request_zoning_extract(
    request: HttpRequest, slug: str, data: ZoningExtractIn
) -> Status[dict[str, Any]]:
    """Register a request for a wypis and/or wyrys from the plans in force.

    The request is registered in the incoming register, routed to the
    department owning JRWA class 6727, and a case is opened for it (its
    signature is in the answer) with the extract prepared as a draft for the
    officials to approve, seal and send. Every parcel must be in the unit and
    covered by a plan in force, otherwise 422 names the parcels; nothing is
    registered then. The `fee` is the stamp duty of the prepared extract.

    Rate limit: per client address and per unit and hour
    (`INFOSTRADA_GEO_EXTRACT_LIMIT_PER_CLIENT`, `..._PER_UNIT`); over it, 429
    with `Retry-After`, and nothing is registered.

    Idempotent retries: with `source_id`, a repeated request is answered like
    the first one (201, the same `id`) and registers nothing. Needs
    `documents:write` (token) or the chancellery's permission (session).
    """
    unit = unit_from_slug(slug)
    if not offers_zoning_extract(unit):
        return _problem(
            404,
            _("No zoning extracts here"),
            _("Only a municipality (gmina) issues extracts from zoning plans."),
            kind="not-found",
        )
    actor = actor_for_request(request)
    ensure_can(actor, DOC_REGISTER, unit)
    applicant = se.Applicant(**data.applicant.model_dump())
    try:
        result = se.request_extract(
            unit=unit,
            applicant=applicant,
            parcels=data.parcels,
            kind=data.kind,
            purpose=data.purpose,
            channel=data.channel,
            source_id=data.source_id or se.new_source_id(),
            actor=actor,
            admit=ratelimit.admitter(request, unit),
        )
    except ratelimit.RateLimited as limited:
        return _problem(
            429,
            _("Too many requests"),
            _("Too many zoning-extract requests from this client or to this unit in the last hour.")
            if limited.refusal.scope == "client"
            else _("This unit has received too many zoning-extract requests in the last hour."),
            kind="too-many-requests",
            headers={"Retry-After": str(limited.refusal.retry_after)},
        )
    return Status(201, present(result))


@router.get(
    "/units/{slug}/zoning-extracts/{request_id}",
    operation_id="infostrada_geo_api_get_zoning_extract",
    response=ZoningExtractOut,
    summary="The status of a zoning extract request",
)
def get_zoning_extract(request: HttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    """Where the request is: `registered` → `prepared` (draft in the case) →
    `in_approval` → `approved` → `sealed` → `dispatched` → `delivered`.

    404 for a request that does not exist, that the caller may not see, or an
    incoming item that is not a zoning extract request.
    """
    unit = unit_from_slug(slug)
    actor = actor_for_request(request)
    if not (
        has_perm(actor, DOC_VIEW_ALL, unit)
        or (actor.kind == "user" and has_perm(actor, WORKBENCH, unit))
    ):
        raise PermissionDenied(DOC_VIEW_ALL)
    return present(se.get_request(actor, unit, request_id))
