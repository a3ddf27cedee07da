"""OGC API - Features: the items of a collection and one item (Part 1 Core, Part 2 CRS).

Reads go straight to ``geo.query`` (plain tuples, the spatial index, keyset
paging by feature id): one query for the layer, then one per chunk of
candidates. Paging is by cursor — the ``next`` link carries the id of the
last feature returned — so page 1,000 costs what page 1 costs and pages do
not shift when features are added meanwhile. Geometries of a page are
transformed and written in one vectorised call each.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import shapely
from django.db import connection
from django.utils.translation import gettext as _
from shapely import wkb
from shapely.prepared import prep

from infostrada.geo.crs import CRS84, SUPPORTED, CrsError, crs_code, transformer
from infostrada.geo.ogc.axes import STORAGE, Area, northing_first, query_area, to_xy
from infostrada.geo.ogc.catalog import Collection, get_collection
from infostrada.geo.ogc.common import (
    GEOJSON,
    HTML,
    OgcRequest,
    OgcResponse,
    bad_request,
    html_response,
    link,
    not_found,
    parse_int,
    parse_numbers,
    quote_id,
    wants_html,
)
from infostrada.geo.ogc.matched import count_matched
from infostrada.geo.ogc.temporal import parse_datetime
from infostrada.geo.query import CHUNK, Row, box_first, iter_intersecting

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
MAX_OFFSET = 10_000  # deeper pages: follow the next links (keyset paging)
ITEM_PARAMS = {"f", "bbox", "bbox-crs", "crs", "limit", "cursor", "offset", "datetime"}
# CRSs offered for features: every CRS of geo.crs, CRS84 (the default) first.
FEATURE_CRS = list(SUPPORTED)


def parse_crs(request: OgcRequest, name: str) -> str:
    """The CRS code of a ``crs``/``bbox-crs`` parameter (URI, CURIE or code); CRS84 by default."""
    raw = request.get(name)
    if raw is None or raw == "":
        return SUPPORTED[CRS84]
    value = raw.strip()
    if value.startswith("[") and value.endswith("]"):  # safe CURIE, [EPSG:2180]
        value = value[1:-1]
    try:
        return crs_code(value)
    except CrsError:
        raise bad_request(
            _("Coordinate reference system %(crs)s is not offered; use one of: %(list)s.")
            % {"crs": raw, "list": ", ".join(FEATURE_CRS)}
        ) from None


def crs_uri(code: str) -> str:
    return next(uri for uri, c in SUPPORTED.items() if c == code)


GEOGRAPHIC = ("OGC:CRS84", "EPSG:4326")  # longitude and latitude, in degrees


def _parse_area(request: OgcRequest) -> tuple[bool, Area | None]:
    """(a bbox was given, its storage area or None when it misses the region).

    OGC 17-069r4, 7.15.3: four numbers, or six with heights, which are in
    CRS84h unless ``bbox-crs`` says otherwise (the offered CRSs have no
    height, so six numbers come without ``bbox-crs``; the data is flat, so the
    heights select nothing away). Longitude and latitude must lie within
    ±180 and ±90. A box whose west edge lies east of its east edge crosses
    the antimeridian, the only case where a minimum may exceed a maximum.
    """
    raw = request.get("bbox")
    if raw is None:
        if request.get("bbox-crs"):
            raise bad_request(_("Parameter bbox-crs needs a bbox."))
        return False, None
    values = parse_numbers(raw, "bbox")
    if len(values) not in (4, 6):
        raise bad_request(_("A bbox has four numbers: minimum and maximum of each axis."))
    code = parse_crs(request, "bbox-crs")
    if len(values) == 6:
        if request.get("bbox-crs"):
            raise bad_request(
                _(
                    "A bbox of six numbers (with heights) is in CRS84h; bbox-crs %(crs)s "
                    "has no height, so give four numbers."
                )
                % {"crs": request.get("bbox-crs")}
            )
        if values[2] > values[5]:
            raise bad_request(_("In a bbox the minimum of an axis must not exceed its maximum."))
        values = [values[0], values[1], values[3], values[4]]
    box = to_xy((values[0], values[1], values[2], values[3]), code)
    geographic = code in GEOGRAPHIC
    if geographic and not (
        all(-180 <= v <= 180 for v in (box[0], box[2]))
        and all(-90 <= v <= 90 for v in (box[1], box[3]))
    ):
        raise bad_request(
            _(
                "In a bbox in %(crs)s longitudes lie between -180 and 180 and latitudes "
                "between -90 and 90."
            )
            % {"crs": crs_uri(code)}
        )
    if box[1] > box[3] or (box[0] > box[2] and not geographic):
        raise bad_request(_("In a bbox the minimum of an axis must not exceed its maximum."))
    if box[0] > box[2]:  # across the antimeridian: the box east of it and the box west of it
        parts = [
            query_area((box[0], box[1], 180.0, box[3]), code),
            query_area((-180.0, box[1], box[2], box[3]), code),
        ]
        found = [p for p in parts if p is not None]
        if len(found) < 2:
            return True, found[0] if found else None
        shape = shapely.union(found[0].shape.context, found[1].shape.context)
        return True, Area(box=shape.bounds, shape=prep(shape))
    return True, query_area(box, code)


def _parse_filters(request: OgcRequest, collection: Collection) -> dict[str, str]:
    names = {a["name"] for a in collection.schema}
    filters: dict[str, str] = {}
    for key, values in request.params.items():
        if key in ITEM_PARAMS:
            continue
        if key not in names:
            raise bad_request(
                _("Unknown parameter %(name)s. Attributes of this collection: %(names)s.")
                % {"name": key, "names": ", ".join(sorted(names)) or "-"}
            )
        filters[key] = values[0]
    return filters


def _matches(properties: dict[str, Any], filters: dict[str, str]) -> bool:
    for name, wanted in filters.items():
        value = properties.get(name)
        if value is None:
            return False
        if isinstance(value, bool):
            if str(value).lower() != wanted.lower():
                return False
        elif isinstance(value, int | float):
            try:
                if float(wanted) != float(value):
                    return False
            except ValueError:
                return False
        elif not isinstance(value, str) or value != wanted:
            return False  # lists and objects match no filter (as in ``matched``)
    return True


def _load_properties(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return json.loads(value)
    return value or {}


def _iter_layer(layer_id: int, after_id: int) -> Iterator[Row]:
    """Every feature of a layer by id (no box), in chunks."""
    sql = (
        "SELECT id, fid, properties, geom FROM geo_feature "
        "WHERE layer_id = %s AND id > %s ORDER BY id LIMIT %s"
    )
    last = after_id
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [layer_id, last, CHUNK])
            rows = cursor.fetchall()
        for pk, fid, properties, geom in rows:
            yield Row(pk, layer_id, fid, _load_properties(properties), wkb.loads(bytes(geom)))
        if len(rows) < CHUNK:
            return
        last = rows[-1][0]


def _iter_rows(collection: Collection, area: Area | None, after_id: int) -> Iterator[Row]:
    if area is None:
        yield from _iter_layer(collection.layer.pk, after_id)
        return
    shape = area.shape
    layer = collection.layer
    by_box = box_first([layer], area.box)
    for row in iter_intersecting(
        [layer.pk], area.box, after_id=after_id, exact=False, by_box=by_box
    ):
        if shape.intersects(row.geometry):
            yield row


def geojson_geometries(rows: list[Row], code: str) -> list[str]:
    """GeoJSON geometries of rows in ``code``, in the CRS's axis order, one call for all."""
    if not rows:
        return []
    geometries = np.array([r.geometry for r in rows], dtype=object)
    to_target = None if code == STORAGE else transformer(STORAGE, code)
    swap = northing_first(code)
    decimals = 7 if code in ("OGC:CRS84", "EPSG:4326") else 3

    def convert(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        if to_target is not None:
            x, y = to_target.transform(x, y)
        out = np.column_stack((y, x) if swap else (x, y))
        return np.round(out, decimals)

    return shapely.to_geojson(shapely.transform(geometries, convert)).tolist()


def _feature_json(row: Row, geometry: str, links: list[dict[str, Any]] | None = None) -> str:
    parts = [
        '{"type":"Feature","id":',
        json.dumps(row.fid, ensure_ascii=False),
        ',"geometry":',
        geometry,
        ',"properties":',
        json.dumps(row.properties, ensure_ascii=False, separators=(",", ":")),
    ]
    if links is not None:
        parts += [',"links":', json.dumps(links, ensure_ascii=False)]
    parts.append("}")
    return "".join(parts)


def _timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _crs_headers(code: str) -> dict[str, str]:
    return {"Content-Crs": f"<{crs_uri(code)}>"}


def items(request: OgcRequest, collection_id: str) -> OgcResponse:
    """``/collections/{collectionId}/items``: a page of features."""
    html = wants_html(request)
    collection = get_collection(collection_id)
    filters = _parse_filters(request, collection)
    limit = parse_int(request, "limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    cursor = parse_int(request, "cursor", 0, minimum=0, maximum=2**62)
    offset = parse_int(request, "offset", 0, minimum=0, maximum=MAX_OFFSET)
    if cursor and offset:
        raise bad_request(_("Use either cursor or offset, not both."))
    code = parse_crs(request, "crs")
    has_box, area = _parse_area(request)
    parse_datetime(request.get("datetime"))  # checked; the layers have no time dimension
    rows: list[Row] = []
    more = False
    if not (has_box and area is None):
        matching = (
            r for r in _iter_rows(collection, area, cursor) if _matches(r.properties, filters)
        )
        for index, row in enumerate(matching):
            if index < offset:
                continue
            if len(rows) == limit:
                more = True
                break
            rows.append(row)
    geometries = geojson_geometries(rows, code)
    base = f"collections/{quote_id(collection.id)}/items"
    links = [
        link(request.url(base, request.self_params(f="json")), "self", GEOJSON, _("This page")),
        link(
            request.url(base, request.self_params(f="html")),
            "alternate",
            HTML,
            _("This page as HTML"),
        ),
        link(
            request.url(f"collections/{quote_id(collection.id)}"),
            "collection",
            "application/json",
            collection.title,
        ),
    ]
    if more:
        next_params = request.self_params(cursor=rows[-1].id, offset=None)
        links.append(link(request.url(base, next_params), "next", GEOJSON, _("Next page")))
    stamp = _timestamp()
    if html:
        next_url = (
            request.url(base, request.self_params(cursor=rows[-1].id, offset=None, f="html"))
            if more
            else None
        )
        return _items_page(request, collection, rows, geometries, code, next_url, links)
    if has_box and area is None:
        matched: int | None = 0
    elif not more and not offset and not cursor:
        matched = len(rows)  # the whole selection is on this page
    else:
        selection = json.dumps(
            [request.get("bbox"), request.get("bbox-crs"), sorted(filters.items())]
        )
        matched = count_matched(collection, area, filters, selection=selection)
    body = "".join(
        [
            '{"type":"FeatureCollection","features":[',
            ",".join(_feature_json(r, g) for r, g in zip(rows, geometries, strict=True)),
            "]",
            "" if matched is None else f',"numberMatched":{matched}',
            ',"numberReturned":',
            str(len(rows)),
            ',"timeStamp":"',
            stamp,
            '","links":',
            json.dumps(links, ensure_ascii=False),
            "}",
        ]
    )
    return OgcResponse(content_type=GEOJSON, body=body.encode(), headers=_crs_headers(code))


def _fetch_feature(collection: Collection, feature_id: str) -> Row:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, properties, geom FROM geo_feature WHERE layer_id = %s AND fid = %s",
            [collection.layer.pk, feature_id],
        )
        found = cursor.fetchone()
    if found is None:
        raise not_found(
            _("Collection %(collection)s has no feature %(id)s.")
            % {"collection": collection.id, "id": feature_id}
        )
    pk, properties, geom = found
    return Row(
        pk, collection.layer.pk, feature_id, _load_properties(properties), wkb.loads(bytes(geom))
    )


def item(request: OgcRequest, collection_id: str, feature_id: str) -> OgcResponse:
    """``/collections/{collectionId}/items/{featureId}``: one feature."""
    html = wants_html(request)
    for key in request.params:
        if key not in ("f", "crs"):
            raise bad_request(_("Unknown parameter %(name)s.") % {"name": key})
    code = parse_crs(request, "crs")
    collection = get_collection(collection_id)
    row = _fetch_feature(collection, feature_id)
    (geometry,) = geojson_geometries([row], code)
    path = f"collections/{quote_id(collection.id)}/items/{quote_id(feature_id)}"
    crs_param = None if code == "OGC:CRS84" else crs_uri(code)
    links = [
        link(
            request.url(path, {"f": "json", "crs": crs_param}), "self", GEOJSON, _("This feature")
        ),
        link(request.url(path, {"f": "html"}), "alternate", HTML, _("This feature as HTML")),
        link(
            request.url(f"collections/{quote_id(collection.id)}"),
            "collection",
            "application/json",
            collection.title,
        ),
    ]
    if html:
        return html_response(
            "geo/ogc/item.html",
            {
                "collection": collection,
                "feature": _feature_context(
                    request, collection, row, geometry, _attribute_names(collection, [row])
                ),
                "crs": crs_uri(code),
                "links": links,
                "json_url": links[0]["href"],
            },
        )
    body = _feature_json(row, geometry, links).encode()
    return OgcResponse(content_type=GEOJSON, body=body, headers=_crs_headers(code))


def _attribute_names(collection: Collection, rows: list[Row]) -> list[str]:
    """The layer's schema, or (a layer without one) the attributes its features have."""
    names = [a["name"] for a in collection.schema]
    if not names:
        names = sorted({name for r in rows for name in r.properties})
    return names


def _feature_context(
    request: OgcRequest, collection: Collection, row: Row, geometry: str, names: list[str]
) -> dict[str, Any]:
    path = f"collections/{quote_id(collection.id)}/items/{quote_id(row.fid)}"
    titles = {a["name"]: a.get("title") or a["name"] for a in collection.schema}
    return {
        "id": row.fid,
        "url": request.url(path, {"f": "html"}),
        "geometry_type": row.geometry.geom_type,
        "geometry": geometry,
        "properties": [(titles.get(n, n), row.properties.get(n)) for n in names],
        "values": [row.properties.get(n) for n in names],
    }


def _items_page(
    request: OgcRequest,
    collection: Collection,
    rows: list[Row],
    geometries: list[str],
    code: str,
    next_url: str | None,
    links: list[dict[str, Any]],
) -> OgcResponse:
    names = _attribute_names(collection, rows)
    titles = {a["name"]: a.get("title") or a["name"] for a in collection.schema}
    columns = [titles.get(n, n) for n in names]
    features = [
        _feature_context(request, collection, r, g, names)
        for r, g in zip(rows, geometries, strict=True)
    ]
    return html_response(
        "geo/ogc/items.html",
        {
            "collection": collection,
            "columns": columns,
            "features": features,
            "next_url": next_url,
            "crs": crs_uri(code),
            "links": links,
            "json_url": links[0]["href"],
            "collection_url": request.url(f"collections/{quote_id(collection.id)}", {"f": "html"}),
        },
    )
