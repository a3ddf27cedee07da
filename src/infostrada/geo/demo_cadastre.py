"""The demo units' cadastre as data: precincts, numbered parcels, addresses, buildings.

No database here (``geo.demo`` writes it). The unit's outline is cut into
precincts (a Voronoi partition around their cores, on each side of the
Vistula); each precinct is laid out by ``demo_layout`` and its parcels are
numbered the way a register numbers them: in order across the precinct, now
and then skipping a number, and with fractions where a parcel was divided
(``123/1``, ``123/2``; a later division of ``123/2`` gives ``123/3`` and
``123/4``). The register's area is the geometry's area rounded to square
metres, for older entries to the are (100 m²) or a little off (earlier
surveys). Built-up plots get an address on the street they face: odd numbers
on one side, even on the other, growing along the street.
"""

from __future__ import annotations

import functools
import random
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import split

from infostrada.geo import demo_layout
from infostrada.geo.demo_region import (
    DRWECA,
    DRWECA_HALF_WIDTH,
    LUBICZ,
    MAIN_ROAD,
    MAIN_ROAD_HALF_WIDTH,
    STREETS,
    TORUN,
    VISTULA,
    VISTULA_HALF_WIDTH,
    PrecinctSpec,
    UnitSpec,
)
from infostrada.geo.identifiers import precinct_id

BUILT = {"B", "Ba"}


@dataclass
class BuildingData:
    fid: str
    properties: dict[str, object]
    geometry: Polygon


@dataclass
class ParcelData:
    identifier: str
    number: str
    geometry: Polygon
    area: Decimal  # in the register
    land_use: str
    address: str = ""
    buildings: list[BuildingData] = field(default_factory=list)


@dataclass
class PrecinctData:
    spec: PrecinctSpec
    identifier: str  # WWPPGG_R.OOOO
    geometry: BaseGeometry
    layout: demo_layout.Layout
    region: BaseGeometry  # the precinct without rivers and the main road
    parcels: list[ParcelData]
    streets: dict[int, str] = field(default_factory=dict)  # layout street id -> name


@dataclass
class Cadastre:
    unit: UnitSpec
    outline: BaseGeometry
    precincts: list[PrecinctData]
    rivers: BaseGeometry
    main_road: BaseGeometry

    def parcels(self) -> Iterator[tuple[PrecinctData, ParcelData]]:
        for precinct in self.precincts:
            for parcel in precinct.parcels:
                yield precinct, parcel


def rng_for(*key: object) -> random.Random:
    """A generator seeded by a stable key (not by ``hash()``, which changes per process)."""
    seed = zlib.crc32(":".join(str(k) for k in key).encode())
    return random.Random(seed)  # noqa: S311 (made-up data, not secrets)


def waters() -> tuple[BaseGeometry, BaseGeometry]:
    vistula = LineString(VISTULA).buffer(VISTULA_HALF_WIDTH, cap_style="flat")
    drweca = LineString(DRWECA).buffer(DRWECA_HALF_WIDTH, cap_style="flat")
    return vistula, drweca


def outline(unit: UnitSpec) -> BaseGeometry:
    """The unit's area: Lubicz ends at Toruń's boundary and at the Vistula's axis."""
    shape = Polygon(unit.outline)
    if unit is LUBICZ:
        shape = shape.difference(Polygon(TORUN.outline))
        river = LineString(VISTULA)
        north = [p for p in split(shape, river).geoms if _north_of(p, river)]
        shape = shapely.union_all(north)
    return shape


def _north_of(part: BaseGeometry, river: LineString) -> bool:
    point = part.representative_point()
    return point.y > river.interpolate(river.project(point)).y


def partition(unit: UnitSpec, area: BaseGeometry) -> dict[int, BaseGeometry]:
    """Precinct code -> its area: Voronoi cells of the cores, on each bank separately."""
    cells: dict[int, BaseGeometry] = {}
    for bank in split(area, LineString(VISTULA)).geoms:
        seeds = [s for s in unit.precincts if bank.contains(Point(s.seed))]
        if not seeds:
            continue
        if len(seeds) == 1:
            cells[seeds[0].code] = bank
            continue
        voronoi = shapely.voronoi_polygons(
            MultiPoint([s.seed for s in seeds]), extend_to=bank, ordered=True
        )
        for spec, cell in zip(seeds, voronoi.geoms, strict=True):
            cells[spec.code] = cell.intersection(bank)
    return cells


@functools.lru_cache(maxsize=2)
def build(unit: UnitSpec) -> Cadastre:
    """The whole cadastre of a demo unit (deterministic; kept for the process, read-only)."""
    area = outline(unit)
    vistula, drweca = waters()
    rivers = shapely.union(vistula, drweca)
    main_road = (
        LineString(MAIN_ROAD)
        .buffer(MAIN_ROAD_HALF_WIDTH, cap_style="flat")
        .intersection(area)
        .difference(rivers)
    )
    cells = partition(unit, area)
    terc = unit.terc
    names = _street_names(unit)
    precincts = []
    for spec in unit.precincts:
        cell = cells[spec.code]
        layout = demo_layout.lay_out(cell, spec.seed, spec.zones, rng_for(unit.slug, spec.code))
        region = cell.difference(rivers).difference(main_road)
        pieces = demo_layout.build(layout, region)
        identifier = precinct_id(terc, str(spec.code))
        extra = [(g, "Wp") for g in demo_layout.strips(rivers, cell)]
        extra += [(g, "dr") for g in demo_layout.strips(main_road, cell)]
        parcels = _number(identifier, pieces, extra, rng_for(unit.slug, spec.code, "numbers"))
        streets = _addresses(
            unit, spec, pieces, parcels, names, rng_for(unit.slug, spec.code, "addr")
        )
        precincts.append(PrecinctData(spec, identifier, cell, layout, region, parcels, streets))
    return Cadastre(unit, area, precincts, rivers.intersection(area), main_road)


def _number(
    precinct: str,
    pieces: list[demo_layout.Parcel],
    extra: list[tuple[Polygon, str]],
    rng: random.Random,
) -> list[ParcelData]:
    everything = [(p.geometry, p.land_use, p.row) for p in pieces] + [(g, u, -1) for g, u in extra]
    out: list[ParcelData] = []
    number = 0
    index = 0
    while index < len(everything):
        number += 2 if rng.random() < 0.04 else 1
        row = everything[index][2]
        size = 1
        if row >= 0 and rng.random() < 0.13:
            wanted = rng.choice((2, 2, 2, 3))
            while (
                size < wanted
                and index + size < len(everything)
                and everything[index + size][2] == row
            ):
                size += 1
        if size > 1:
            first = rng.choice((1, 1, 1, 3, 5))
            numbers = [f"{number}/{first + k}" for k in range(size)]
        elif rng.random() < 0.03:
            numbers = [f"{number}/{rng.choice((1, 2, 2, 3, 4))}"]
        else:
            numbers = [str(number)]
        for k, text in enumerate(numbers):
            geometry, land_use, _row = everything[index + k]
            out.append(
                ParcelData(
                    identifier=f"{precinct}.{text}",
                    number=text,
                    geometry=geometry,
                    area=_register_area(geometry.area, rng),
                    land_use=land_use,
                )
            )
        index += size
    return out


def _register_area(area: float, rng: random.Random) -> Decimal:
    r = rng.random()
    if r < 0.72:
        value = round(area)
    elif r < 0.87 and area > 1000:
        value = round(area, -2)  # entered in ares long ago
    else:
        value = round(area * (1 + rng.uniform(-0.012, 0.012)))  # an older survey
    return Decimal(f"{max(value, 1):.2f}")


def _street_names(unit: UnitSpec) -> dict[int, list[str]]:
    """The pool each precinct draws street names from (a town shares one pool)."""
    pools: dict[int, list[str]] = {}
    shared = list(STREETS)
    rng_for(unit.slug, "streets").shuffle(shared)
    for spec in unit.precincts:
        if unit.streets_per_precinct:
            own = list(STREETS)
            rng_for(unit.slug, spec.code, "streets").shuffle(own)
            pools[spec.code] = own
        else:
            pools[spec.code] = shared  # the same list: names are taken out as they are used
    return pools


def _addresses(
    unit: UnitSpec,
    spec: PrecinctSpec,
    pieces: list[demo_layout.Parcel],
    parcels: list[ParcelData],
    names: dict[int, list[str]],
    rng: random.Random,
) -> dict[int, str]:
    """House numbers along each street, addresses and the buildings' identifiers."""
    sides: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, piece in enumerate(pieces):  # pieces come first in ``parcels``, in order
        if piece.street is not None and piece.buildings:
            sides[(piece.street, piece.side if spec.streets else 0)].append(index)
    pool = names[spec.code]
    street_name: dict[int, str] = {}
    village_number = 0
    for street, side in sorted(sides):
        indices = sorted(sides[(street, side)], key=lambda i: pieces[i].order)
        if spec.streets and street not in street_name:
            if not pool:
                raise RuntimeError(f"demo street names ran out in {unit.slug}")
            street_name[street] = pool.pop(0)
        house = {1: -1, -1: 0, 0: 0}[side]
        lettered = False
        for index in indices:
            if not spec.streets:
                village_number += 1
                text = str(village_number)
            elif house > 0 and not lettered and rng.random() < 0.03:
                text, lettered = f"{house}A", True  # a house built later between two others
            else:
                house += 2
                text, lettered = str(house), False
            parcels[index].address = _address(unit, spec, street_name.get(street, ""), text)
    for index, piece in enumerate(pieces):
        parcel = parcels[index]
        for k, (building, footprint) in enumerate(piece.buildings, start=1):
            fid = f"{parcel.identifier}.{k}_BUD"
            parcel.buildings.append(
                BuildingData(
                    fid,
                    {
                        "identifier": fid,
                        "function": building.function,
                        "floors": building.floors,
                        "year": building.year,
                        "parcel": parcel.identifier,
                        "address": parcel.address if k == 1 else "",
                    },
                    footprint,
                )
            )
    return street_name


def _address(unit: UnitSpec, spec: PrecinctSpec, street: str, house: str) -> str:
    if unit.town:
        return f"ul. {street} {house}, {unit.postcode} {unit.town}"
    if spec.streets:
        return f"ul. {street} {house}, {unit.postcode} {spec.name}"
    return f"{spec.name} {house}, {unit.postcode} {unit.post_office}"
