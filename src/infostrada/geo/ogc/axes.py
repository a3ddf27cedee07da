"""Axis order and query areas: where the OGC standards and the platform's x/y meet.

Inside the platform every coordinate is (easting, northing) or (longitude,
latitude) (``geo.crs``, pyproj's always_xy). OGC API - Features Part 2 and
WMS 1.3.0 speak in the axis order of the CRS as its definition states it:
EPSG:2180, EPSG:2177 and EPSG:4326 are northing/latitude first, CRS84 and
EPSG:3857 easting/longitude first. This module is the one place that knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from infostrada.geo.crs import POLAND_2180, STORAGE_SRID, bbox_from_storage, transformer

STORAGE = f"EPSG:{STORAGE_SRID}"
# Edges of a query box are cut into this many pieces before they are
# transformed: a straight edge in one CRS is curved in another.
DENSIFY = 32


@lru_cache(maxsize=16)
def northing_first(code: str) -> bool:
    """True when the CRS's first axis points north (or south): its y comes first."""
    axis = CRS.from_user_input(code).axis_info
    return bool(axis) and axis[0].direction.lower() in ("north", "south")


def to_xy(
    values: tuple[float, float, float, float], code: str
) -> tuple[float, float, float, float]:
    """A box given in the CRS's axis order as (minx, miny, maxx, maxy)."""
    a, b, c, d = values
    return (b, a, d, c) if northing_first(code) else (a, b, c, d)


def from_xy(box: tuple[float, float, float, float], code: str) -> list[float]:
    """A (minx, miny, maxx, maxy) box in the CRS's axis order."""
    minx, miny, maxx, maxy = box
    return [miny, minx, maxy, maxx] if northing_first(code) else [minx, miny, maxx, maxy]


@lru_cache(maxsize=16)
def data_limits(code: str) -> tuple[float, float, float, float]:
    """A box in ``code`` (x/y) that covers every storable coordinate (Poland)."""
    if code == STORAGE:
        return POLAND_2180
    return bbox_from_storage(POLAND_2180, code)


def box_geometry(box: tuple[float, float, float, float]) -> BaseGeometry:
    """The box as a geometry; a box without width or height is a line or a point."""
    minx, miny, maxx, maxy = box
    if minx == maxx and miny == maxy:
        return Point(minx, miny)
    if minx == maxx or miny == maxy:
        return LineString([(minx, miny), (maxx, maxy)])
    return shapely.box(minx, miny, maxx, maxy)


def to_storage_geometry(geometry: BaseGeometry, code: str) -> BaseGeometry:
    if code == STORAGE:
        return geometry
    t = transformer(code, STORAGE)
    return shapely.transform(geometry, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


@dataclass(frozen=True)
class Area:
    """A query box moved to storage: its covering box for the index, its shape for the check."""

    box: tuple[float, float, float, float]
    shape: PreparedGeometry


def query_area(box: tuple[float, float, float, float], code: str) -> Area | None:
    """The storage area of a box given in ``code`` (x/y order); None if it misses Poland.

    The box is first cut to the region where data can lie (so that a box
    over half the globe transforms without infinities), its edges are
    densified, and it is transformed into EPSG:2180.
    """
    lminx, lminy, lmaxx, lmaxy = data_limits(code)
    minx, miny, maxx, maxy = box
    clipped = (max(minx, lminx), max(miny, lminy), min(maxx, lmaxx), min(maxy, lmaxy))
    if clipped[0] > clipped[2] or clipped[1] > clipped[3]:
        return None
    geometry = box_geometry(clipped)
    if code != STORAGE:
        size = max(clipped[2] - clipped[0], clipped[3] - clipped[1])
        if size > 0:
            geometry = shapely.segmentize(geometry, size / DENSIFY)
        geometry = to_storage_geometry(geometry, code)
    return Area(box=geometry.bounds, shape=prep(geometry))
