"""The geoportal pages of a unit: map viewer, parcel search, parcel pages, map prints.

Every page works without JavaScript: the viewer is first an HTML page with
the search form, the list of layers with their legends (a GET form choosing
what is shown) and the print form and download links; the script (static
``geo/geoportal.js``, Leaflet from django-leaflet's static files, nothing from
a CDN) turns it into a map over the same URLs. What the map shows and the
permalink parameters: geo.viewer. Views only parse, call and render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from infostrada.accounts.access import public
from infostrada.geo import facts as geo_facts
from infostrada.geo.crs import bbox_from_storage, transformer
from infostrada.geo.identifiers import IdentifierError, parse_parcel_id
from infostrada.geo.models import Feature
from infostrada.geo.print import PrintError, parse_request, render_pdf
from infostrada.geo.public import zoning_extract_url
from infostrada.geo.search import (
    MAX_QUERY,
    SearchResult,
    identifier_from_url,
    search_parcels,
    url_identifier,
)
from infostrada.geo.viewer import (
    WMS_PATH,
    MapState,
    base_maps,
    chosen_units,
    descendants,
    float_param,
    initial_bounds,
    lonlat_geometry,
    map_state,
    names_param,
    parcel_map_png,
    print_bbox,
)
from infostrada.tenancy.models import Unit
from infostrada.tenancy.resolve import request_unit

INFO_RADIUS_MAX = 200.0


def _parcel_url(unit_slug: str, identifier: str) -> str:
    return reverse(
        "geoportal:parcel",
        kwargs={"unit_slug": unit_slug, "identifier": url_identifier(identifier)},
    )


def _viewer_url(unit: Unit, **params: str) -> str:
    url = reverse("geoportal:viewer", kwargs={"unit_slug": unit.slug})
    return f"{url}?{urlencode(params)}" if params else url


def _ogc_items_url(name: str, **params: str) -> str:
    return f"{get_script_prefix()}ogc/collections/{name}/items?" + urlencode(
        {**params, "f": "json"}
    )


def _common(unit: Unit, units: list[Unit]) -> dict[str, Any]:
    """What every geoportal page's template needs."""
    teryt = unit.teryt or ""
    example = f"{teryt[:6]}_{teryt[6]}.0001.123/4" if len(teryt) == 7 else "041504_2.0001.123/4"
    return {
        "unit": unit,
        "footer_unit": unit,
        "unit_slugs": ",".join(u.slug for u in units),
        "id_example": example,
    }


def _without_unit(unit: Unit, state: MapState, gone: Unit) -> str:
    others = [u.slug for u in state.units if u.pk != gone.pk]
    return _viewer_url(unit, units=",".join(others)) if others else _viewer_url(unit)


# -- the pages ----------------------------------------------------------------


@public
@require_safe
def viewer(request: HttpRequest, unit_slug: str | None = None) -> HttpResponse:
    unit = request_unit(request, unit_slug)
    state = map_state(request.GET, unit)
    highlight = None
    parcel_text = request.GET.get("parcel", "")[:60]
    if parcel_text:
        highlight = _highlight(unit, state, parcel_text)
    bounds = highlight["bounds"] if highlight else initial_bounds(state)
    config = {
        "wms": f"{get_script_prefix()}{WMS_PATH}",
        "layers": [
            {
                "name": m.name,
                "title": m.layer.title,
                "visible": m.visible,
                "attribution": m.layer.attribution,
            }
            for m in state.layers
        ],
        "baseMaps": base_maps(),
        "base": state.base,
        "view": list(state.view) if state.view else None,
        "bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]],
        "units": [u.slug for u in state.units],
        "highlight": highlight,
        "searchUrl": reverse("geoportal:search_json", kwargs={"unit_slug": unit.slug}),
        "infoUrl": reverse("geoportal:info", kwargs={"unit_slug": unit.slug}),
        "extractUrl": zoning_extract_url(unit),
        "i18n": _script_texts(),
    }
    return render(
        request,
        "geo/portal/viewer.html",
        {
            **_common(unit, state.units),
            "state": state,
            "config": config,
            "print_bbox": print_bbox(state, bounds),
            "visible_names": ",".join(m.name for m in state.layers if m.visible),
            "unit_links": [(u, _without_unit(unit, state, u)) for u in state.units],
            "downloads": [
                (m, _ogc_items_url(m.name, bbox=",".join(f"{v:.6f}" for v in bounds)))
                for m in reversed(state.layers)
            ],
            "base_maps": config["baseMaps"],
            "extract_url": config["extractUrl"],
            "extract_parcel_url": zoning_extract_url(unit, highlight["identifier"])
            if highlight
            else None,
        },
    )


def _highlight(unit: Unit, state: MapState, text: str) -> dict[str, Any] | None:
    try:
        identifier = str(parse_parcel_id(text.replace("-", "/") if "/" not in text else text))
    except IdentifierError:
        return None
    for owner in [unit, *state.units]:
        parcel = geo_facts.public_parcel(owner, identifier)
        if parcel is not None:
            feature = parcel.feature
            box = bbox_from_storage(
                (feature.minx, feature.miny, feature.maxx, feature.maxy), "EPSG:4326"
            )
            return {
                "identifier": identifier,
                "url": _parcel_url(owner.slug, identifier),
                "geometry": lonlat_geometry(feature.geom),
                "bounds": box,
            }
    return None


def _script_texts() -> dict[str, str]:
    return {
        "map": _("Map"),
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "noBase": _("No base map"),
        "found": _("Parcels found: %(n)s."),
        "foundNone": _("No parcel matches."),
        "searchFailed": _("The search failed. Try again."),
        "showOnMap": _("Show on the map"),
        "parcelPage": _("Parcel %(id)s"),
        "infoNone": _("Nothing of the shown layers here."),
        "infoFailed": _("The information could not be read. Try again."),
        "infoHeading": _("At this point"),
        "distance": _("Distance: %(value)s"),
        "area": _("Area: %(value)s (perimeter %(perimeter)s)"),
        "points": _("Points: %(n)s."),
        "measureStart": _(
            "Measuring. Click the map or use “Add point at map centre”; Escape ends."
        ),
        "measureEnd": _("Measuring ended."),
        "plan": _("plan"),
        "notInForce": _("not in force"),
        "linkCopied": _("The link to this view is in the address bar."),
        "extractFor": _("Request a zoning extract for parcel %(id)s"),
        "extractAny": _("Request a zoning extract (wypis i wyrys)"),
    }


@public
@require_safe
def search(request: HttpRequest, unit_slug: str | None = None) -> HttpResponse:
    unit = request_unit(request, unit_slug)
    units = chosen_units(request.GET, unit)
    query = request.GET.get("q", "")[:MAX_QUERY]
    result = _search(unit, units, query) if query.strip() else None
    hits = []
    if result is not None:
        for hit in result.hits:
            extra = [u.slug for u in units]
            if hit.unit_id != unit.pk and hit.unit_slug not in extra:
                extra.append(hit.unit_slug)
            hits.append(
                {
                    "hit": hit,
                    "url": _parcel_url(hit.unit_slug, hit.identifier),
                    "map_url": _viewer_url(
                        unit,
                        parcel=hit.identifier,
                        **({"units": ",".join(extra)} if extra else {}),
                    ),
                }
            )
    return render(
        request,
        "geo/portal/search.html",
        {**_common(unit, units), "query": query, "result": result, "hits": hits},
    )


def _search(unit: Unit, units: list[Unit], query: str) -> SearchResult:
    return search_parcels(query, units=[unit, *units], region=descendants(unit))


@public
@require_safe
def search_json(request: HttpRequest, unit_slug: str | None = None) -> JsonResponse:
    unit = request_unit(request, unit_slug)
    units = chosen_units(request.GET, unit)
    query = request.GET.get("q", "")[:MAX_QUERY]
    if not query.strip():
        return _problem(_("Type a parcel identifier, a precinct and parcel number, or an address."))
    result = _search(unit, units, query)
    geoms = (
        dict(
            Feature.objects.filter(
                unit_id__in={h.unit_id for h in result.hits},
                pk__in=[h.feature_id for h in result.hits],
            ).values_list("pk", "geom")
        )
        if result.hits
        else {}
    )
    results = []
    for hit in result.hits:
        west, south, east, north = bbox_from_storage(hit.bbox, "EPSG:4326")
        results.append(
            {
                "identifier": hit.identifier,
                "precinct": hit.precinct,
                "precinctName": hit.precinct_name,
                "number": hit.number,
                "address": hit.address,
                "matched": hit.matched,
                "url": _parcel_url(hit.unit_slug, hit.identifier),
                "bounds": [[south, west], [north, east]],
                "geometry": lonlat_geometry(geoms[hit.feature_id])
                if hit.feature_id in geoms
                else None,
            }
        )
    return JsonResponse(
        {
            "query": result.query,
            "count": len(results),
            "more": result.more,
            "problem": result.problem,
            "results": results,
        }
    )


@public
@require_safe
def info_json(request: HttpRequest, unit_slug: str | None = None) -> JsonResponse:
    """What the shown layers hold at a point (the map's "click for information")."""
    unit = request_unit(request, unit_slug)
    state = map_state(request.GET, unit)
    lat, lon = float_param(request.GET.get("lat")), float_param(request.GET.get("lon"))
    if lat is None or lon is None or not (48 <= lat <= 56 and 13 <= lon <= 25):
        return _problem(_("Give the point as lat and lon in degrees, inside Poland."))
    radius = float_param(request.GET.get("radius")) or 3.0
    radius = min(max(radius, 0.0), INFO_RADIUS_MAX)
    x, y = transformer("EPSG:4326", "EPSG:2180").transform(lon, lat)
    layers = list(reversed(state.visible))  # the top layer answers first
    found = geo_facts.features_at(layers, x, y, radius=radius)
    slug_of = {m.layer.pk: m.layer.unit.slug for m in state.layers}
    name_of = {m.layer.pk: m.name for m in state.layers}
    return JsonResponse(
        {
            "lat": lat,
            "lon": lon,
            "features": [
                {
                    "layer": name_of[f.layer.pk],
                    "layerTitle": f.layer.title,
                    "fid": f.fid,
                    "attributes": [[a.title, a.value] for a in f.attributes],
                    "parcel": {
                        "identifier": f.parcel,
                        "url": _parcel_url(slug_of[f.layer.pk], f.parcel),
                    }
                    if f.parcel
                    else None,
                    "zone": {
                        "symbol": f.zone.symbol,
                        "designation": f.zone.designation,
                        "plan": f.zone.plan.title,
                        "inForce": f.zone.plan.in_force,
                    }
                    if f.zone
                    else None,
                }
                for f in found
            ],
        }
    )


@public
@require_safe
def print_pdf(request: HttpRequest, unit_slug: str | None = None) -> HttpResponse:
    unit = request_unit(request, unit_slug)
    state = map_state(request.GET, unit)
    try:
        names = names_param(request.GET, "layers")
        available = state.by_name
        unknown = [n for n in names or [] if n not in available]
        if unknown:
            raise PrintError(_("Unknown layer: %(name)s.") % {"name": unknown[0][:80]})
        chosen = [m.layer for m in state.layers if (m.name in names if names else m.visible)]
        job = parse_request(request.GET, available=available, layers=chosen)
    except PrintError as exc:
        return render(
            request,
            "geo/portal/error.html",
            {
                "unit": unit,
                "footer_unit": unit,
                "title": _("The map cannot be printed"),
                "message": str(exc),
                "back": _viewer_url(unit),
            },
            status=400,
        )
    today = timezone.localdate()
    pdf = render_pdf(job, unit_name=unit.official_name, today=today)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mapa-{unit.slug}-{today:%Y-%m-%d}.pdf"'
    return response


@public
@require_safe
def parcel(request: HttpRequest, identifier: str, unit_slug: str | None = None) -> HttpResponse:
    unit = request_unit(request, unit_slug)
    found = _parcel_or_404(request, unit, identifier)
    if isinstance(found, HttpResponse):
        return found
    facts = geo_facts.parcel_facts(unit, found)
    layer_name = f"{unit.slug}.{facts.layer.slug}"
    box = bbox_from_storage(facts.geometry.bounds, "EPSG:4326")
    return render(
        request,
        "geo/portal/parcel.html",
        {
            "unit": unit,
            "footer_unit": unit,
            "facts": facts,
            "parcel": found,
            "map_png": reverse(
                "geoportal:parcel_map",
                kwargs={"unit_slug": unit.slug, "identifier": url_identifier(found.identifier)},
            ),
            "viewer_url": _viewer_url(unit, parcel=found.identifier),
            "extract_url": zoning_extract_url(unit, found.identifier),
            "ogc_item": f"{get_script_prefix()}ogc/collections/{layer_name}/items/"
            f"{quote(found.feature.fid, safe='/')}?f=json",
            "ogc_bbox": _ogc_items_url(layer_name, bbox=",".join(f"{v:.7f}" for v in box)),
        },
    )


@public
@require_safe
def parcel_map(request: HttpRequest, identifier: str, unit_slug: str | None = None) -> HttpResponse:
    """A small map of the parcel and its neighbourhood, the parcel outlined."""
    unit = request_unit(request, unit_slug)
    found = _parcel_or_404(request, unit, identifier)
    if isinstance(found, HttpResponse):
        return found
    response = HttpResponse(parcel_map_png(unit, found.feature.geometry), content_type="image/png")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _parcel_or_404(request: HttpRequest, unit: Unit, identifier: str) -> Any:
    try:
        register_id = identifier_from_url(identifier)
    except IdentifierError:
        message = _(
            "“%(value)s” is not a parcel identifier. An identifier looks like "
            "041504_2.0001.123-4 (TERC code, precinct number, parcel number; "
            "“-” stands for “/” in addresses)."
        ) % {"value": identifier[:60]}
        return _not_found(request, unit, message)
    found = geo_facts.public_parcel(unit, register_id)
    if found is None:
        message = _("There is no parcel %(identifier)s in the register of %(unit)s.") % {
            "identifier": register_id,
            "unit": unit.official_name,
        }
        return _not_found(request, unit, message)
    return found


def _not_found(request: HttpRequest, unit: Unit, message: str) -> HttpResponse:
    return render(
        request,
        "geo/portal/error.html",
        {
            "unit": unit,
            "footer_unit": unit,
            "title": _("Parcel not found"),
            "message": message,
            "back": reverse("geoportal:search", kwargs={"unit_slug": unit.slug}),
        },
        status=404,
    )


def _problem(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": _("Bad request"), "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )
