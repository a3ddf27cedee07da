"""API authentication: a unit-bound bearer token, or an official's session.

For operations under ``/units/{slug}/`` the credentials must belong to that
unit (the token's unit, or a unit where the official holds a role) — checked
here, before the request body is even parsed, so that another unit's caller
gets 403 whatever they send, never a validation message about it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from infostrada.accounts.permissions import has_perm
from infostrada.accounts.roles import WORKBENCH
from infostrada.accounts.services import authenticate_token, second_factor_satisfied


def _path_unit_slug(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("slug") if match is not None else None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        client = authenticate_token(token)
        if client is None:
            return None
        slug = _path_unit_slug(request)
        if slug is not None and client.unit.slug != slug:
            raise PermissionDenied("the token belongs to another unit")
        request.api_client = client  # type: ignore[attr-defined]
        return client


class OfficialSessionAuth(SessionAuth):
    """The logged-in official's session (CSRF-checked for writes by ninja)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or getattr(user, "kind", None) != "official":
            return None
        if not second_factor_satisfied(user):
            return None
        slug = _path_unit_slug(request)
        if slug is not None:
            from infostrada.tenancy.models import Unit

            unit = Unit.objects.filter(slug=slug).first()
            if unit is not None and not has_perm(user, WORKBENCH, unit):
                raise PermissionDenied("no role in this unit")
        return user


API_AUTH = [TokenAuth(), OfficialSessionAuth()]
