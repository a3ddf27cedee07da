"""Per-feature checks shared by every importer: reprojection, validity, plausibility.

A geometry read from a file (already in easting-northing order) is moved to
storage (EPSG:2180) and checked by ``geo.services.prepare_geometry``. When it
lands outside Poland the report says why it most likely did: coordinates far
too large for any Polish system, axes swapped, or a different coordinate
system than the file states (each Polish system is tried on the feature's
bounding box, which costs nothing for the features that are fine).
"""

from __future__ import annotations

import math
from typing import Final

from django.utils.translation import gettext as _
from pyproj.exceptions import ProjError
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from infostrada.geo.crs import bbox_to_storage, inside_poland, to_storage
from infostrada.geo.extents import overlaps, unit_area
from infostrada.geo.importers.geos import explain
from infostrada.geo.importers.report import REPAIRED, SKIPPED, ImportReport
from infostrada.geo.services import prepare_geometry
from infostrada.tenancy.models import Unit

#: Systems tried when a feature lands outside Poland: PUWG 1992, PUWG 2000 zones 5-8,
#: and longitude/latitude.
POLISH_CRS: Final = ("EPSG:2180", "EPSG:2176", "EPSG:2177", "EPSG:2178", "EPSG:2179", "OGC:CRS84")
#: No Polish coordinate (PUWG 2000 reaches 8.5 million) comes near this.
HUGE: Final = 1e8


def _inside(bounds: tuple[float, float, float, float], crs: str) -> bool:
    try:
        box = bbox_to_storage(bounds, crs)
    except (ProjError, ValueError):
        return False
    return all(math.isfinite(v) for v in box) and inside_poland(box)


#: How far (metres) a feature may lie outside the unit's known area: the cadastre's
#: extent, or the voivodeship's box where the unit has no cadastre (ADR 0013).
MARGIN_CADASTRE: Final = 5_000.0
MARGIN_VOIVODESHIP: Final = 10_000.0


def limit_to_unit(report: ImportReport, unit: Unit) -> None:
    """Make the report skip features far outside the unit's area (``outside_unit``)."""
    area = unit_area(unit, cadastre_only=True)
    if area.source == "poland":
        return  # the Poland check of prepare_geometry is all there is
    margin = MARGIN_VOIVODESHIP if area.source == "voivodeship" else MARGIN_CADASTRE
    report.area = area.grown(margin)
    report.area_source = {
        "own": _("the cadastre of %(unit)s"),
        "below": _("the cadastre of the units of %(unit)s"),
        "parent": _("the cadastre that the unit above %(unit)s publishes"),
        "voivodeship": _("the voivodeship of %(unit)s"),
    }[area.source] % {"unit": unit.official_name}


def outside_poland_reason(geometry: BaseGeometry, crs: str) -> str:
    """Why a geometry in ``crs`` (easting-northing) does not lie in Poland, for people."""
    minx, miny, maxx, maxy = geometry.bounds
    largest = max(abs(minx), abs(miny), abs(maxx), abs(maxy))
    if largest > HUGE:
        return _(
            "coordinates such as %(value).0f are far too large for any Polish coordinate "
            "system: the file is damaged or uses other units"
        ) % {"value": largest}
    base = _("the coordinates lie outside Poland in %(crs)s") % {"crs": crs}
    swapped = (miny, minx, maxy, maxx)
    if _inside(swapped, crs):
        return (
            base
            + "; "
            + _(
                "with the axes swapped they would lie in Poland, so the file gives them in "
                "the wrong order (easting and northing exchanged)"
            )
        )
    for other in POLISH_CRS:
        if other == crs:
            continue
        if _inside((minx, miny, maxx, maxy), other) or _inside(swapped, other):
            return (
                base
                + "; "
                + _(
                    "they would lie in Poland in %(other)s, so the file probably states the "
                    "wrong coordinate system"
                )
                % {"other": other}
            )
    return base


def to_storage_checked(
    report: ImportReport,
    section: str,
    fid: str,
    geometry: BaseGeometry,
    crs: str,
    *,
    polygonal: bool = False,
    severity: str = SKIPPED,
) -> BaseGeometry | None:
    """The geometry in EPSG:2180, checked and repaired; None (reported) when unusable."""
    stored = _to_storage_checked(report, section, fid, geometry, crs, polygonal, severity)
    report.geometry_read(usable=stored is not None)
    return stored


def _to_storage_checked(
    report: ImportReport,
    section: str,
    fid: str,
    geometry: BaseGeometry,
    crs: str,
    polygonal: bool,
    severity: str,
) -> BaseGeometry | None:
    if polygonal and not isinstance(geometry, Polygon | MultiPolygon):
        report.problem(
            section,
            fid,
            "geometry_type",
            _("the geometry is a %(type)s, not a polygon") % {"type": geometry.geom_type},
            severity,
        )
        return None
    try:
        stored = to_storage(geometry, crs)
    except (ProjError, ValueError) as exc:
        report.problem(
            section,
            fid,
            "crs_transform",
            _("the coordinates cannot be transformed from %(crs)s: %(reason)s")
            % {"crs": crs, "reason": exc},
            severity,
        )
        return None
    check = prepare_geometry(stored)
    if check.geometry is None:
        bounds = stored.bounds if not stored.is_empty else (0.0, 0.0, 0.0, 0.0)
        if not stored.is_empty and not (
            all(math.isfinite(v) for v in bounds) and inside_poland(bounds)
        ):
            reason = outside_poland_reason(geometry, crs)
            report.problem(section, fid, "outside_poland", reason, severity)
        else:
            report.problem(section, fid, "geometry_invalid", check.problem, severity)
        return None
    if report.area is not None and not overlaps(check.geometry.bounds, report.area):
        report.problem(
            section,
            fid,
            "outside_unit",
            _(
                "the feature lies far outside %(area)s (%(x).0f, %(y).0f in EPSG:2180): wrong "
                "coordinates or another unit's data"
            )
            % {
                "area": report.area_source,
                "x": check.geometry.centroid.x,
                "y": check.geometry.centroid.y,
            },
            severity,
        )
        return None
    if check.repaired:
        report.problem(
            section,
            fid,
            "geometry_repaired",
            _(
                "invalid geometry repaired (%(reason)s); area %(before).2f m² before, "
                "%(after).2f m² after the repair"
            )
            % {
                "reason": explain(stored),
                "before": stored.area,
                "after": check.geometry.area,
            },
            REPAIRED,
        )
    return check.geometry
