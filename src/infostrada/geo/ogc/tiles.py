"""OGC API - Tiles: vector tiles (MVT) of a collection in WebMercatorQuad.

A tile is cut from the features whose boxes meet the tile grown by a
buffer (so that outlines do not end at tile edges), transformed straight
into the tile's 4096-unit grid in one vectorised call, generalised to the
tile's resolution (features below a pixel left out, see ``PIXEL``),
clipped, simplified, snapped to the grid (still valid, see ``_snap``) and
oriented as the MVT specification wants, then encoded by ``mvt`` (numpy, not the per-coordinate
Python of ``mapbox_vector_tile``). One MVT layer per tile, named after the
collection; features carry their attributes and ``fid``.

Tiles are cached (Django's cache framework) under a key that includes the
layer's ``updated_at`` and the renderer's ``RENDER_VERSION``, so neither a
changed layer nor a tile drawn by an earlier release is served; the same
version is the ETag, and ``Cache-Control`` lets browsers and proxies keep
tiles for a while and revalidate cheaply (304). A tile without features is
204 No Content (OGC API - Tiles permits it for empty tiles) and cached too.

The URL is ``.../tiles/WebMercatorQuad/{z}/{x}/{y}`` (column before row, as
the platform's map viewer and Leaflet use); the tileset's templated link
names the variables, ``{tileMatrix}/{tileCol}/{tileRow}``.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

import morecantile
import numpy as np
import shapely
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _

from infostrada.geo.crs import bbox_to_storage, transformer
from infostrada.geo.ogc import mvt
from infostrada.geo.ogc.axes import STORAGE
from infostrada.geo.ogc.catalog import Collection, get_collection
from infostrada.geo.ogc.common import (
    JSON,
    MVT,
    OgcRequest,
    OgcResponse,
    bad_request,
    json_response,
    link,
    not_found,
    quote_id,
)
from infostrada.geo.query import Row

TMS_ID = "WebMercatorQuad"
MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64  # tile units around the tile (1/64 of its size)
CACHE_SECONDS = 24 * 3600
CACHE_CONTROL = "public, max-age=300"  # then revalidate: a 304 by ETag is cheap
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
WEB_MERCATOR_URI = "http://www.opengis.net/def/crs/EPSG/0/3857"
# Generalisation to the tile's resolution. A client draws a tile at 512
# pixels (MapLibre, QGIS; a 256-pixel tile on a 2x screen alike), so a
# pixel is 8 tile units at every zoom level. A line or polygon whose box is
# narrower and lower than a pixel would be a speck at most: it is left out
# (points are always kept), and every outline is simplified (Douglas-Peucker,
# topology preserved) to a quarter of a pixel, which no screen shows. Before
# this, a z9 tile of a gmina's parcels carried all ~19,000 of them (1.7 MB).
PIXEL = EXTENT / 256
SIMPLIFY = PIXEL / 4
# Web Mercator stretches Poland's metres 1.52-1.74 times (1/cos of latitudes
# 49-55°): the index query leaves out, by the box in EPSG:2180, only what is
# below a pixel even at the strongest stretch; the exact test follows in tile units.
MERCATOR_STRETCH = 1.75
# Bumped whenever the tiles drawn from the same data change (the encoding or
# the generalisation): it is part of the cache key and the ETag, so tiles
# cached by an earlier version are neither served nor revalidated after an upgrade.
RENDER_VERSION = "2"
# What a tile may weigh at most (tippecanoe's default limit, 500 kB): beyond
# it a client spends more on one tile than on the rest of the screen.
MAX_TILE_BYTES = 500_000
BUDGET_SAMPLE = 500  # features encoded to weigh a tile of more than this many

_SQLITE_CANDIDATES = (
    "SELECT f.id, f.fid, f.properties, f.geom FROM geo_feature_rtree r "
    "JOIN geo_feature f ON f.id = r.id "
    "WHERE r.maxx >= %s AND r.minx <= %s AND r.maxy >= %s AND r.miny <= %s AND f.layer_id = %s "
    "AND (r.maxx - r.minx >= %s OR r.maxy - r.miny >= %s OR (f.minx = f.maxx AND f.miny = f.maxy)) "
    "ORDER BY f.id"
)
_POSTGRES_CANDIDATES = (
    "SELECT f.id, f.fid, f.properties, f.geom FROM geo_feature f "
    "WHERE box(point(f.minx, f.miny), point(f.maxx, f.maxy)) && box(point(%s, %s), point(%s, %s)) "
    "AND f.layer_id = %s "
    "AND (f.maxx - f.minx >= %s OR f.maxy - f.miny >= %s OR (f.minx = f.maxx AND f.miny = f.maxy)) "
    "ORDER BY f.id"
)


@lru_cache(maxsize=1)
def tms() -> morecantile.TileMatrixSet:
    return morecantile.tms.get(TMS_ID)


def _check_tms(tile_matrix_set_id: str) -> None:
    if tile_matrix_set_id != TMS_ID:
        raise not_found(
            _("Tile matrix set %(id)s is not offered; use %(offered)s.")
            % {"id": tile_matrix_set_id, "offered": TMS_ID}
        )


def tile_matrix_sets(request: OgcRequest) -> OgcResponse:
    return json_response(
        {
            "tileMatrixSets": [
                {
                    "id": TMS_ID,
                    "title": "Google Maps Compatible for the World",
                    "uri": TMS_URI,
                    "links": [
                        link(request.url(f"tileMatrixSets/{TMS_ID}"), "self", JSON, TMS_ID),
                        link(
                            TMS_URI,
                            "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                            JSON,
                            TMS_ID,
                        ),
                    ],
                }
            ]
        }
    )


@lru_cache(maxsize=1)
def _tms_document() -> dict[str, Any]:
    return tms().model_dump(mode="json", exclude_none=True)


def tile_matrix_set(request: OgcRequest, tile_matrix_set_id: str) -> OgcResponse:
    _check_tms(tile_matrix_set_id)
    return json_response(_tms_document())


def _tileset_document(request: OgcRequest, collection: Collection) -> dict[str, Any]:
    base = f"collections/{quote_id(collection.id)}/tiles/{TMS_ID}"
    template = request.url(base) + "/{tileMatrix}/{tileCol}/{tileRow}"
    data: dict[str, Any] = {
        "title": collection.title,
        "dataType": "vector",
        "crs": WEB_MERCATOR_URI,
        "tileMatrixSetURI": TMS_URI,
        "links": [
            link(request.url(base), "self", JSON, collection.title),
            link(
                request.url(f"tileMatrixSets/{TMS_ID}"),
                "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                JSON,
                TMS_ID,
            ),
            link(
                request.url(f"collections/{quote_id(collection.id)}"),
                "collection",
                JSON,
                collection.title,
            ),
            link(template, "item", MVT, _("Vector tile"), templated=True),
        ],
        "tileMatrixSetLimits": [
            {
                "tileMatrix": str(z),
                "minTileRow": 0,
                "maxTileRow": 2**z - 1,
                "minTileCol": 0,
                "maxTileCol": 2**z - 1,
            }
            for z in range(MAX_ZOOM + 1)
        ],
        "layers": [
            {
                "id": collection.id,
                "title": collection.title,
                "dataType": "vector",
                "propertiesSchema": {
                    "type": "object",
                    "properties": {
                        "fid": {"type": "string"},
                        **{
                            a["name"]: {"title": a.get("title") or a["name"]}
                            for a in collection.schema
                        },
                    },
                },
            }
        ],
    }
    extent = collection.extent_in("OGC:CRS84")
    if extent is not None:
        data["boundingBox"] = {
            "lowerLeft": [extent[0], extent[1]],
            "upperRight": [extent[2], extent[3]],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        }
    return data


def tilesets(request: OgcRequest, collection_id: str) -> OgcResponse:
    collection = get_collection(collection_id)
    document = _tileset_document(request, collection)
    summary = {k: document[k] for k in ("title", "dataType", "crs", "tileMatrixSetURI")}
    summary["links"] = [
        link(
            request.url(f"collections/{quote_id(collection.id)}/tiles/{TMS_ID}"),
            "self",
            JSON,
            collection.title,
        ),
        document["links"][1],
    ]
    return json_response(
        {
            "tilesets": [summary],
            "links": [
                link(
                    request.url(f"collections/{quote_id(collection.id)}/tiles"),
                    "self",
                    JSON,
                    collection.title,
                )
            ],
        }
    )


def tileset(request: OgcRequest, collection_id: str, tile_matrix_set_id: str) -> OgcResponse:
    _check_tms(tile_matrix_set_id)
    return json_response(_tileset_document(request, get_collection(collection_id)))


def _check_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise not_found(
            _("Zoom level %(z)s is outside the tile matrix set (0 to %(max)s).")
            % {"z": z, "max": MAX_ZOOM}
        )
    size = 2**z
    if not (0 <= x < size and 0 <= y < size):
        raise not_found(
            _("Tile %(x)s/%(y)s is outside zoom level %(z)s (columns and rows 0 to %(last)s).")
            % {"x": x, "y": y, "z": z, "last": size - 1}
        )


def _candidates(
    layer_id: int, box: tuple[float, float, float, float], *, min_size: float
) -> list[Row]:
    """Features of the layer whose boxes meet ``box`` (EPSG:2180) and are not too small to show.

    Like ``geo.query``'s candidate query, with the size condition (``min_size``
    metres of EPSG:2180 in width or height) that keeps low-zoom tiles from
    reading every parcel of the region.
    """
    minx, miny, maxx, maxy = box
    if connection.vendor == "sqlite":
        sql, params = _SQLITE_CANDIDATES, [minx, maxx, miny, maxy]
    else:
        sql, params = _POSTGRES_CANDIDATES, [minx, miny, maxx, maxy]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, layer_id, min_size, min_size])
        rows = cursor.fetchall()
    geometries = shapely.from_wkb([bytes(g) for _pk, _fid, _p, g in rows])  # one call for all
    return [
        Row(pk, layer_id, fid, json.loads(p) if isinstance(p, str) else (p or {}), geometry)
        for (pk, fid, p, _g), geometry in zip(rows, geometries, strict=True)
    ]


def _snap(geometries: np.ndarray) -> np.ndarray:
    """Coordinates snapped to the tile's grid, every geometry still valid.

    Rounding point by point leaves nearly every polygon valid and is ten
    times faster than GEOS's precision reduction with its noding (measured
    0.35 against 3 ms for a z16 tile of ~150 parcels); the few that rounding
    collapses or makes cross themselves are reduced again by GEOS, which
    keeps them valid (after repairing them first: GEOS refuses to reduce a
    geometry that was invalid already, as an imported one may be).
    """
    snapped = shapely.set_precision(geometries, 1.0, mode="pointwise")
    broken = ~shapely.is_valid(snapped) & ~shapely.is_missing(snapped)
    if broken.any():
        snapped[broken] = shapely.set_precision(shapely.make_valid(geometries[broken]), 1.0)
    return snapped


def render_tile(collection: Collection, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of one tile (b"" when no feature reaches it)."""
    left, bottom, right, top = tms().xy_bounds(x, y, z)
    scale_x = EXTENT / (right - left)
    scale_y = EXTENT / (top - bottom)
    pad_x, pad_y = BUFFER / scale_x, BUFFER / scale_y
    storage_box = bbox_to_storage(
        (left - pad_x, bottom - pad_y, right + pad_x, top + pad_y), "EPSG:3857"
    )
    rows = _candidates(
        collection.layer.pk,
        storage_box,
        min_size=PIXEL * (right - left) / EXTENT / MERCATOR_STRETCH,
    )
    if not rows:
        return b""
    to_mercator = transformer(STORAGE, "EPSG:3857")

    def to_tile(xy: np.ndarray) -> np.ndarray:
        mx, my = to_mercator.transform(xy[:, 0], xy[:, 1])
        return np.column_stack(
            ((np.asarray(mx) - left) * scale_x, (top - np.asarray(my)) * scale_y)
        )

    geometries = shapely.transform(np.array([r.geometry for r in rows], dtype=object), to_tile)
    minx, miny, maxx, maxy = shapely.bounds(geometries).T
    sizes = np.fmax(maxx - minx, maxy - miny)
    points = shapely.get_dimensions(geometries) == 0
    sizes[points] = PIXEL  # a point is a symbol of its own size: kept, last to go
    shown = sizes >= PIXEL
    if not shown.any():
        return b""
    if not shown.all():
        rows = [row for row, keep in zip(rows, shown, strict=True) if keep]
        geometries, sizes = geometries[shown], sizes[shown]
    geometries = shapely.clip_by_rect(
        geometries, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER
    )
    geometries = shapely.simplify(geometries, SIMPLIFY, preserve_topology=True)
    geometries = _snap(geometries)
    # y grows downwards in tile space: an exterior ring with positive area
    # (the MVT rule) is counter-clockwise in these coordinates
    geometries = shapely.orient_polygons(geometries, exterior_cw=False)
    features = [
        mvt.TileFeature(
            row.id,
            geometry,
            row.properties if "fid" in row.properties else {**row.properties, "fid": row.fid},
        )
        for row, geometry in zip(rows, geometries, strict=True)
    ]
    return _encode_within_budget(collection.id, features, sizes)


def _encode_within_budget(
    name: str, features: list[mvt.TileFeature], sizes: np.ndarray, budget: int = MAX_TILE_BYTES
) -> bytes:
    """The tile, made to fit ``budget`` bytes by leaving out its smallest features first.

    Most tiles fit at once. A dense one (a gmina's parcels at z9-z12, where
    most of a tile's bytes are the parcels' attributes) keeps its largest
    features, in their order. Encoding is most of a dense tile's time, so a
    big tile is first weighed by encoding an even sample of its features;
    one that will not fit is then encoded only for the part that does (and
    again, smaller, in the rare case the estimate fell short).
    """
    count = len(features)
    keep = count
    if count > BUDGET_SAMPLE:
        step = count // BUDGET_SAMPLE
        sample = mvt.encode(name, features[::step], EXTENT)
        estimate = len(sample) * count / len(features[::step])
        if estimate > budget:
            keep = max(1, int(count * budget / estimate * 0.95))
    by_size = np.argsort(-sizes, kind="stable")
    chosen = features if keep == count else [features[i] for i in np.sort(by_size[:keep])]
    body = mvt.encode(name, chosen, EXTENT)
    while len(body) > budget and keep > 1:
        keep = max(1, min(keep - 1, int(keep * budget / len(body) * 0.95)))
        body = mvt.encode(name, [features[i] for i in np.sort(by_size[:keep])], EXTENT)
    return body


def tile(
    request: OgcRequest, collection_id: str, tile_matrix_set_id: str, z: int, x: int, y: int
) -> OgcResponse:
    """One vector tile: cached by layer version, with an ETag and Cache-Control."""
    _check_tms(tile_matrix_set_id)
    _check_tile(z, x, y)
    for key in request.params:
        if key != "f":
            raise bad_request(_("Unknown parameter %(name)s.") % {"name": key})
    if request.get("f") not in (None, "mvt"):
        raise bad_request(_("Vector tiles are offered as f=mvt only."))
    collection = get_collection(collection_id)
    version = f"{collection.version}-{z}-{x}-{y}-r{RENDER_VERSION}"
    etag = '"' + hashlib.blake2b(version.encode(), digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag in [t.strip() for t in request.if_none_match.split(",")]:
        return OgcResponse(status=304, content_type=MVT, headers=headers)
    cache_key = f"ogc:mvt:{version}"
    body = cache.get(cache_key)
    if body is None:
        body = render_tile(collection, z, x, y)
        cache.set(cache_key, body, CACHE_SECONDS)
    if not body:
        return OgcResponse(status=204, content_type=MVT, headers=headers)
    return OgcResponse(content_type=MVT, body=body, headers=headers)
