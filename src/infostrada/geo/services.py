"""Writing spatial data: layers, and features stored with their box (one transaction each).

Every geometry that enters goes through :func:`prepare_geometry`: it must be
a non-empty polygon/line/point with finite coordinates inside Poland (in
EPSG:2180); an invalid polygon (self-intersection, bow-tie) is repaired with
shapely's ``make_valid`` and the repair is reported, never silently stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _
from shapely import make_valid
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import GEO_EDIT
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.geo.crs import inside_poland
from infostrada.geo.models import Feature, Layer, Parcel, Plan, Precinct
from infostrada.tenancy.models import Unit

BATCH = 1000


@dataclass
class GeometryCheck:
    geometry: BaseGeometry | None
    repaired: bool = False
    problem: str = ""


def prepare_geometry(geometry: BaseGeometry | None) -> GeometryCheck:
    """Validate and, where possible, repair one geometry already in EPSG:2180."""
    if geometry is None or geometry.is_empty:
        return GeometryCheck(None, problem=_("empty geometry"))
    bounds = geometry.bounds
    if not all(math.isfinite(v) for v in bounds):
        return GeometryCheck(None, problem=_("coordinates are not finite numbers"))
    if not inside_poland(bounds):
        return GeometryCheck(
            None,
            problem=_("coordinates lie outside Poland (wrong coordinate system or axis order?)"),
        )
    if geometry.is_valid:
        return GeometryCheck(geometry)
    fixed = make_valid(geometry)
    if isinstance(geometry, Polygon | MultiPolygon):
        parts = (
            [g for g in fixed.geoms if isinstance(g, Polygon | MultiPolygon)]
            if isinstance(fixed, GeometryCollection)
            else [fixed]
        )
        polygons: list[Polygon] = []
        for part in parts:
            polygons.extend(part.geoms if isinstance(part, MultiPolygon) else [part])
        polygons = [p for p in polygons if p.area > 0]
        if not polygons:
            return GeometryCheck(None, problem=_("the polygon has no area after repair"))
        fixed = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return GeometryCheck(fixed, repaired=True)


def create_layer(
    *,
    actor: Actor,
    unit: Unit,
    slug: str,
    title: str,
    kind: str = Layer.Kind.OTHER,
    schema: list[dict[str, str]] | None = None,
    style: dict[str, Any] | None = None,
    is_public: bool = True,
    is_regional: bool = False,
    attribution: str = "",
) -> Layer:
    ensure_can(actor, GEO_EDIT, unit)
    layer = Layer(
        unit=unit,
        slug=slug,
        title=title.strip(),
        kind=kind,
        schema=schema or [],
        style=style or {},
        is_public=is_public,
        is_regional=is_regional,
        attribution=attribution,
    )
    layer.full_clean()
    with transaction.atomic():
        layer.save()
        audit.record(
            actor,
            unit,
            "geo.layer.created",
            layer,
            changes={"slug": slug, "title": layer.title, "kind": kind},
        )
    return layer


@dataclass
class StoreReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    feature_ids: dict[str, int] = field(default_factory=dict)


def _row(layer: Layer, fid: str, properties: dict[str, Any], geometry: BaseGeometry) -> Feature:
    minx, miny, maxx, maxy = geometry.bounds
    return Feature(
        unit_id=layer.unit_id,
        layer=layer,
        fid=fid,
        properties=properties,
        geom=geometry.wkb,
        minx=minx,
        miny=miny,
        maxx=maxx,
        maxy=maxy,
        area=geometry.area if geometry.area > 0 else None,
    )


def store_features(
    layer: Layer,
    rows: Iterable[tuple[str, dict[str, Any], BaseGeometry]],
    *,
    replace: bool = False,
) -> StoreReport:
    """Create or update features by identifier, in the caller's transaction.

    A feature whose identifier is already in the layer is updated (not
    duplicated); with ``replace`` the layer's features missing from ``rows``
    are deleted. Geometries must already be checked (:func:`prepare_geometry`).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("features are stored inside the import's transaction")
    existing = {
        fid: (pk, properties, bytes(geom))
        for fid, pk, properties, geom in Feature.objects.for_unit(layer.unit_id)
        .filter(layer=layer)
        .values_list("fid", "pk", "properties", "geom")
        .iterator(chunk_size=2000)
    }
    report = StoreReport()
    new: list[Feature] = []
    seen: set[str] = set()
    for fid, properties, geometry in rows:
        if fid in seen:
            raise ValidationError(_("Identifier %(fid)s appears twice.") % {"fid": fid})
        seen.add(fid)
        row = _row(layer, fid, properties, geometry)
        if fid in existing:
            row.pk, old_properties, old_geom = existing[fid]
            if old_properties == properties and old_geom == row.geom:
                report.unchanged += 1
            else:
                row.save(
                    update_fields=[
                        "properties",
                        "geom",
                        "minx",
                        "miny",
                        "maxx",
                        "maxy",
                        "area",
                        "updated_at",
                    ]
                )
                report.updated += 1
            report.feature_ids[fid] = row.pk
        else:
            new.append(row)
            if len(new) >= BATCH:
                _create(new, report)
                new = []
    _create(new, report)
    if replace:
        gone = [pk for fid, (pk, _p, _g) in existing.items() if fid not in seen]
        for start in range(0, len(gone), BATCH):
            Feature.objects.for_unit(layer.unit_id).filter(
                pk__in=gone[start : start + BATCH]
            ).delete()
        report.deleted = len(gone)
    refresh_extent(layer)
    return report


def _create(rows: list[Feature], report: StoreReport) -> None:
    if not rows:
        return
    Feature.objects.bulk_create(rows, batch_size=BATCH)
    # bulk_create returns ids on PostgreSQL and SQLite ≥ 3.35; read them back to be sure
    ids = dict(
        Feature.objects.for_unit(rows[0].unit_id)
        .filter(layer_id=rows[0].layer_id, fid__in=[r.fid for r in rows])
        .values_list("fid", "pk")
    )
    report.feature_ids.update(ids)
    report.created += len(rows)


def refresh_extent(layer: Layer) -> None:
    """The layer's feature count and extent (shown in OGC API collections)."""
    stats = (
        Feature.objects.for_unit(layer.unit_id)
        .filter(layer=layer)
        .aggregate(minx=Min("minx"), miny=Min("miny"), maxx=Max("maxx"), maxy=Max("maxy"))
    )
    layer.feature_count = Feature.objects.for_unit(layer.unit_id).filter(layer=layer).count()
    for key, value in stats.items():
        setattr(layer, key, value)
    layer.save(update_fields=["feature_count", "minx", "miny", "maxx", "maxy", "updated_at"])


def delete_layer(*, actor: Actor, unit: Unit, layer: Layer) -> dict[str, Any]:
    """Delete a layer with everything in it, in one transaction, audited.

    Its features go, and with them the cadastre rows and plan zones they carry;
    the planning acts whose layer it is go too (a plan without its layer has
    nothing to show or to extract from). The audit entry keeps what was removed.
    """
    ensure_can(actor, GEO_EDIT, unit)
    if layer.unit_id != unit.pk:
        raise ValidationError(_("The layer belongs to another unit."))
    with transaction.atomic():
        features = Feature.objects.for_unit(unit).filter(layer=layer)
        removed = {
            "slug": layer.slug,
            "title": layer.title,
            "kind": layer.kind,
            "features": features.count(),
            "parcels": Parcel.objects.for_unit(unit).filter(feature__layer=layer).count(),
            "precincts": Precinct.objects.for_unit(unit).filter(feature__layer=layer).count(),
            "plans": Plan.objects.for_unit(unit).filter(layer=layer).count(),
        }
        audit.record(actor, unit, "geo.layer.deleted", layer, changes=removed)
        Plan.objects.for_unit(unit).filter(layer=layer).delete()
        features.delete()
        layer.delete()
    return removed
