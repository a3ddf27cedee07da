"""How a view is reached: every view of the platform declares one access kind.

``public`` views show only what is public; ``workbench`` views act inside one
unit for an official who holds a role there. The tenant-isolation test walks
every URL pattern and fails for a view that declares nothing, so a new
endpoint cannot skip the decision.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from infostrada.accounts import permissions
from infostrada.accounts.roles import WORKBENCH
from infostrada.accounts.services import actor_for_user, second_factor_satisfied
from infostrada.tenancy.resolve import request_unit

ACCESS_ATTR = "infostrada_access"


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page anyone may see; it shows only public data."""
    setattr(view, ACCESS_ATTR, "public")
    return view


def account(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page about the visitor's own account (login, password, second factor)."""
    setattr(view, ACCESS_ATTR, "account")
    return view


def official(perm: str = WORKBENCH, *, unit: bool = True) -> Callable[..., Any]:
    """A workbench view: logged-in official, second factor where needed, ``perm`` in the unit.

    With ``unit`` the view gets ``request.unit`` from the ``unit_slug`` URL
    argument. A unit where the official holds no role answers 404, exactly as
    an unknown unit does, so the workbench does not reveal other units.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(user, "kind", None) != "official":
                raise PermissionDenied("officials only")
            if not second_factor_satisfied(user):
                return redirect(
                    "accounts:otp_verify" if _has_device(user) else "accounts:totp_setup"
                )
            request.actor = actor_for_user(user)  # type: ignore[attr-defined]
            if unit:
                the_unit = request_unit(request, kwargs.pop("unit_slug", None))
                if not permissions.has_perm(user, WORKBENCH, the_unit):
                    raise Http404("not a unit of this official")
                if not permissions.has_perm(user, perm, the_unit):
                    raise PermissionDenied(perm)
                request.unit = the_unit  # type: ignore[attr-defined]
                if request.session.get("workbench_unit") != the_unit.slug:
                    request.session["workbench_unit"] = the_unit.slug
            return view(request, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, "workbench")
        return wrapper

    return decorate


def _has_device(user: Any) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def workbench_context(request: HttpRequest, nav: str) -> dict[str, Any]:
    """What the workbench frame needs on every page of a unit."""
    unit = request.unit  # type: ignore[attr-defined]
    return {"unit": unit, "nav": nav, "perms": permissions.permissions_in(request.user, unit)}
