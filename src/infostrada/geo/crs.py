"""Coordinate reference systems of Polish geodata, and moving between them.

Everything is stored in PUWG 1992 (EPSG:2180), the national system for the
whole country; PUWG 2000 zones (EPSG:2176-2179; Toruń and Bydgoszcz lie in
zone 6, EPSG:2177) and WGS 84 longitude/latitude (CRS84, as OGC API and web
maps use it) are converted at the edge. pyproj's "always_xy" keeps every
coordinate in (easting, northing) / (longitude, latitude) order inside the
platform; GML files that state northing-easting order (EGiB, EPSG:2180 by the
book) are swapped by the importers.
"""

from __future__ import annotations

from functools import lru_cache

from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform as shapely_transform

STORAGE_SRID = 2180
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{code}"
# CRSs the OGC API and WMS offer: CRS84 first (the default), then PUWG 1992,
# PUWG 2000 zone 6 (the demo region) and Web Mercator (tiles).
SUPPORTED = {
    CRS84: "OGC:CRS84",
    EPSG_URI.format(code=2180): "EPSG:2180",
    EPSG_URI.format(code=2177): "EPSG:2177",
    EPSG_URI.format(code=4326): "EPSG:4326",
    EPSG_URI.format(code=3857): "EPSG:3857",
}
# Poland's extent in EPSG:2180 with a margin: coordinates outside are errors,
# not data (a swapped axis or a wrong CRS shows up as far outside).
POLAND_2180 = (100_000.0, 100_000.0, 900_000.0, 850_000.0)


class CrsError(ValueError):
    """A CRS that is unknown or not offered."""


def crs_code(uri_or_code: str) -> str:
    """'EPSG:2180' for a URI or code the platform offers; CrsError otherwise."""
    value = uri_or_code.strip()
    if value in SUPPORTED:
        return SUPPORTED[value]
    upper = value.upper()
    for code in SUPPORTED.values():
        if upper == code or upper == code.replace("OGC:", ""):
            return code
    if upper.startswith("URN:OGC:DEF:CRS:EPSG::"):
        return crs_code("EPSG:" + upper.rsplit(":", 1)[-1])
    raise CrsError(value)


@lru_cache(maxsize=32)
def transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(
        CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True
    )


def to_storage(geometry: BaseGeometry, source: str) -> BaseGeometry:
    if source == f"EPSG:{STORAGE_SRID}":
        return geometry
    return shapely_transform(transformer(source, f"EPSG:{STORAGE_SRID}").transform, geometry)


def from_storage(geometry: BaseGeometry, target: str) -> BaseGeometry:
    if target == f"EPSG:{STORAGE_SRID}":
        return geometry
    return shapely_transform(transformer(f"EPSG:{STORAGE_SRID}", target).transform, geometry)


def bbox_to_storage(
    bbox: tuple[float, float, float, float], source: str
) -> tuple[float, float, float, float]:
    """A bounding box in ``source`` as the box that covers it in EPSG:2180.

    The edges are densified (21 points each) because a straight edge in one
    system is curved in another: the corners alone would cut features off.
    """
    if source == f"EPSG:{STORAGE_SRID}":
        return bbox
    return transformer(source, f"EPSG:{STORAGE_SRID}").transform_bounds(*bbox, densify_pts=21)


def bbox_from_storage(
    bbox: tuple[float, float, float, float], target: str
) -> tuple[float, float, float, float]:
    if target == f"EPSG:{STORAGE_SRID}":
        return bbox
    return transformer(f"EPSG:{STORAGE_SRID}", target).transform_bounds(*bbox, densify_pts=21)


def inside_poland(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    pminx, pminy, pmaxx, pmaxy = POLAND_2180
    return pminx <= minx and maxx <= pmaxx and pminy <= miny and maxy <= pmaxy
