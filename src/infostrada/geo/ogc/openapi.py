"""The OpenAPI 3.0 definition of the OGC endpoints (``/ogc/api``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from infostrada.geo.ogc.common import (
    GEOJSON,
    HTML,
    JSON,
    MVT,
    OPENAPI,
    OgcRequest,
    OgcResponse,
    json_response,
)
from infostrada.geo.ogc.features import DEFAULT_LIMIT, FEATURE_CRS, MAX_LIMIT
from infostrada.geo.ogc.tiles import MAX_ZOOM


def _param(
    name: str, where: str, description: str, schema: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {"name": name, "in": where, "description": description, "schema": schema, **extra}


def _ok(description: str, *types: str) -> dict[str, Any]:
    return {"description": description, "content": {t: {} for t in types}}


ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}


def document(request: OgcRequest) -> dict[str, Any]:
    collection_id = _param(
        "collectionId",
        "path",
        _("Collection name: <unit>.<layer>, e.g. lubicz.dzialki"),
        {"type": "string"},
        required=True,
    )
    f = _param("f", "query", _("Response format"), {"type": "string", "enum": ["json", "html"]})
    crs = _param(
        "crs",
        "query",
        _("CRS of the geometries in the response"),
        {"type": "string", "enum": FEATURE_CRS},
    )
    tms = _param(
        "tileMatrixSetId",
        "path",
        _("Tile matrix set"),
        {"type": "string", "enum": ["WebMercatorQuad"]},
        required=True,
    )
    paths: dict[str, Any] = {
        "/": {
            "get": {
                "summary": _("Landing page"),
                "operationId": "getLandingPage",
                "parameters": [f],
                "responses": {"200": _ok(_("Landing page"), JSON, HTML), **ERRORS},
            }
        },
        "/conformance": {
            "get": {
                "summary": _("Conformance classes"),
                "operationId": "getConformance",
                "parameters": [f],
                "responses": {"200": _ok(_("Conformance classes"), JSON, HTML)},
            }
        },
        "/api": {
            "get": {
                "summary": _("This API definition"),
                "operationId": "getApi",
                "responses": {"200": _ok(_("OpenAPI 3.0"), OPENAPI)},
            }
        },
        "/collections": {
            "get": {
                "summary": _("Collections"),
                "operationId": "getCollections",
                "parameters": [
                    f,
                    _param(
                        "unit",
                        "query",
                        _("Only the collections of this unit (its slug)"),
                        {"type": "string"},
                    ),
                ],
                "responses": {"200": _ok(_("Collections"), JSON, HTML), **ERRORS},
            }
        },
        "/collections/{collectionId}": {
            "get": {
                "summary": _("One collection"),
                "operationId": "describeCollection",
                "parameters": [collection_id, f],
                "responses": {"200": _ok(_("Collection"), JSON, HTML), **ERRORS},
            }
        },
        "/collections/{collectionId}/queryables": {
            "get": {
                "summary": _("Attributes to filter by"),
                "operationId": "getQueryables",
                "parameters": [collection_id],
                "responses": {"200": _ok(_("JSON Schema"), "application/schema+json"), **ERRORS},
            }
        },
        "/collections/{collectionId}/items": {
            "get": {
                "summary": _("Features of a collection"),
                "operationId": "getFeatures",
                "description": _(
                    "Any attribute of the collection (see queryables) filters by equality, "
                    "e.g. ?symbol=1MN."
                ),
                "parameters": [
                    collection_id,
                    f,
                    crs,
                    _param(
                        "bbox",
                        "query",
                        _("minimum and maximum of each axis, in the axis order of bbox-crs"),
                        {
                            "type": "array",
                            "items": {"type": "number"},
                            "minItems": 4,
                            "maxItems": 6,
                        },
                        style="form",
                        explode=False,
                    ),
                    _param(
                        "bbox-crs",
                        "query",
                        _("CRS of bbox (CRS84 by default)"),
                        {"type": "string", "enum": FEATURE_CRS},
                    ),
                    _param(
                        "limit",
                        "query",
                        _("Features per page"),
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_LIMIT,
                            "default": DEFAULT_LIMIT,
                        },
                    ),
                    _param(
                        "cursor",
                        "query",
                        _("Continue after this feature (from the next link)"),
                        {"type": "integer", "minimum": 0},
                    ),
                    _param(
                        "offset",
                        "query",
                        _("Skip this many features (the next link is faster)"),
                        {"type": "integer", "minimum": 0, "maximum": 10000},
                    ),
                    _param(
                        "datetime",
                        "query",
                        _(
                            "An RFC 3339 date-time or date, or an interval of them (.. for an "
                            "open end); checked, but the layers have no time dimension"
                        ),
                        {"type": "string"},
                    ),
                ],
                "responses": {"200": _ok(_("A page of features"), GEOJSON, HTML), **ERRORS},
            }
        },
        "/collections/{collectionId}/items/{featureId}": {
            "get": {
                "summary": _("One feature"),
                "operationId": "getFeature",
                "parameters": [
                    collection_id,
                    _param(
                        "featureId",
                        "path",
                        _("Feature identifier"),
                        {"type": "string"},
                        required=True,
                    ),
                    f,
                    crs,
                ],
                "responses": {"200": _ok(_("A feature"), GEOJSON, HTML), **ERRORS},
            }
        },
        "/tileMatrixSets": {
            "get": {
                "summary": _("Tile matrix sets"),
                "operationId": "getTileMatrixSets",
                "responses": {"200": _ok(_("Tile matrix sets"), JSON)},
            }
        },
        "/tileMatrixSets/{tileMatrixSetId}": {
            "get": {
                "summary": _("A tile matrix set"),
                "operationId": "getTileMatrixSet",
                "parameters": [tms],
                "responses": {"200": _ok(_("Tile matrix set"), JSON), **ERRORS},
            }
        },
        "/collections/{collectionId}/tiles": {
            "get": {
                "summary": _("Vector tilesets of a collection"),
                "operationId": "getTilesets",
                "parameters": [collection_id],
                "responses": {"200": _ok(_("Tilesets"), JSON), **ERRORS},
            }
        },
        "/collections/{collectionId}/tiles/{tileMatrixSetId}": {
            "get": {
                "summary": _("A vector tileset"),
                "operationId": "getTileset",
                "parameters": [collection_id, tms],
                "responses": {"200": _ok(_("Tileset"), JSON), **ERRORS},
            }
        },
        "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileCol}/{tileRow}": {
            "get": {
                "summary": _("A vector tile (Mapbox Vector Tile)"),
                "operationId": "getTile",
                "parameters": [
                    collection_id,
                    tms,
                    _param(
                        "tileMatrix",
                        "path",
                        _("Zoom level"),
                        {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM},
                        required=True,
                    ),
                    _param(
                        "tileCol",
                        "path",
                        _("Column (x)"),
                        {"type": "integer", "minimum": 0},
                        required=True,
                    ),
                    _param(
                        "tileRow",
                        "path",
                        _("Row (y), from the top"),
                        {"type": "integer", "minimum": 0},
                        required=True,
                    ),
                ],
                "responses": {
                    "200": _ok(_("A tile"), MVT),
                    "204": {"description": _("An empty tile")},
                    "304": {"description": _("Not modified (ETag)")},
                    **ERRORS,
                },
            }
        },
        "/wms": {
            "get": {
                "summary": _(
                    "Web Map Service 1.3.0: GetCapabilities, GetMap, GetFeatureInfo, "
                    "GetLegendGraphic"
                ),
                "operationId": "wms",
                "parameters": [
                    _param("SERVICE", "query", "WMS", {"type": "string", "enum": ["WMS"]}),
                    _param(
                        "REQUEST",
                        "query",
                        _("Operation"),
                        {
                            "type": "string",
                            "enum": [
                                "GetCapabilities",
                                "GetMap",
                                "GetFeatureInfo",
                                "GetLegendGraphic",
                            ],
                        },
                        required=True,
                    ),
                ],
                "responses": {
                    "200": _ok(
                        _("Capabilities, a map, feature information or a legend"),
                        "text/xml",
                        "image/png",
                        "application/json",
                        "text/html",
                        "text/plain",
                    ),
                    "400": {
                        "description": _("Service exception report"),
                        "content": {"text/xml": {}},
                    },
                },
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("Infostrada geoportal: OGC API"),
            "version": "1.0.0",
            "description": _(
                "OGC API - Features (Part 1 and 2), OGC API - Tiles (vector tiles) and WMS 1.3.0."
            ),
            "license": {"name": "EUPL-1.2"},
        },
        "servers": [{"url": request.base_url.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
                }
            },
            "responses": {
                "BadRequest": {
                    "description": _("Bad request"),
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}},
                },
                "NotFound": {
                    "description": _("Not found"),
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}},
                },
            },
        },
    }


def api(request: OgcRequest) -> OgcResponse:
    return json_response(document(request), content_type=OPENAPI)
