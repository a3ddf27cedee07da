"""Geoportal data of the demo region (called by ``seed-demo``): idempotent.

Toruń and Gmina Lubicz get a synthetic cadastre (``demo_cadastre``): the
layers ``obreby`` (precincts), ``dzialki`` (parcels, with their ``Parcel``
rows: identifier, register area, address) and ``budynki`` (buildings); Lubicz
also a local plan (``mpzp-grebocin``) and its general plan (``plan-ogolny``),
each a layer with a ``Plan`` and its ``PlanZone`` rows (``demo_plans``).
Nothing is downloaded; the data are generated from fixed seeds, so every run
generates the same.

Each layer is written in one transaction: the small ones (precincts, plan
zones) through ``geo.services.store_features``, parcels and buildings (tens of
thousands) through the bulk writer of ``geo.scale``, which writes the same
rows ten times faster. A layer that
exists is left as it is, so a second run changes nothing and costs a few
queries (the generation itself, a few seconds, runs only when a layer is
missing).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from django.db import transaction
from shapely.geometry.base import BaseGeometry

from infostrada.audit.context import Actor
from infostrada.geo import scale, services
from infostrada.geo.demo_cadastre import Cadastre, PrecinctData
from infostrada.geo.demo_cadastre import build as build_cadastre
from infostrada.geo.demo_plans import (
    GENERAL_TYPES,
    LOCAL_TYPES,
    PlanData,
    general_plan,
    local_plan,
)
from infostrada.geo.demo_region import UNITS, UnitSpec
from infostrada.geo.models import Layer, Plan, PlanZone, Precinct
from infostrada.geo.scale import insert_features, insert_parcels
from infostrada.tenancy.models import Unit

DASH = "\N{EN DASH}"
ATTRIBUTION = "Dane demonstracyjne Infostrady (syntetyczne, nie pochodzą z EGiB ani z planów)"
PRECINCTS, PARCELS, BUILDINGS = "obreby", "dzialki", "budynki"

PARCEL_SCHEMA = [
    {"name": "identifier", "type": "string", "title": "Identyfikator działki"},
    {"name": "number", "type": "string", "title": "Numer działki"},
    {"name": "precinct", "type": "string", "title": "Identyfikator obrębu"},
    {"name": "precinct_name", "type": "string", "title": "Obręb"},
    {"name": "area", "type": "number", "title": "Powierzchnia ewidencyjna [m²]"},
    {"name": "land_use", "type": "string", "title": "Użytek gruntowy"},
    {"name": "address", "type": "string", "title": "Adres"},
]
PRECINCT_SCHEMA = [
    {"name": "identifier", "type": "string", "title": "Identyfikator obrębu"},
    {"name": "code", "type": "string", "title": "Numer obrębu"},
    {"name": "name", "type": "string", "title": "Nazwa obrębu"},
]
BUILDING_SCHEMA = [
    {"name": "identifier", "type": "string", "title": "Identyfikator budynku"},
    {"name": "function", "type": "string", "title": "Funkcja budynku"},
    {"name": "floors", "type": "integer", "title": "Liczba kondygnacji nadziemnych"},
    {"name": "year", "type": "integer", "title": "Rok zakończenia budowy"},
    {"name": "parcel", "type": "string", "title": "Działka"},
    {"name": "address", "type": "string", "title": "Adres"},
]
ZONE_SCHEMA = [
    {"name": "symbol", "type": "string", "title": "Symbol"},
    {"name": "zone_type", "type": "string", "title": "Przeznaczenie (rodzaj)"},
    {"name": "designation", "type": "string", "title": "Przeznaczenie"},
]
GENERAL_ZONE_SCHEMA = [
    *ZONE_SCHEMA,
    {"name": "max_intensity", "type": "number", "title": "Maks. nadziemna intensywność"},
    {"name": "max_height", "type": "number", "title": "Maks. wysokość zabudowy [m]"},
    {"name": "max_coverage", "type": "number", "title": "Maks. udział pow. zabudowy [%]"},
    {"name": "min_biological", "type": "number", "title": "Min. udział pow. biol. czynnej [%]"},
]

# Parcels by land use (EGiB symbols, rozporządzenie w sprawie EGiB, załącznik nr 6).
LAND_USE = {
    "B": ("#f2c9a0", "tereny mieszkaniowe"),
    "Ba": ("#c9b3d9", "tereny przemysłowe"),
    "Bi": ("#e3cfc0", "inne tereny zabudowane"),
    "Bp": ("#efe3d3", "zurbanizowane tereny niezabudowane"),
    "dr": ("#d4d4d4", "drogi"),
    "R": ("#f6efc2", "grunty orne"),
    "Ł": ("#d6ecb8", "łąki trwałe"),
    "Ps": ("#e2f0c9", "pastwiska trwałe"),
    "Ls": ("#9cc98a", "lasy"),
    "Lz": ("#b8d9a6", "grunty zadrzewione i zakrzewione"),
    "Wp": ("#a9cfe8", "grunty pod wodami powierzchniowymi płynącymi"),
}
BUILDING_COLOURS = {
    "budynek mieszkalny jednorodzinny": "#d9826b",
    "budynek mieszkalny wielorodzinny": "#b5523b",
    "budynek handlowo-usługowy": "#c8323c",
    "budynek biurowy": "#9c4f8c",
    "budynek przemysłowy": "#7d6b9e",
    "budynek magazynowy": "#8f86a8",
    "budynek garażu": "#a39a8f",
    "budynek gospodarczy": "#b0a48a",
}
# Local plan colours as Polish plan drawings use them (housing yellow, services red,
# green green, farmland light green, roads grey).
LOCAL_COLOURS = {
    "MN": "#ffe45c",
    "U": "#e8323c",
    "ZP": "#4caf50",
    "R": "#d4eba5",
    "KDL": "#9e9e9e",
    "KDD": "#bdbdbd",
    "KDW": "#d6d6d6",
}
GENERAL_COLOURS = {
    "SW": "#c8641e",
    "SJ": "#ffd23f",
    "SZ": "#e3c57a",
    "SU": "#e8323c",
    "SH": "#b4286e",
    "SP": "#8c78b4",
    "SR": "#d6eaa0",
    "SI": "#5a7896",
    "SN": "#46aa46",
    "SC": "#2d6e46",
    "SG": "#8c5a32",
    "SO": "#9fd3b8",
    "SK": "#9b9b9b",
}

Log = Callable[[str], Any]


def layer_slugs(spec: UnitSpec) -> list[str]:
    slugs = [PRECINCTS, PARCELS, BUILDINGS]
    if spec.slug == "lubicz":
        slugs += ["mpzp-grebocin", "plan-ogolny"]
    return slugs


def seed(units: list[Unit], actor: Actor, log: Log) -> None:
    by_slug = {u.slug: u for u in units}
    for spec in UNITS:
        unit = by_slug.get(spec.slug)
        if unit is None:
            continue
        present = set(
            Layer.objects.for_unit(unit)
            .filter(slug__in=layer_slugs(spec))
            .values_list("slug", flat=True)
        )
        missing = [s for s in layer_slugs(spec) if s not in present]
        if not missing:
            continue
        started = time.monotonic()
        cadastre = build_cadastre(spec)
        generated = time.monotonic()
        if PRECINCTS in missing:
            _precincts(unit, actor, cadastre)
        if PARCELS in missing:
            _parcels(unit, actor, cadastre)
        if BUILDINGS in missing:
            _buildings(unit, actor, cadastre)
        if spec.slug == "lubicz":
            for plan in (local_plan(cadastre), general_plan(cadastre)):
                if plan.slug in missing:
                    _plan(unit, actor, plan)
        parcels = sum(len(p.parcels) for p in cadastre.precincts)
        log(
            f"geo: {unit.slug}: {len(cadastre.precincts)} precincts, {parcels} parcels "
            f"({', '.join(missing)}) in {time.monotonic() - started:.1f} s "
            f"(generated in {generated - started:.1f} s)"
        )


def grow(n: int, units: list[Unit], log: Log) -> None:
    """``seed-demo --scale N``: N x 10,000 synthetic parcels in the bench unit (``geo.scale``)."""
    scale.grow(n, units, log)


def _layer(
    unit: Unit,
    actor: Actor,
    slug: str,
    *,
    title: str,
    kind: str,
    schema: list[dict[str, str]],
    style: dict[str, Any],
    description: str,
) -> Layer:
    layer = services.create_layer(
        actor=actor,
        unit=unit,
        slug=slug,
        title=title,
        kind=kind,
        schema=schema,
        style=style,
        attribution=ATTRIBUTION,
    )
    layer.description = description
    layer.save(update_fields=["description"])
    return layer


def _classes(colours: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """Style classes, labelled with the symbol and its name for the legend."""
    out = {}
    for key, value in colours.items():
        colour, name = value if isinstance(value, tuple) else (value, (names or {}).get(key))
        out[key] = {"fill": colour, "label": f"{key} {DASH} {name}" if name else key}
    return out


def _store(
    layer: Layer, rows: Iterable[tuple[str, dict[str, Any], BaseGeometry]]
) -> dict[str, int]:
    return services.store_features(layer, rows).feature_ids


def _precincts(unit: Unit, actor: Actor, cadastre: Cadastre) -> None:
    with transaction.atomic():
        layer = _layer(
            unit,
            actor,
            PRECINCTS,
            title="Obręby ewidencyjne",
            kind=Layer.Kind.PRECINCTS,
            schema=PRECINCT_SCHEMA,
            style={"fill": None, "stroke": "#c0392b", "width": 2.0, "opacity": 0.0},
            description="Granice obrębów ewidencyjnych z numerami i nazwami (dane demonstracyjne).",
        )
        ids = _store(
            layer,
            (
                (
                    p.identifier,
                    {"identifier": p.identifier, "code": f"{p.spec.code:04d}", "name": p.spec.name},
                    p.geometry,
                )
                for p in cadastre.precincts
            ),
        )
        Precinct.objects.bulk_create(
            [
                Precinct(
                    unit=unit,
                    feature_id=ids[p.identifier],
                    identifier=p.identifier,
                    name=p.spec.name,
                )
                for p in cadastre.precincts
            ]
        )


def _parcel_properties(precinct: PrecinctData, parcel: Any) -> dict[str, Any]:
    return {
        "identifier": parcel.identifier,
        "number": parcel.number,
        "precinct": precinct.identifier,
        "precinct_name": precinct.spec.name,
        "area": float(parcel.area),
        "land_use": parcel.land_use,
        "address": parcel.address,
    }


def _parcels(unit: Unit, actor: Actor, cadastre: Cadastre) -> None:
    with transaction.atomic():
        layer = _layer(
            unit,
            actor,
            PARCELS,
            title="Działki ewidencyjne",
            kind=Layer.Kind.PARCELS,
            schema=PARCEL_SCHEMA,
            style={
                "fill": "#f6efc2",
                "stroke": "#6b4f2c",
                "width": 1.0,
                "opacity": 0.35,
                "by": "land_use",
                "classes": _classes(LAND_USE),
            },
            description=(
                "Działki ewidencyjne z numerami, powierzchnią ewidencyjną, użytkiem i adresem "
                "(dane demonstracyjne, wygenerowane)."
            ),
        )
        rows = list(cadastre.parcels())
        insert_features(
            layer,
            [parcel.identifier for _precinct, parcel in rows],
            [_parcel_properties(precinct, parcel) for precinct, parcel in rows],
            np.array([parcel.geometry for _precinct, parcel in rows], dtype=object),
        )
        insert_parcels(
            layer,
            [
                (p.identifier, precinct.identifier, p.number, p.area, p.address)
                for precinct, p in rows
            ],
        )
        services.refresh_extent(layer)


def _buildings(unit: Unit, actor: Actor, cadastre: Cadastre) -> None:
    with transaction.atomic():
        layer = _layer(
            unit,
            actor,
            BUILDINGS,
            title="Budynki",
            kind=Layer.Kind.BUILDINGS,
            schema=BUILDING_SCHEMA,
            style={
                "fill": "#c98b6b",
                "stroke": "#5a3726",
                "width": 1.0,
                "opacity": 0.8,
                "by": "function",
                "classes": _classes(BUILDING_COLOURS),
            },
            description=(
                "Obrysy budynków z funkcją, liczbą kondygnacji i rokiem budowy "
                "(dane demonstracyjne)."
            ),
        )
        buildings = [b for _precinct, parcel in cadastre.parcels() for b in parcel.buildings]
        insert_features(
            layer,
            [b.fid for b in buildings],
            [b.properties for b in buildings],
            np.array([b.geometry for b in buildings], dtype=object),
        )
        services.refresh_extent(layer)


def _plan(unit: Unit, actor: Actor, plan: PlanData) -> None:
    local = plan.kind == "local"
    colours = LOCAL_COLOURS if local else GENERAL_COLOURS
    types = LOCAL_TYPES if local else GENERAL_TYPES
    with transaction.atomic():
        layer = _layer(
            unit,
            actor,
            plan.slug,
            title=plan.title,
            kind=Layer.Kind.LOCAL_PLAN if local else Layer.Kind.GENERAL_PLAN,
            schema=ZONE_SCHEMA if local else GENERAL_ZONE_SCHEMA,
            style={
                "fill": "#ffffff",
                "stroke": "#3d3d3d",
                "width": 1.0,
                "opacity": 0.55,
                "by": "zone_type",
                "classes": _classes(colours, types),
            },
            description=f"{plan.resolution} Dane demonstracyjne: plan fikcyjny.",
        )
        ids = _store(
            layer,
            (
                (
                    zone.symbol,
                    {
                        "symbol": zone.symbol,
                        "zone_type": zone.zone_type,
                        "designation": zone.designation,
                        **({} if local else zone.parameters),
                    },
                    zone.geometry,
                )
                for zone in plan.zones
            ),
        )
        row = Plan.objects.create(
            unit=unit,
            kind=Plan.Kind.LOCAL if local else Plan.Kind.GENERAL,
            app_id=plan.app_id,
            title=plan.title,
            resolution=plan.resolution,
            adopted_on=plan.adopted_on,
            in_force=True,
            layer=layer,
        )
        PlanZone.objects.bulk_create(
            [
                PlanZone(
                    unit=unit,
                    plan=row,
                    feature_id=ids[zone.symbol],
                    symbol=zone.symbol,
                    designation=zone.designation,
                    zone_type=zone.zone_type,
                    provisions=zone.provisions,
                )
                for zone in plan.zones
            ]
        )
