"""``/api/v1/me``: who the credentials belong to and what they may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from infostrada.accounts import permissions
from infostrada.accounts.api_auth import API_AUTH
from infostrada.tenancy.models import Unit

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    unit: str
    unit_name: str
    roles: list[str]


class MeOut(Schema):
    kind: str
    username: str | None = None
    name: str | None = None
    client: str | None = None
    unit: str | None = None
    scopes: list[str] = []
    region_admin: bool = False
    memberships: list[MembershipOut] = []


@router.get("/me", response=MeOut, auth=API_AUTH, summary="The caller")
def me(request: HttpRequest) -> dict[str, Any]:
    client = getattr(request, "api_client", None)
    if client is not None:
        return {
            "kind": "api_client",
            "client": client.name,
            "unit": client.unit.slug,
            "scopes": client.scopes,
        }
    user = request.auth  # type: ignore[attr-defined]
    roles = permissions.roles_by_unit(user)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(roles))}
    return {
        "kind": "official",
        "username": user.get_username(),
        "name": user.get_full_name(),
        "region_admin": permissions.is_region_admin(user),
        "memberships": [
            {"unit": units[uid].slug, "unit_name": units[uid].official_name, "roles": sorted(r)}
            for uid, r in sorted(roles.items())
            if uid in units
        ],
    }
