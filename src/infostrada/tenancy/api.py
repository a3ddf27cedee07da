"""Public reads of the region's units."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.db.models import F
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from infostrada.accounts.api_auth import API_AUTH
from infostrada.accounts.services import actor_for_request
from infostrada.tenancy import services
from infostrada.tenancy.models import Unit
from infostrada.tenancy.resolve import unit_from_slug
from infostrada.tenancy.schemas import ContactIn, UnitDetailOut, UnitOut, UnitPage

router = Router(tags=["units"])

_FIELDS = ("slug", "teryt", "name", "official_name", "kind")
# By TERC code, partners (no code) last: the same order on SQLite and PostgreSQL.
_ORDER = (F("teryt").asc(nulls_last=True), "name")
KindName = Literal[
    "wojewodztwo",
    "powiat",
    "miasto_na_prawach_powiatu",
    "gmina_miejska",
    "gmina_wiejska",
    "gmina_miejsko_wiejska",
    "partner",
]


def _row(values: dict[str, Any]) -> dict[str, Any]:
    values["parent"] = values.pop("parent_slug")
    values["url"] = f"/{values['slug']}/"
    return values


def _rows(qs: Any) -> list[dict[str, Any]]:
    return [_row(v) for v in qs.values(*_FIELDS, parent_slug=F("parent__slug"))]


class UnitFilter(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    kind: KindName | None = None
    parent: Annotated[str | None, Field(max_length=80)] = None
    limit: Annotated[int, Field(ge=1, le=500)] = 100
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


@router.get("/units", response=UnitPage, summary="List units", auth=None)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> dict[str, Any]:
    """Units of the region, by TERC code; filter by name/TERC prefix, kind or parent."""
    qs = Unit.objects.active().search(filters.q).order_by(*_ORDER)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent:
        qs = qs.filter(parent__slug=filters.parent)
    count = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": _rows(page), "count": count, "limit": filters.limit, "offset": filters.offset}


@router.get("/units/{slug}", response=UnitDetailOut, summary="One unit", auth=None)
def get_unit(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _detail(unit_from_slug(slug))


@router.patch(
    "/units/{slug}", response=UnitDetailOut, auth=API_AUTH, summary="Change a unit's contact data"
)
def update_unit(request: HttpRequest, slug: str, payload: ContactIn) -> dict[str, Any]:
    """Needs the ``units:write`` scope (token) or the unit administrator role (session)."""
    unit = unit_from_slug(slug)
    changes = {
        k: str(v) for k, v in payload.model_dump(exclude_unset=True).items() if v is not None
    }
    unit = services.update_contact(actor=actor_for_request(request), unit=unit, **changes)
    return _detail(unit)


def _detail(unit: Unit) -> dict[str, Any]:
    return {
        "slug": unit.slug,
        "teryt": unit.teryt,
        "name": unit.name,
        "official_name": unit.official_name,
        "kind": unit.kind,
        "parent": unit.parent.slug if unit.parent else None,
        "url": f"/{unit.slug}/",
        "address": unit.address,
        "email": unit.email,
        "phone": unit.phone,
        "website": unit.website,
        "ade_address": unit.ade_address,
        "children": Unit.objects.filter(parent=unit, is_active=True).count(),
    }


@router.get(
    "/units/{slug}/children", response=list[UnitOut], summary="Units below a unit", auth=None
)
def unit_children(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The powiaty of a województwo, or the gminy of a powiat."""
    unit = unit_from_slug(slug)
    return _rows(Unit.objects.active().filter(parent=unit).order_by(*_ORDER))
