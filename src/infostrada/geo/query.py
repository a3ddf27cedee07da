"""Spatial reads: features whose geometry intersects a box, fast at any scale.

The spatial index (R*Tree / GiST over the bounding boxes) gives candidates in
one SQL statement, keyset-paged by feature id; shapely then keeps the ones
whose geometry really intersects the box. Pages are filled by reading further
candidate chunks, so a page never comes back short while more matches exist.
The rows are plain tuples (no ORM objects): map views and tiles read tens of
thousands of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from shapely import box as shapely_box
from shapely import wkb
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

Box = tuple[float, float, float, float]
CHUNK = 500


class BoxError(ValueError):
    """A bounding box that is not one (min > max, not finite, too large)."""


@dataclass(frozen=True)
class Row:
    id: int
    layer_id: int
    fid: str
    properties: dict[str, Any]
    geometry: BaseGeometry


def checked_box(values: Sequence[float]) -> Box:
    """Four finite numbers with min ≤ max; BoxError otherwise."""
    if len(values) != 4:
        raise BoxError("a bounding box has four numbers")
    minx, miny, maxx, maxy = (float(v) for v in values)
    for v in (minx, miny, maxx, maxy):
        if v != v or v in (float("inf"), float("-inf")):
            raise BoxError("a bounding box has finite numbers")
    if minx > maxx or miny > maxy:
        raise BoxError("the minimum of a bounding box is larger than its maximum")
    return (minx, miny, maxx, maxy)


def _candidates_sql(layer_ids: Sequence[int]) -> str:
    marks = ", ".join(["%s"] * len(layer_ids))
    if connection.vendor == "sqlite":
        return (
            "SELECT f.id, f.layer_id, f.fid, f.properties, f.geom FROM geo_feature_rtree r "  # noqa: S608 (placeholders only)
            "JOIN geo_feature f ON f.id = r.id "
            "WHERE r.maxx >= %s AND r.minx <= %s AND r.maxy >= %s AND r.miny <= %s "
            f"AND f.layer_id IN ({marks}) AND f.id > %s ORDER BY f.id LIMIT %s"
        )
    return (
        "SELECT f.id, f.layer_id, f.fid, f.properties, f.geom FROM geo_feature f "  # noqa: S608
        "WHERE box(point(f.minx, f.miny), point(f.maxx, f.maxy)) "
        "&& box(point(%s, %s), point(%s, %s)) "
        f"AND f.layer_id IN ({marks}) AND f.id > %s ORDER BY f.id LIMIT %s"
    )


def _box_params(bbox: Box) -> list[float]:
    minx, miny, maxx, maxy = bbox
    if connection.vendor == "sqlite":
        return [minx, maxx, miny, maxy]
    return [minx, miny, maxx, maxy]


def _load(properties: Any) -> dict[str, Any]:
    if isinstance(properties, str):
        import json

        return json.loads(properties)
    return properties or {}


def iter_intersecting(
    layer_ids: Sequence[int], bbox: Box, *, after_id: int = 0, exact: bool = True
) -> Iterator[Row]:
    """Features of the layers whose geometry intersects ``bbox`` (EPSG:2180), by id."""
    if not layer_ids:
        return
    sql = _candidates_sql(layer_ids)
    area = prep(shapely_box(*bbox))
    last = after_id
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*_box_params(bbox), *layer_ids, last, CHUNK])
            rows = cursor.fetchall()
        for pk, layer_id, fid, properties, geom in rows:
            geometry = wkb.loads(bytes(geom))
            if not exact or area.intersects(geometry):
                yield Row(pk, layer_id, fid, _load(properties), geometry)
        if len(rows) < CHUNK:
            return
        last = rows[-1][0]


def page(
    layer_ids: Sequence[int], bbox: Box, *, limit: int, after_id: int = 0
) -> tuple[list[Row], int | None]:
    """One page of intersecting features and the id to continue after (or None)."""
    rows: list[Row] = []
    for row in iter_intersecting(layer_ids, bbox, after_id=after_id):
        if len(rows) == limit:
            return rows, rows[-1].id
        rows.append(row)
    return rows, None
