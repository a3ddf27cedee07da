"""The public portal shell and the officials' workbench frame."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from infostrada.accounts import permissions
from infostrada.accounts.access import official, public, workbench_context
from infostrada.accounts.roles import Role
from infostrada.portal.models import AccessibilityStatement
from infostrada.portal.products import products_of
from infostrada.tenancy.models import Unit
from infostrada.tenancy.resolve import request_unit
from infostrada.tenancy.teryt import Kind, polish_sort_key

MAX_QUERY = 100


def by_official_name(units: Iterable[Unit]) -> list[Unit]:
    """Units in Polish alphabetical order of the names shown in lists."""
    return sorted(units, key=lambda u: polish_sort_key(u.official_name))


@public
def home(request: HttpRequest) -> HttpResponse:
    """The regional home page: find your unit by name or TERC code."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    region = Unit.objects.filter(kind=Kind.WOJEWODZTWO, is_active=True).first()
    results = None
    if query:
        results = list(
            Unit.objects.active().search(query).select_related("parent").order_by("teryt")[:50]
        )
    powiaty = by_official_name(
        Unit.objects.active()
        .filter(kind__in=[Kind.POWIAT, Kind.CITY_WITH_POWIAT_RIGHTS])
        .only("slug", "name", "official_name", "kind")
    )
    partners = by_official_name(Unit.objects.active().filter(kind=Kind.PARTNER))
    return render(
        request,
        "portal/home.html",
        {
            "region": region,
            "query": query,
            "results": results,
            "powiaty": powiaty,
            "partners": partners,
            "footer_unit": region,
        },
    )


@public
def unit_home(request: HttpRequest, unit_slug: str | None = None) -> HttpResponse:
    unit = request_unit(request, unit_slug)
    children = (
        by_official_name(Unit.objects.active().filter(parent=unit))
        if unit.kind in (Kind.WOJEWODZTWO, Kind.POWIAT)
        else []
    )
    return render(
        request,
        "portal/unit_home.html",
        {
            "unit": unit,
            "children": children,
            "products": products_of(unit),
            "footer_unit": unit,
        },
    )


@public
def accessibility(request: HttpRequest, unit_slug: str | None = None) -> HttpResponse:
    """Deklaracja dostępności in the structure of the national specification."""
    unit = request_unit(request, unit_slug)
    statement = AccessibilityStatement.objects.for_unit(
        unit
    ).first() or AccessibilityStatement.default_for(unit)
    return render(
        request,
        "portal/accessibility.html",
        {
            "unit": unit,
            "statement": statement,
            "footer_unit": unit,
            "site_url": request.build_absolute_uri(unit.get_absolute_url()),
        },
    )


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@public
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: browsers and feed readers ask for it whatever the page links.

    A permanent redirect to the hashed static file, which WhiteNoise serves
    with a far-future cache header.
    """
    return HttpResponsePermanentRedirect(static("portal/favicon.ico"))


@official(unit=False)
def workbench(request: HttpRequest) -> HttpResponse:
    """``/urzad/``: go to the last unit worked in, or choose one."""
    units = permissions.workbench_units(request.user)
    last = request.session.get("workbench_unit")
    if last and any(u.slug == last for u in units):
        return redirect("portal:workbench_unit", unit_slug=last)
    if len(units) == 1:
        return redirect("portal:workbench_unit", unit_slug=units[0].slug)
    return render(request, "portal/workbench_choose.html", {"units": units})


@official()
def workbench_unit(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    roles = permissions.roles_by_unit(request.user).get(unit.pk, set())
    return render(
        request,
        "portal/workbench_home.html",
        {
            **workbench_context(request, "home"),
            "role_labels": [Role(r).label for r in sorted(roles)],
        },
    )


@official(unit=False)
def workbench_switch(request: HttpRequest) -> HttpResponse:
    """The unit switcher's target (a plain GET form, so it works without JavaScript)."""
    slug = request.GET.get("unit", "")[:80]
    if any(u.slug == slug for u in permissions.workbench_units(request.user)):
        return redirect("portal:workbench_unit", unit_slug=slug)
    return redirect("portal:workbench")


@public
def bench_bare(request: HttpRequest) -> JsonResponse:
    """The benchmark ceiling: no database, no template (bench/README.md)."""
    return JsonResponse({"status": "ok"})
