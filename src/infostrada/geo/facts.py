"""What the geoportal states about a parcel, and what lies at a point of the map.

A parcel page lists the buildings standing on the parcel (features of the
unit's public building layers whose geometry overlaps it, not merely touches
it) and the zones of the planning acts that cover it, each with its share of
the parcel's area: the local plans in force (MPZP) and the general plan. The
shares come from the exact geometries (shapely), after the spatial index gave
the candidates (geo.query), so a page costs a few indexed reads whatever the
size of the gmina.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely import make_valid
from shapely.errors import GEOSException
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from infostrada.geo.models import Layer, Parcel, Plan, PlanZone, Precinct
from infostrada.geo.query import iter_intersecting
from infostrada.tenancy.models import Unit

# Overlaps smaller than this are slivers of two surveys that do not quite
# meet (a zone boundary drawn along the parcel's edge), not real coverage.
MIN_OVERLAP_M2 = 0.5
MAX_ATTRIBUTES = 12


@dataclass(frozen=True)
class Attribute:
    title: str
    value: str


def attributes(layer: Layer, properties: dict[str, Any]) -> list[Attribute]:
    """A feature's attributes titled by the layer's schema (all of them if it has none)."""
    schema = [f for f in layer.schema or [] if isinstance(f, dict) and f.get("name")]
    if schema:
        pairs = [(str(f.get("title") or f["name"]), properties.get(f["name"])) for f in schema]
    else:
        pairs = list(properties.items())
    return [
        Attribute(str(title), str(value))
        for title, value in pairs
        if value not in (None, "", [], {})
    ][:MAX_ATTRIBUTES]


def _overlap(a: BaseGeometry, b: BaseGeometry) -> float:
    try:
        return a.intersection(b).area
    except GEOSException:
        return make_valid(a).intersection(make_valid(b)).area


@dataclass(frozen=True)
class BuildingOnParcel:
    fid: str
    layer: Layer
    attributes: list[Attribute]
    area_on_parcel: float | None  # m²; None for a building mapped as a point


@dataclass(frozen=True)
class ZoneShare:
    zone: PlanZone
    plan: Plan
    area: float  # m² of the parcel in the zone
    share: float  # 0..1 of the parcel's area

    @property
    def percent(self) -> float:
        return round(self.share * 100, 1)


@dataclass
class ParcelFacts:
    parcel: Parcel
    layer: Layer
    geometry: BaseGeometry
    precinct_name: str
    computed_area: float
    buildings: list[BuildingOnParcel] = field(default_factory=list)
    local_zones: list[ZoneShare] = field(default_factory=list)
    general_zones: list[ZoneShare] = field(default_factory=list)


def public_parcel(unit: Unit, identifier: str) -> Parcel | None:
    """The unit's parcel with this identifier, if its layer is public."""
    return (
        Parcel.objects.for_unit(unit)
        .filter(identifier=identifier, feature__layer__is_public=True)
        .select_related("feature", "feature__layer")
        .first()
    )


def parcel_facts(unit: Unit, parcel: Parcel) -> ParcelFacts:
    feature = parcel.feature
    geometry = feature.geometry
    precinct_name = (
        Precinct.objects.for_unit(unit)
        .filter(identifier=parcel.precinct)
        .values_list("name", flat=True)
        .first()
        or ""
    )
    facts = ParcelFacts(
        parcel=parcel,
        layer=feature.layer,
        geometry=geometry,
        precinct_name=precinct_name,
        computed_area=geometry.area,
    )
    facts.buildings = _buildings(unit, geometry)
    facts.local_zones, facts.general_zones = _zones(unit, geometry)
    return facts


def _buildings(unit: Unit, geometry: BaseGeometry) -> list[BuildingOnParcel]:
    layers = {
        layer.pk: layer
        for layer in Layer.objects.for_unit(unit).filter(kind=Layer.Kind.BUILDINGS, is_public=True)
    }
    found: list[BuildingOnParcel] = []
    prepared = prep(geometry)
    for row in iter_intersecting(list(layers), geometry.bounds):
        if not prepared.intersects(row.geometry):
            continue
        area: float | None = None
        if row.geometry.area > 0:
            area = _overlap(geometry, row.geometry)
            if area < MIN_OVERLAP_M2:
                continue
        layer = layers[row.layer_id]
        found.append(BuildingOnParcel(row.fid, layer, attributes(layer, row.properties), area))
    return sorted(found, key=lambda b: (-(b.area_on_parcel or 0), b.fid))


def _zones(unit: Unit, geometry: BaseGeometry) -> tuple[list[ZoneShare], list[ZoneShare]]:
    """Zones of local plans in force and of the general plan, largest share first."""
    plans = list(
        Plan.objects.for_unit(unit)
        .filter(layer__is_public=True)
        .exclude(kind=Plan.Kind.LOCAL, in_force=False)
    )
    if not plans:
        return [], []
    prepared = prep(geometry)
    candidates = {
        row.id: row
        for row in iter_intersecting(sorted({p.layer_id for p in plans}), geometry.bounds)
        if prepared.intersects(row.geometry)
    }
    zones = PlanZone.objects.for_unit(unit).filter(feature_id__in=list(candidates), plan__in=plans)
    by_plan = {p.pk: p for p in plans}
    local: list[ZoneShare] = []
    general: list[ZoneShare] = []
    parcel_area = geometry.area
    for zone in zones:
        area = _overlap(geometry, candidates[zone.feature_id].geometry)
        if area < MIN_OVERLAP_M2 or parcel_area <= 0:
            continue
        plan = by_plan[zone.plan_id]
        share = ZoneShare(zone=zone, plan=plan, area=area, share=min(area / parcel_area, 1.0))
        (general if plan.kind == Plan.Kind.GENERAL else local).append(share)
    order = lambda z: (-z.share, z.zone.symbol)  # noqa: E731
    return sorted(local, key=order), sorted(general, key=order)


# -- what lies at a point -----------------------------------------------------


@dataclass(frozen=True)
class PointFeature:
    layer: Layer
    fid: str
    attributes: list[Attribute]
    parcel: str = ""  # the parcel's identifier, for a feature of a parcel layer
    zone: PlanZone | None = None


def features_at(
    layers: Sequence[Layer], x: float, y: float, *, radius: float, limit: int = 20
) -> list[PointFeature]:
    """Features of ``layers`` within ``radius`` metres of (x, y) in EPSG:2180, by layer."""
    if not layers:
        return []
    by_id = {layer.pk: layer for layer in layers}
    point = Point(x, y)
    rows = []
    for row in iter_intersecting(list(by_id), (x - radius, y - radius, x + radius, y + radius)):
        if row.geometry.distance(point) <= radius:
            rows.append(row)
            if len(rows) >= limit * 4:
                break
    order = {layer.pk: i for i, layer in enumerate(layers)}
    rows.sort(key=lambda r: (order[r.layer_id], r.geometry.distance(point), r.fid))
    rows = rows[:limit]
    ids = [r.id for r in rows]
    unit_ids = {by_id[r.layer_id].unit_id for r in rows}
    parcels = (
        dict(
            Parcel.objects.filter(unit_id__in=unit_ids, feature_id__in=ids).values_list(
                "feature_id", "identifier"
            )
        )
        if rows
        else {}
    )
    zones = (
        {
            z.feature_id: z
            for z in PlanZone.objects.filter(
                unit_id__in=unit_ids, feature_id__in=ids
            ).select_related("plan")
        }
        if rows
        else {}
    )
    return [
        PointFeature(
            layer=by_id[r.layer_id],
            fid=r.fid,
            attributes=attributes(by_id[r.layer_id], r.properties),
            parcel=parcels.get(r.id, ""),
            zone=zones.get(r.id),
        )
        for r in rows
    ]
