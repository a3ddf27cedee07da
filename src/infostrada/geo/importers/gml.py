"""GML 3.2 (and 3.1/2) geometries to shapely, in easting-northing order.

What the cadastre (EGiB) and planning (APP) files use: ``gml:Polygon`` with
``exterior``/``interior`` rings, ``gml:MultiSurface`` (``surfaceMember`` and
``surfaceMembers``), ``gml:Surface`` with ``PolygonPatch`` patches,
``gml:CompositeSurface``, rings given as ``gml:LinearRing`` (``posList``,
``pos`` or ``coordinates``) or as ``gml:Ring`` of curves (line segments and
circular arcs, which are densified), and for completeness points, lines and
their multi-geometries and GML 2's ``outerBoundaryIs``/``MultiPolygon``.

Axis order: a GML ``srsName`` means the EPSG definition of the CRS, and EPSG
defines PUWG 1992 and 2000 (EPSG:2180, 2176-2179) as northing first (x is the
northing in Polish surveying) and EPSG:4326 as latitude first. The order is
read from the CRS's own axis definition (pyproj) and such coordinates are
swapped to easting-northing / longitude-latitude, the order shapely and
``geo.crs`` use.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Final

import numpy as np
from django.utils.translation import gettext as _
from lxml import etree
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException
from shapely.geometry import (
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from shapely.geometry.base import BaseGeometry

from infostrada.geo.importers.geos import translate_reason

GML_NAMESPACES: Final = ("http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml")
XLINK_HREF: Final = "{http://www.w3.org/1999/xlink}href"
XLINK_TITLE: Final = "{http://www.w3.org/1999/xlink}title"
GML_ID: Final = ("{http://www.opengis.net/gml/3.2}id", "{http://www.opengis.net/gml}id")
#: Points per full circle when an arc is turned into a line (0.5 m of error at most
#: for a 100 m radius; arcs in parcel boundaries are rare and short).
ARC_SEGMENTS: Final = 72

_EPSG = re.compile(
    r"(?:^|[:/#])EPSG(?:(?::[\d.]*)?:|/[\d.]+/|\.xml#)(?P<code>\d{4,6})$|"
    r"^https?://www\.opengis\.net/gml/srs/epsg\.xml#(?P<code2>\d{4,6})$",
    re.IGNORECASE,
)
_CRS84 = re.compile(r"(?:OGC(?:/1\.3/|:1\.3:|:|::)CRS84)$", re.IGNORECASE)

SURFACES: Final = frozenset(
    {"Polygon", "MultiSurface", "Surface", "CompositeSurface", "MultiPolygon", "PolygonPatch"}
)
GEOMETRIES: Final = SURFACES | {
    "Point",
    "MultiPoint",
    "LineString",
    "Curve",
    "MultiCurve",
    "CompositeCurve",
    "MultiLineString",
}


class GeometryError(ValueError):
    """A geometry this feature cannot be imported with (the rest of the file can)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def namespace(tag: object) -> str:
    return etree.QName(tag).namespace or "" if isinstance(tag, str) else ""


def is_gml(element: etree._Element) -> bool:
    return namespace(element.tag) in GML_NAMESPACES


def gml_id(element: etree._Element) -> str:
    for name in GML_ID:
        value = element.get(name)
        if value:
            return value
    return ""


def href_key(value: str | None) -> str:
    """The target of an xlink:href (``#id``, ``id`` or a full URI) as a look-up key."""
    return (value or "").strip().lstrip("#")


# --- coordinate reference systems ---------------------------------------------------


def crs_from_srs_name(value: str) -> str | None:
    """``EPSG:2180`` / ``OGC:CRS84`` for an srsName in any of its usual spellings.

    ``EPSG:2180``, ``urn:ogc:def:crs:EPSG::2180``, ``urn:ogc:def:crs:EPSG:6.9:2180``,
    ``http://www.opengis.net/def/crs/EPSG/0/2180``,
    ``http://www.opengis.net/gml/srs/epsg.xml#2180``; None when it names none.
    """
    text = (value or "").strip()
    if not text:
        return None
    if _CRS84.search(text):
        return "OGC:CRS84"
    match = _EPSG.search(text)
    if match is None:
        return None
    return f"EPSG:{int(match['code'] or match['code2'])}"


@lru_cache(maxsize=64)
def northing_first(code: str) -> bool:
    """Whether the CRS's first axis points north (northing/latitude first); CrsError if unknown."""
    crs = CRS.from_user_input(code)
    axes = crs.axis_info
    return bool(axes) and axes[0].direction.lower() in ("north", "south")


def known_crs(code: str) -> bool:
    try:
        northing_first(code)
    except CRSError:
        return False
    return True


def srs_of(element: etree._Element) -> tuple[str | None, int | None]:
    """srsName and srsDimension stated on a geometry or the first of its parts."""
    name = element.get("srsName")
    dimension = element.get("srsDimension")
    if name is None:
        for child in element.iter():
            if child.get("srsName"):
                name = child.get("srsName")
                dimension = dimension or child.get("srsDimension")
                break
    try:
        dim = int(dimension) if dimension else None
    except ValueError:
        dim = None
    return name, dim


# --- coordinates --------------------------------------------------------------------


def _numbers(text: str | None) -> np.ndarray:
    try:
        values = np.array((text or "").split(), dtype=float)
    except ValueError:
        raise GeometryError(
            "coordinates_malformed", _("the coordinates contain something that is not a number")
        ) from None
    if not np.all(np.isfinite(values)):
        raise GeometryError("coordinates_malformed", _("the coordinates are not finite numbers"))
    return values


class _Reader:
    """Reads the geometry of one feature with a fixed dimension and axis order."""

    def __init__(self, dimension: int, swap: bool) -> None:
        self.dimension = dimension
        self.swap = swap

    def _shape(self, values: np.ndarray, dimension: int) -> np.ndarray:
        if dimension < 2 or values.size % dimension:
            raise GeometryError(
                "coordinates_malformed",
                _("the number of coordinates does not match the dimension %(dim)s")
                % {"dim": dimension},
            )
        xy = values.reshape(-1, dimension)[:, :2]
        return xy[:, ::-1] if self.swap else xy

    def points(self, element: etree._Element) -> np.ndarray:
        """The coordinate array of a ring, line, segment or point element."""
        for child in element:
            name = local(child.tag)
            if name == "posList":
                dim = int(child.get("srsDimension") or child.get("dimension") or self.dimension)
                return self._shape(_numbers(child.text), dim)
            if name == "coordinates":  # GML 2: "x,y x,y"
                cs = child.get("cs", ",")
                ts = child.get("ts", " ")
                tuples = [t for t in (child.text or "").strip().split(ts) if t.strip()]
                rows = [_numbers(t.replace(cs, " ")) for t in tuples]
                if not rows or len({len(r) for r in rows}) != 1:
                    raise GeometryError("coordinates_malformed", _("the coordinates are malformed"))
                return self._shape(np.concatenate(rows), len(rows[0]))
        rows = []
        for child in element:
            name = local(child.tag)
            if name == "pos":
                dim = int(child.get("srsDimension") or self.dimension)
                rows.append(self._shape(_numbers(child.text), dim))
            elif name in ("pointProperty", "pointRep"):
                point = next((p for p in child if local(p.tag) == "Point"), None)
                if point is None:
                    raise GeometryError(
                        "geometry_unsupported", _("a point given by reference is not supported")
                    )
                rows.append(self.points(point))
        if not rows:
            raise GeometryError("geometry_empty", _("a ring or line has no coordinates"))
        return np.concatenate(rows)

    def curve(self, element: etree._Element) -> np.ndarray:
        """Coordinates of a LineString, Curve (with segments) or LinearRing."""
        name = local(element.tag)
        if name in ("LineString", "LinearRing", "LineStringSegment"):
            return self.points(element)
        if name in ("Arc", "ArcString", "Circle"):
            return _densify_arcs(self.points(element), closed=name == "Circle")
        if name in ("Curve", "CompositeCurve", "OrientableCurve"):
            parts: list[np.ndarray] = []
            for segment in _children(element, "segments", "curveMember", "baseCurve"):
                coords = self.curve(segment)
                if parts and len(coords) and np.allclose(parts[-1][-1], coords[0]):
                    coords = coords[1:]
                parts.append(coords)
            if not parts:
                raise GeometryError("geometry_empty", _("a curve has no segments"))
            return np.concatenate(parts)
        raise GeometryError(
            "geometry_unsupported",
            _("the curve type gml:%(name)s is not supported") % {"name": name},
        )

    def ring(self, holder: etree._Element) -> np.ndarray:
        """The coordinates of the ring inside an exterior/interior element."""
        ring = next((c for c in holder if isinstance(c.tag, str)), None)
        if ring is None:
            raise GeometryError("geometry_empty", _("a polygon ring is empty"))
        name = local(ring.tag)
        if name == "LinearRing":
            coords = self.points(ring)
        elif name == "Ring":
            members = [m for m in ring if local(m.tag) == "curveMember"]
            parts: list[np.ndarray] = []
            for member in members:
                curve = next((c for c in member if isinstance(c.tag, str)), None)
                if curve is None:
                    raise GeometryError(
                        "geometry_unsupported", _("a ring member given by reference")
                    )
                coords = self.curve(curve)
                if parts and np.allclose(parts[-1][-1], coords[0]):
                    coords = coords[1:]
                parts.append(coords)
            if not parts:
                raise GeometryError("geometry_empty", _("a polygon ring is empty"))
            coords = np.concatenate(parts)
        else:
            raise GeometryError(
                "geometry_unsupported",
                _("the ring type gml:%(name)s is not supported") % {"name": name},
            )
        if len(coords) and not np.array_equal(coords[0], coords[-1]):
            coords = np.vstack([coords, coords[:1]])
        if len(coords) < 4:
            raise GeometryError(
                "geometry_degenerate", _("a polygon ring has fewer than three corners")
            )
        return coords

    def polygon(self, element: etree._Element) -> Polygon:
        shell = None
        holes = []
        for child in element:
            name = local(child.tag)
            if name in ("exterior", "outerBoundaryIs"):
                shell = self.ring(child)
            elif name in ("interior", "innerBoundaryIs"):
                holes.append(self.ring(child))
        if shell is None:
            raise GeometryError("geometry_empty", _("a polygon has no exterior ring"))
        return Polygon(LinearRing(shell), [LinearRing(h) for h in holes])

    def polygons(self, element: etree._Element) -> list[Polygon]:
        """The polygons of any surface geometry."""
        name = local(element.tag)
        if name in ("Polygon", "PolygonPatch"):
            return [self.polygon(element)]
        if name == "Surface":
            patches = [p for p in _children(element, "patches") if local(p.tag) == "PolygonPatch"]
            if not patches:
                raise GeometryError("geometry_unsupported", _("a surface without polygon patches"))
            return [self.polygon(p) for p in patches]
        if name in ("MultiSurface", "CompositeSurface", "MultiPolygon"):
            result: list[Polygon] = []
            for member in _children(element, "surfaceMember", "surfaceMembers", "polygonMember"):
                result.extend(self.polygons(member))
            return result
        raise GeometryError(
            "geometry_unsupported",
            _("the geometry type gml:%(name)s is not supported") % {"name": name},
        )

    def geometry(self, element: etree._Element) -> BaseGeometry:
        name = local(element.tag)
        if name in SURFACES:
            parts = self.polygons(element)
            if not parts:
                raise GeometryError("geometry_empty", _("the surface has no polygons"))
            return parts[0] if len(parts) == 1 and name != "MultiSurface" else MultiPolygon(parts)
        if name == "Point":
            return Point(self.points(element)[0])
        if name == "MultiPoint":
            return MultiPoint(
                [self.points(p)[0] for p in _children(element, "pointMember", "pointMembers")]
            )
        if name in ("LineString", "Curve", "CompositeCurve"):
            return LineString(self.curve(element))
        if name in ("MultiCurve", "MultiLineString"):
            members = _children(element, "curveMember", "curveMembers", "lineStringMember")
            return MultiLineString([self.curve(m) for m in members])
        raise GeometryError(
            "geometry_unsupported",
            _("the geometry type gml:%(name)s is not supported") % {"name": name},
        )


def _children(element: etree._Element, *wrappers: str) -> list[etree._Element]:
    """Geometry elements inside the named wrapper children (member, patches, segments)."""
    found = []
    for child in element:
        if local(child.tag) in wrappers:
            found.extend(c for c in child if isinstance(c.tag, str))
    return found


def _densify_arcs(points: np.ndarray, *, closed: bool) -> np.ndarray:
    """Arcs through three points each (ArcString: sharing end points) as line points."""
    if len(points) < 3 or (not closed and len(points) % 2 == 0):
        raise GeometryError("geometry_degenerate", _("an arc needs an odd number of points"))
    out = [points[:1]]
    for start in range(0, len(points) - 2, 2):
        a, b, c = points[start], points[start + 1], points[start + 2]
        out.append(_arc(a, b, c, full=closed)[1:])
    return np.concatenate(out)


def _arc(a: np.ndarray, b: np.ndarray, c: np.ndarray, *, full: bool) -> np.ndarray:
    ax, ay = a
    bx, by = b
    cx, cy = c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    if abs(d) < 1e-12:  # collinear: a straight segment
        return np.array([a, c])
    sa, sb, sc = ax * ax + ay * ay, bx * bx + by * by, cx * cx + cy * cy
    ux = (sa * (by - cy) + sb * (cy - ay) + sc * (ay - by)) / d
    uy = (sa * (cx - bx) + sb * (ax - cx) + sc * (bx - ax)) / d
    radius = math.hypot(ax - ux, ay - uy)
    t0 = math.atan2(ay - uy, ax - ux)
    t2 = math.atan2(cy - uy, cx - ux)
    ccw = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) > 0
    tau = 2 * math.pi

    def sweep(start: float, end: float) -> float:
        delta = (end - start) % tau
        return delta if ccw else delta - tau

    # Three points on a circle in counter-clockwise order are passed in that order
    # going counter-clockwise from a, so the orientation alone gives the direction.
    total = (tau if ccw else -tau) if full else sweep(t0, t2)
    steps = max(2, int(abs(total) / tau * ARC_SEGMENTS) + 1)
    angles = t0 + np.linspace(0.0, total, steps)
    result = np.column_stack([ux + radius * np.cos(angles), uy + radius * np.sin(angles)])
    if not full:
        result[-1] = c
    return result


def first_geometry(holder: etree._Element) -> etree._Element | None:
    """The GML geometry element inside a property element (``egb:geometria``)."""
    return next(
        (c for c in holder if isinstance(c.tag, str) and is_gml(c) and local(c.tag) in GEOMETRIES),
        None,
    )


def read_geometry(
    holder: etree._Element, *, default_srs: str | None
) -> tuple[BaseGeometry, str, str]:
    """The geometry inside ``holder``, in easting-northing order, and its CRS.

    Returns (geometry, crs code such as ``EPSG:2177``, the srsName as written).
    ``default_srs`` is used when the geometry states none (the file's envelope,
    or the operator's choice). GeometryError for anything this feature cannot
    be imported with.
    """
    element = first_geometry(holder)
    if element is None:
        raise GeometryError("geometry_missing", _("the object has no geometry"))
    srs_name, dimension = srs_of(element)
    srs_name = srs_name or default_srs
    if not srs_name:
        raise GeometryError(
            "crs_missing",
            _("the geometry states no coordinate system (srsName) and none was chosen"),
        )
    code = crs_from_srs_name(srs_name)
    if code is None or not known_crs(code):
        raise GeometryError(
            "crs_unknown",
            _("the coordinate system %(srs)s is unknown") % {"srs": srs_name},
        )
    reader = _Reader(dimension or 2, swap=northing_first(code))
    try:
        geometry = reader.geometry(element)
    except GeometryError:
        raise
    except (ValueError, TypeError, GEOSException) as exc:  # shapely refusing a ring, numpy
        raise GeometryError(
            "geometry_malformed",
            _("the geometry cannot be built: %(reason)s") % {"reason": translate_reason(str(exc))},
        ) from None
    if geometry.is_empty:
        raise GeometryError("geometry_empty", _("the geometry is empty"))
    return geometry, code, srs_name
