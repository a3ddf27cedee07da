"""The area of a unit, as far as the platform knows it (EPSG:2180 boxes).

The platform keeps no unit boundaries (the TERC register has codes and names,
no geometry), so a unit's area is taken from what it does have, in order:

1. **its own data**: the extent of the unit's layers — for the import check
   only its cadastre (parcels and precincts), because an "other" layer is
   exactly what a wrong import would have spoilt;
2. **the units below it** (the gminy of a powiat, every unit of the
   województwo): the same, over their layers;
3. **the unit above it**: the parent's own layers of that kind (a powiat
   that publishes the cadastre of all its gminy covers each of them);
4. **its województwo**: the bounding box of the voivodeship named by the
   first two digits of its TERC code (a partner without TERC: its parent's),
   from :data:`VOIVODESHIP_LONLAT`;
5. Poland (:data:`geo.crs.POLAND_2180`).

The map of a unit without any data of its own opens on this area (not on
the whole of Poland), and an import refuses features far outside it (see
``geo.importers.checks``). docs/decisions/0013-geo-unit-area.md explains why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from django.db.models import Max, Min

from infostrada.geo.crs import POLAND_2180, bbox_to_storage
from infostrada.geo.models import Layer
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import Kind

Box = tuple[float, float, float, float]

#: Bounding boxes of the 16 voivodeships in longitude/latitude (WGS 84), rounded
#: outward to 0.1° (so a little larger than the real ones), keyed by the TERC
#: voivodeship code. Approximate: read off the national boundary register (PRG,
#: GUGiK) at that precision; they only place a map and catch features that are
#: hundreds of kilometres off, never decide whether a parcel is in a unit.
VOIVODESHIP_LONLAT: Final[dict[str, Box]] = {
    "02": (14.8, 50.1, 17.8, 51.9),  # dolnośląskie
    "04": (17.2, 52.3, 19.8, 53.8),  # kujawsko-pomorskie
    "06": (21.6, 50.2, 24.2, 52.3),  # lubelskie
    "08": (14.5, 51.3, 16.5, 53.2),  # lubuskie
    "10": (18.0, 50.8, 20.7, 52.4),  # łódzkie
    "12": (19.0, 49.1, 21.5, 50.6),  # małopolskie
    "14": (19.2, 51.0, 23.2, 53.5),  # mazowieckie
    "16": (16.9, 49.9, 18.8, 51.2),  # opolskie
    "18": (21.1, 49.0, 23.6, 50.9),  # podkarpackie
    "20": (21.5, 52.2, 24.0, 54.5),  # podlaskie
    "22": (16.6, 53.4, 19.7, 54.9),  # pomorskie
    "24": (18.0, 49.3, 19.9, 51.1),  # śląskie
    "26": (19.6, 50.2, 21.9, 51.4),  # świętokrzyskie
    "28": (19.1, 53.1, 22.9, 54.5),  # warmińsko-mazurskie
    "30": (15.7, 51.1, 19.2, 53.7),  # wielkopolskie
    "32": (14.1, 52.6, 17.0, 54.6),  # zachodniopomorskie
}
CADASTRE: Final = (Layer.Kind.PARCELS, Layer.Kind.PRECINCTS)


@dataclass(frozen=True)
class UnitArea:
    """A unit's area (EPSG:2180) and where it comes from, for messages and tests."""

    box: Box
    source: str  # "own", "below", "parent", "voivodeship", "poland"

    def grown(self, metres: float) -> Box:
        minx, miny, maxx, maxy = self.box
        return (minx - metres, miny - metres, maxx + metres, maxy + metres)


def _layers_box(layers: Iterable[Layer] | object) -> Box | None:
    stats = layers.aggregate(  # type: ignore[attr-defined]
        minx=Min("minx"), miny=Min("miny"), maxx=Max("maxx"), maxy=Max("maxy")
    )
    if stats["minx"] is None:
        return None
    return (stats["minx"], stats["miny"], stats["maxx"], stats["maxy"])


def _below(unit: Unit) -> list[int]:
    if unit.kind == Kind.WOJEWODZTWO:
        return list(Unit.objects.of_region(unit).exclude(pk=unit.pk).values_list("pk", flat=True))
    if unit.kind == Kind.POWIAT:
        return list(Unit.objects.filter(parent=unit).values_list("pk", flat=True))
    return []


def voivodeship_box(unit: Unit) -> Box | None:
    """The box (EPSG:2180) of the unit's voivodeship by its TERC code, or its parent's."""
    current: Unit | None = unit
    for _depth in range(4):
        if current is None:
            return None
        if current.teryt:
            lonlat = VOIVODESHIP_LONLAT.get(current.teryt[:2])
            return bbox_to_storage(lonlat, "OGC:CRS84") if lonlat else None
        current = current.parent
    return None


def unit_area(unit: Unit, *, cadastre_only: bool = False, public_only: bool = False) -> UnitArea:
    """The unit's area by the rule of this module's docstring."""

    def layers(**where: object) -> object:
        found = Layer.objects.filter(minx__isnull=False, **where)
        if cadastre_only:
            found = found.filter(kind__in=CADASTRE)
        if public_only:
            found = found.filter(is_public=True)
        return found

    box = _layers_box(layers(unit=unit))
    if box is not None:
        return UnitArea(box, "own")
    below = _below(unit)
    if below:
        box = _layers_box(layers(unit__in=below))
        if box is not None:
            return UnitArea(box, "below")
    if unit.parent_id is not None:
        box = _layers_box(layers(unit_id=unit.parent_id))
        if box is not None:
            return UnitArea(box, "parent")
    box = voivodeship_box(unit)
    if box is not None:
        return UnitArea(box, "voivodeship")
    return UnitArea(POLAND_2180, "poland")


def overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
