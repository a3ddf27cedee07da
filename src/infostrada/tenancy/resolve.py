"""Resolving the unit of a request: from the URL, the API path or the host."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from infostrada.tenancy.models import Unit


def unit_from_slug(slug: str) -> Unit:
    """The active unit with this slug; 404 for an unknown one."""
    unit = Unit.objects.filter(slug=slug, is_active=True).select_related("parent").first()
    if unit is None:
        raise Http404("unknown unit")
    return unit


def request_unit(request: HttpRequest, unit_slug: str | None) -> Unit:
    """The unit named in the URL, or the unit whose own host serves the request."""
    host_unit = getattr(request, "host_unit", None)
    if unit_slug is None:
        if host_unit is None:
            raise Http404("no unit")
        return host_unit
    return unit_from_slug(unit_slug)
