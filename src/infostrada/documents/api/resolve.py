"""Resolving a request: the actor and unit it acts for, and the objects its body names.

Who may do what is decided by the services and accounts.permissions (credentials of
another unit are refused by API_AUTH before the body is read); the only checks here are
the gate for reading the EZD at all and a write's permission before the unit's data is
looked up (so that a missing scope is 403, not a 422 about an unknown department).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can, has_perm
from infostrada.accounts.roles import DOC_VIEW_ALL, WORKBENCH
from infostrada.accounts.services import actor_for_request
from infostrada.audit.context import Actor
from infostrada.documents import access
from infostrada.documents.models import Department, FileClass, IncomingItem
from infostrada.tenancy.models import Unit
from infostrada.tenancy.resolve import unit_from_slug

# The `data` part of a multipart request is JSON (OpenAPI 3.1 encoding object).
JSON_PART = {
    "content": {"multipart/form-data": {"encoding": {"data": {"contentType": "application/json"}}}}
}


def for_reading(request: HttpRequest, slug: str) -> tuple[Actor, Unit]:
    """The actor and unit of a read; 403 unless the caller may read this unit's EZD.

    Tokens need ``documents:read``; officials need a role in the unit, and
    then see what documents.access shows them (their departments' cases).
    """
    unit = unit_from_slug(slug)
    actor = actor_for_request(request)
    if has_perm(actor, DOC_VIEW_ALL, unit):
        return actor, unit
    if actor.kind == "user" and has_perm(actor, WORKBENCH, unit):
        return actor, unit
    raise PermissionDenied(DOC_VIEW_ALL)


def for_writing(request: HttpRequest, slug: str, perm: str) -> tuple[Actor, Unit]:
    unit = unit_from_slug(slug)
    actor = actor_for_request(request)
    ensure_can(actor, perm, unit)
    return actor, unit


def department_by_symbol(unit: Unit, symbol: str) -> Department:
    department = (
        Department.objects.for_unit(unit)
        .valid_in(timezone.localdate().year)
        .filter(symbol=symbol)
        .order_by("-valid_from")
        .first()
    )
    if department is None:
        raise ValidationError(
            {"department": _("There is no department with this symbol this year.")}
        )
    return department


def official_by_id(unit: Unit, user_id: int | None) -> User | None:
    """An official named in a request body by id: one who holds a role in the unit.

    Whether their role lets them handle the matter is the service's check.
    """
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, kind=User.Kind.OFFICIAL, is_active=True).first()
    if user is None or not has_perm(user, WORKBENCH, unit):
        raise ValidationError({"assignee": _("There is no official with this id in the unit.")})
    return user


def file_class_by_symbol(unit: Unit, symbol: str) -> FileClass:
    file_class = FileClass.objects.for_unit(unit).filter(symbol=symbol).first()
    if file_class is None:
        raise ValidationError({"file_class": _("There is no JRWA class with this symbol.")})
    return file_class


def referenced_item(actor: Actor, unit: Unit, item_id: int) -> IncomingItem:
    """An item named in a request body: unknown or invisible is a field error."""
    try:
        return access.get_item(actor, unit, item_id)
    except Http404:
        raise ValidationError({"item_id": _("There is no such incoming item.")}) from None


def item_id_field(exc: ValidationError) -> ValidationError:
    """The services call the item ``item``; the API's field is ``item_id``."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {("item_id" if k == "item" else k): v for k, v in exc.error_dict.items()}
    )
