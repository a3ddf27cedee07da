"""OGC API documents about the service: landing page, conformance, collections, queryables."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from infostrada.geo.crs import CRS84
from infostrada.geo.ogc.catalog import STORAGE_CRS, Collection, get_collection, public_collections
from infostrada.geo.ogc.common import (
    GEOJSON,
    HTML,
    JSON,
    MVT,
    OPENAPI,
    OgcRequest,
    OgcResponse,
    bad_request,
    html_response,
    json_response,
    link,
    quote_id,
    wants_html,
)
from infostrada.geo.ogc.features import FEATURE_CRS

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/landing-page",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
]
TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"


def _only(request: OgcRequest, *allowed: str) -> None:
    for key in request.params:
        if key not in allowed:
            raise bad_request(_("Unknown parameter %(name)s.") % {"name": key})


def _alternates(request: OgcRequest, path: str, json_type: str = JSON) -> list[dict[str, Any]]:
    html = wants_html(request)
    json_link = link(
        request.url(path, {"f": "json"}), "alternate" if html else "self", json_type, "JSON"
    )
    html_link = link(
        request.url(path, {"f": "html"}), "self" if html else "alternate", HTML, "HTML"
    )
    return [json_link, html_link]


def landing(request: OgcRequest) -> OgcResponse:
    _only(request, "f")
    links = [
        *_alternates(request, ""),
        link(request.url("api"), "service-desc", OPENAPI, _("API definition (OpenAPI 3)")),
        link(request.url("conformance"), "conformance", JSON, _("Conformance classes")),
        link(request.url("collections"), "data", JSON, _("Collections")),
        link(
            request.url("tileMatrixSets"),
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
            JSON,
            _("Tile matrix sets"),
        ),
        link(
            request.url(
                "wms", {"service": "WMS", "request": "GetCapabilities", "version": "1.3.0"}
            ),
            "service",
            "text/xml",
            _("Web Map Service (WMS 1.3.0)"),
        ),
    ]
    data = {
        "title": _("Infostrada geoportal: spatial data of the region"),
        "description": _(
            "Public spatial data of the local government units of the region: "
            "OGC API - Features, vector tiles and a Web Map Service."
        ),
        "links": links,
    }
    if wants_html(request):
        return html_response("geo/ogc/landing.html", {**data, "collections": public_collections()})
    return json_response(data)


def conformance(request: OgcRequest) -> OgcResponse:
    _only(request, "f")
    if wants_html(request):
        return html_response("geo/ogc/conformance.html", {"conforms_to": CONFORMANCE})
    return json_response({"conformsTo": CONFORMANCE})


def collection_document(request: OgcRequest, collection: Collection) -> dict[str, Any]:
    """The description of one collection (Part 1 + Part 2 members), as JSON data."""
    path = f"collections/{quote_id(collection.id)}"
    layer = collection.layer
    data: dict[str, Any] = {
        "id": collection.id,
        "title": collection.title,
        "description": layer.description,
        "itemType": "feature",
        "crs": FEATURE_CRS,
        "storageCrs": STORAGE_CRS,
        "links": [
            link(request.url(path), "self", JSON, collection.title),
            link(request.url(path, {"f": "html"}), "alternate", HTML, collection.title),
            link(request.url(f"{path}/items"), "items", GEOJSON, _("Features")),
            link(request.url(f"{path}/items", {"f": "html"}), "items", HTML, _("Features")),
            link(
                request.url(f"{path}/queryables"),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                _("Attributes to filter by"),
            ),
            link(request.url(f"{path}/tiles"), TILESETS_VECTOR, JSON, _("Vector tiles")),
            link(
                request.url(f"{path}/tiles/WebMercatorQuad/{{tileMatrix}}/{{tileCol}}/{{tileRow}}"),
                "item",
                MVT,
                _("Vector tiles (z/x/y)"),
                templated=True,
            ),
        ],
        "unit": layer.unit.slug,
        "regional": layer.is_regional,
        "kind": layer.kind,
    }
    if layer.attribution:
        data["attribution"] = layer.attribution
    extent = collection.extent_in("OGC:CRS84")
    if extent is not None:
        data["extent"] = {"spatial": {"bbox": [list(extent)], "crs": CRS84}}
    return data


def collections(request: OgcRequest) -> OgcResponse:
    _only(request, "f", "unit")
    unit = request.get("unit") or None
    found = public_collections(unit)
    documents = [collection_document(request, c) for c in found]
    params = {"unit": unit} if unit else {}
    data = {
        "links": [
            link(
                request.url("collections", {**params, "f": "json"}), "self", JSON, _("Collections")
            ),
            link(
                request.url("collections", {**params, "f": "html"}),
                "alternate",
                HTML,
                _("Collections"),
            ),
        ],
        "collections": documents,
        "crs": FEATURE_CRS,
    }
    if wants_html(request):
        return html_response(
            "geo/ogc/collections.html",
            {
                "collections": list(zip(found, documents, strict=True)),
                "unit_filter": unit,
                "links": data["links"],
            },
        )
    return json_response(data)


def collection(request: OgcRequest, collection_id: str) -> OgcResponse:
    _only(request, "f")
    found = get_collection(collection_id)
    data = collection_document(request, found)
    if wants_html(request):
        return html_response(
            "geo/ogc/collection.html",
            {"collection": found, "document": data, "links": data["links"]},
        )
    return json_response(data)


def queryables(request: OgcRequest, collection_id: str) -> OgcResponse:
    """The attributes that ``?name=value`` filters by, as a JSON Schema (Part 3 style)."""
    _only(request, "f")
    found = get_collection(collection_id)
    types = {
        "integer": "integer",
        "int": "integer",
        "number": "number",
        "float": "number",
        "boolean": "boolean",
        "bool": "boolean",
    }
    properties = {
        a["name"]: {
            "title": a.get("title") or a["name"],
            "type": types.get(str(a.get("type")), "string"),
        }
        for a in found.schema
    }
    data = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": request.url(f"collections/{quote_id(found.id)}/queryables"),
        "type": "object",
        "title": found.title,
        "properties": properties,
        "additionalProperties": False,
    }
    return json_response(data, content_type="application/schema+json")
