"""Who may do what where: the one permission policy of the platform."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from infostrada.accounts.roles import REGION_ADMIN_PERMISSIONS, ROLE_PERMISSIONS, Role
from infostrada.audit.context import Actor
from infostrada.tenancy.models import Unit

# API scopes that stand for a permission when the actor is an API client. An
# integrator's system acts for the whole unit: documents:read sees every case.
SCOPE_FOR_PERMISSION = {
    "audit.view": "audit:read",
    "tenancy.edit_unit": "units:write",
    "documents.view_all": "documents:read",
    "documents.register": "documents:write",
    "documents.handle": "documents:write",
    # routing a letter as it is registered (incoming-items with a department)
    "documents.assign": "documents:write",
    "geo.edit": "geo:write",
}

_CACHE_ATTR = "_infostrada_roles"


def roles_by_unit(user: Any) -> dict[int, set[str]]:
    """The user's roles per unit id, read once per request and kept on the user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from infostrada.accounts.models import Membership

        cached = {}
        rows = (
            Membership.objects.unscoped("an official's own memberships across units")
            .filter(user_id=user.pk)
            .values_list("unit_id", "role")
        )
        for unit_id, role in rows:
            cached.setdefault(unit_id, set()).add(role)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the per-request cache after memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_region_admin(user: Any) -> bool:
    return any(Role.REGION_ADMIN in roles for roles in roles_by_unit(user).values())


def permissions_in(user: Any, unit: Unit) -> frozenset[str]:
    """What the user's roles in ``unit`` grant; the region administrator's role adds
    everything but the case files (roles.CASE_FILE_PERMISSIONS)."""
    roles = roles_by_unit(user).get(unit.pk, set())
    granted = frozenset().union(*(ROLE_PERMISSIONS.get(r, frozenset()) for r in roles))
    if is_region_admin(user):
        return granted | REGION_ADMIN_PERMISSIONS
    return granted


def has_perm(actor: Actor | Any, perm: str, unit: Unit | None) -> bool:
    """Whether an actor (or a bare user) may use ``perm`` in ``unit``."""
    if isinstance(actor, Actor):
        if actor.kind == "system":
            return True
        if actor.api_client is not None:
            client = actor.api_client
            scope = SCOPE_FOR_PERMISSION.get(perm)
            return (
                unit is not None
                and client.unit_id == unit.pk
                and client.is_active
                and scope is not None
                and scope in client.scopes
            )
        user = actor.user
    else:
        user = actor
    if unit is None:
        return perm in REGION_ADMIN_PERMISSIONS and is_region_admin(user)
    return perm in permissions_in(user, unit)


def ensure_can(actor: Actor | Any, perm: str, unit: Unit | None) -> None:
    """Raise PermissionDenied unless the actor may use ``perm`` in ``unit``."""
    if not has_perm(actor, perm, unit):
        raise PermissionDenied(perm)


def workbench_units(user: Any) -> list[Unit]:
    """Units whose workbench the user may enter, for the unit switcher."""
    if is_region_admin(user):
        return list(Unit.objects.active().order_by("teryt", "name"))
    ids = [uid for uid, roles in roles_by_unit(user).items() if roles]
    return list(Unit.objects.filter(pk__in=ids).order_by("teryt", "name"))
