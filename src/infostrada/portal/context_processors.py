from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from infostrada.accounts import permissions
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import Kind


def _region_unit() -> Unit | None:
    return Unit.objects.active().filter(kind=Kind.WOJEWODZTWO).only("slug").first()


def portal(request: HttpRequest) -> dict[str, Any]:
    """What every page's shell needs, evaluated only if the page uses it.

    ``workbench_units`` feeds the unit switcher; ``region_unit`` gives pages
    that belong to no unit (login, the workbench entry) the accessibility
    statement of the platform's operator, the voivodeship, in their footer.
    """
    context: dict[str, Any] = {"region_unit": _region_unit}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "kind", "") != "official":
        context["workbench_units"] = ()
    else:
        context["workbench_units"] = lambda: permissions.workbench_units(user)
    return context
