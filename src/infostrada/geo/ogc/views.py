"""The Django adapter of the OGC handlers: HttpRequest in, HttpResponse out, nothing else.

Every view is public (it serves only public layers of active units) and
answers GET and HEAD. Responses carry ``Access-Control-Allow-Origin: *``:
the data is public and web maps of other sites read it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from infostrada.accounts.access import public
from infostrada.geo.ogc import features, landing, openapi, tiles, wms
from infostrada.geo.ogc.common import (
    OgcError,
    OgcRequest,
    OgcResponse,
    bad_request,
    error_response,
    not_found,
)

Handler = Callable[..., OgcResponse]


def ogc_request(request: HttpRequest) -> OgcRequest:
    return OgcRequest(
        base_url=request.build_absolute_uri(reverse("ogc:landing")),
        params={key: request.GET.getlist(key) for key in request.GET},
        accept=request.headers.get("Accept", ""),
        if_none_match=request.headers.get("If-None-Match", ""),
    )


def to_django(
    request: HttpRequest, response: OgcResponse, *, negotiated: bool = False
) -> HttpResponse:
    if response.template is not None:
        out = render(request, response.template, response.context or {}, status=response.status)
    else:
        out = HttpResponse(
            response.body, status=response.status, content_type=response.content_type
        )
    for name, value in response.headers.items():
        out[name] = value
    if response.status in (204, 304):
        del out["Content-Type"]
    out["Access-Control-Allow-Origin"] = "*"
    if negotiated:
        patch_vary_headers(out, ["Accept"])
    return out


def adapt(handler: Handler, *, negotiated: bool = True) -> Callable[..., HttpResponse]:
    """A public GET view that calls ``handler(OgcRequest, **path_arguments)``."""

    @wraps(handler)
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            response = handler(ogc_request(request), **kwargs)
        except OgcError as error:
            response = error_response(error)
        return to_django(request, response, negotiated=negotiated)

    return public(require_safe(view))


def _tile(
    request: OgcRequest, collection_id: str, tile_matrix_set_id: str, z: str, x: str, y: str
) -> OgcResponse:
    """Path segments to numbers: a non-number is a bad request, a negative one no tile."""
    for suffix in (".mvt", ".pbf"):
        y = y.removesuffix(suffix)
    numbers = []
    for name, value in (("z", z), ("x", x), ("y", y)):
        try:
            numbers.append(int(value))
        except ValueError:
            raise bad_request(
                _("Tile coordinate %(name)s must be a whole number, not %(value)r.")
                % {"name": name, "value": value}
            ) from None
    if any(n < 0 for n in numbers):
        raise not_found(_("Tile coordinates are never negative."))
    return tiles.tile(request, collection_id, tile_matrix_set_id, *numbers)


landing_page = adapt(landing.landing)
conformance = adapt(landing.conformance)
api = adapt(openapi.api, negotiated=False)
collections = adapt(landing.collections)
collection = adapt(landing.collection)
queryables = adapt(landing.queryables, negotiated=False)
items = adapt(features.items)
item = adapt(features.item)
tile_matrix_sets = adapt(tiles.tile_matrix_sets, negotiated=False)
tile_matrix_set = adapt(tiles.tile_matrix_set, negotiated=False)
tilesets = adapt(tiles.tilesets, negotiated=False)
tileset = adapt(tiles.tileset, negotiated=False)
tile = adapt(_tile, negotiated=False)
wms_service = adapt(wms.dispatch, negotiated=False)
