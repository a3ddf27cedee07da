"""Synthetic parcels for benchmarks (``seed-demo --scale N``), and the bulk writer behind them.

``grow(n)`` makes Gmina Lubicz (the bench unit, as for the EZD) hold N x 10,000
synthetic parcels: ``--scale 100`` gives 1,000,000. They live in a layer of
their own, ``dzialki-syntetyczne`` (kind parcels, public, so the OGC API, tiles
and WMS serve it like any other), with their precincts in
``obreby-syntetyczne``: the demo's ``dzialki`` stays the size of a real gmina
and readable on the map, while the spatial index, the parcel table and the
unit's identifier lookups carry the bench load. Each N is one synthetic
precinct (obręb 1001, 1002, ...) of 10,000 plots in a dense suburban grid:
blocks of 2 x 8 plots about 20 x 40 m (400-1,200 m²: their side lines are
skewed a few metres) between 10 m streets, about 2.7 x 3.6 km. The precincts
lie side by side, 20 to a row, east of Lubicz and further south row by row
(EPSG:2180 from 495 000 E, 585 000 N: plausible coordinates in Poland for
up to N = 2,000). About 60 % of the plots are built up and have an address.

Everything derives from the parcel's index (no random state), so a re-run
with the same N adds nothing, a larger N adds the difference, and an
interrupted run continues where it stopped. Rows are written in bulk, below
the ORM (``executemany``; measured ~10x faster than ``bulk_create`` here),
one transaction per batch of 10,000 parcels (their features and ``Parcel``
rows together); the spatial index (R*Tree triggers / GiST) is kept by the
database. There are no audit events for them, as for the other synthetic
data (``demo.scale``): nobody did anything.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from django.db import connection, transaction
from django.utils import timezone

from infostrada.audit.context import Actor
from infostrada.geo import services
from infostrada.geo.demo_region import STREETS
from infostrada.geo.models import Feature, Layer, Parcel, Precinct
from infostrada.tenancy.models import Unit

BENCH_UNIT = "lubicz"
LAYER = "dzialki-syntetyczne"
PRECINCT_LAYER = "obreby-syntetyczne"
FIRST_PRECINCT = 1001
PER_N = 10_000
BATCH = 10_000
MAX_N = 2_000
ORIGIN = (495_000.0, 585_000.0)  # north-west corner of the first synthetic precinct
PER_ROW = 20  # precincts per row of the grid
PLOT_W, PLOT_D, ROAD, BLOCK = 20.0, 40.0, 10.0, 8  # metres; plots per block along a street
COLUMNS = 125  # plots along a row of a precinct
SKEW = 4.0  # metres: how far a side line may lean
BUILT = 0.6
TERC = "041504_2"
POSTCODE = "87-162"
Log = Callable[[str], Any]


# --- bulk writing (shared with geo.demo) -------------------------------------------------------


def insert_features(
    layer: Layer,
    fids: Sequence[str],
    properties: Sequence[dict[str, Any]],
    geometries: np.ndarray,
    *,
    chunk: int = 5000,
) -> None:
    """Insert new features in bulk, in the caller's transaction (box columns from the geometry).

    The rows are what ``services.store_features`` would write (same WKB, box
    and area); the identifiers must be new in the layer (the unique constraint
    says so otherwise). The layer's count and extent are not refreshed here.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("features are written inside the caller's transaction")
    wkbs = shapely.to_wkb(geometries)
    bounds = shapely.bounds(geometries).tolist()
    areas = shapely.area(geometries).tolist()
    now = timezone.now()
    table = Feature._meta.db_table
    value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql = (
        f"INSERT INTO {table} (unit_id, layer_id, fid, properties, geom, minx, miny, maxx, "  # noqa: S608 (no user input)
        f"maxy, area, updated_at) VALUES (%s, %s, %s, {value}, %s, %s, %s, %s, %s, %s, %s)"
    )
    unit_id, layer_id = layer.unit_id, layer.pk
    with connection.cursor() as cursor:
        for start in range(0, len(fids), chunk):
            cursor.executemany(
                sql,
                [
                    (
                        unit_id,
                        layer_id,
                        fids[i],
                        json.dumps(properties[i]),
                        wkbs[i],
                        *bounds[i],
                        areas[i] if areas[i] > 0 else None,
                        now,
                    )
                    for i in range(start, min(start + chunk, len(fids)))
                ],
            )


def insert_parcels(
    layer: Layer,
    rows: Sequence[tuple[str, str, str, Decimal, str]],
    *,
    chunk: int = 5000,
) -> None:
    """``Parcel`` rows for features of ``layer``: (fid, precinct, number, area, address).

    Each row finds its feature by the layer's unique (layer, fid) index, so no
    ids travel back from the database.
    """
    sql = (
        f"INSERT INTO {Parcel._meta.db_table} (unit_id, feature_id, identifier, precinct, "  # noqa: S608
        f"number, area, address) SELECT f.unit_id, f.id, f.fid, %s, %s, %s, %s "
        f"FROM {Feature._meta.db_table} f WHERE f.layer_id = %s AND f.fid = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(
                sql,
                [
                    (precinct, number, area, address, layer.pk, identifier)
                    for identifier, precinct, number, area, address in rows[start : start + chunk]
                ],
            )


# --- synthetic parcels -------------------------------------------------------------------------


def _hash(*keys: np.ndarray | int) -> np.ndarray:
    """A uniform number in [0, 1) per element, from integer keys (no random state)."""
    h = np.uint64(1469598103934665603)
    for key in keys:
        h = (h ^ np.asarray(key, dtype=np.uint64)) * np.uint64(1099511628211)
        h ^= h >> np.uint64(29)
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _rows(per_n: int) -> int:
    rows = math.ceil(per_n / COLUMNS)
    return rows + rows % 2  # back-to-back pairs


def _size(per_n: int) -> tuple[float, float]:
    width = COLUMNS * PLOT_W + (COLUMNS - 1) // BLOCK * ROAD
    bands = _rows(per_n) // 2
    return width, bands * 2 * PLOT_D + (bands - 1) * ROAD


def _corner(precinct: int, per_n: int) -> tuple[float, float]:
    """South-west corner of the synthetic precinct with this index (0, 1, ...)."""
    width, height = _size(per_n)
    column, row = precinct % PER_ROW, precinct // PER_ROW
    x = ORIGIN[0] + column * (width + 200)
    y = ORIGIN[1] - row * (height + 200) - height
    return x, y


def plots(start: int, stop: int, per_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precinct index, plot index in it, polygons) of global parcel indices start..stop-1."""
    index = np.arange(start, stop, dtype=np.int64)
    precinct, j = index // per_n, index % per_n
    row, col = j // COLUMNS, j % COLUMNS
    corners = np.array([_corner(int(p), per_n) for p in range(precinct[0], precinct[-1] + 1)])
    x0 = corners[precinct - precinct[0], 0]
    y0 = corners[precinct - precinct[0], 1]
    band = row // 2
    bottom = y0 + band * (2 * PLOT_D + ROAD) + (row % 2) * PLOT_D
    top = bottom + PLOT_D
    front_is_bottom = row % 2 == 0  # the lower row faces the street below it

    def lean(k: np.ndarray, end: int) -> np.ndarray:
        """A side line shared by two plots leans the same for both; block ends do not lean."""
        inner = (k % BLOCK != 0) & (k != COLUMNS)
        return np.where(inner, (_hash(precinct, row, k, end) - 0.5) * 2 * SKEW, 0.0)

    street_gaps = (col // BLOCK) * ROAD
    left, right = col * PLOT_W + street_gaps, (col + 1) * PLOT_W + street_gaps
    lf, lb = left + lean(col, 0), left + lean(col, 1)
    rf, rb = right + lean(col + 1, 0), right + lean(col + 1, 1)
    yf = np.where(front_is_bottom, bottom, top)
    yb = np.where(front_is_bottom, top, bottom)
    coords = np.stack(
        [
            np.stack([x0 + lf, yf], axis=-1),
            np.stack([x0 + rf, yf], axis=-1),
            np.stack([x0 + rb, yb], axis=-1),
            np.stack([x0 + lb, yb], axis=-1),
        ],
        axis=1,
    )
    return precinct, j, shapely.polygons(coords)


def _number(j: int) -> str:
    """Plot j's number: j + 1, but a division pair every tenth plot (5/1, 5/2; no 6)."""
    if j % 10 == 4:
        return f"{j + 1}/1"
    if j % 10 == 5:
        return f"{j}/2"
    return str(j + 1)


def precinct_name(code: int) -> str:
    return f"Syntetyczny {code}"


def grow(
    n: int,
    units: list[Unit],
    log: Log,
    *,
    per_n: int = PER_N,
    batch: int = BATCH,
    actor: Actor | None = None,
) -> None:
    """N x ``per_n`` synthetic parcels in the bench unit (see the module docstring)."""
    if n > MAX_N:
        raise ValueError(f"--scale for parcels goes up to {MAX_N}")
    unit = next((u for u in units if u.slug == BENCH_UNIT), None)
    if unit is None or n <= 0:
        return
    from infostrada.demo.seed import SYSTEM  # the demo's actor (demo depends on geo, not back)

    actor = actor or SYSTEM
    layer, precincts = _layers(unit, actor)
    have = Feature.objects.for_unit(unit).filter(layer=layer).count()
    target = n * per_n
    if have >= target:
        return
    started, done = time.monotonic(), have
    while done < target:
        stop = min(done + batch, target)
        with transaction.atomic():
            _batch(unit, layer, precincts, done, stop, per_n)
        done = stop
    services.refresh_extent(layer)
    services.refresh_extent(precincts)
    with connection.cursor() as cursor:  # statistics for the planner, as demo.scale does
        for model in (Feature, Parcel, Precinct):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    elapsed = time.monotonic() - started
    log(
        f"scale: {unit.slug} has {target} synthetic parcels ({target - have} new "
        f"in {elapsed:.0f} s, {(target - have) / max(elapsed, 1e-9):.0f}/s)"
    )


def _layers(unit: Unit, actor: Actor) -> tuple[Layer, Layer]:
    found = {
        layer.slug: layer
        for layer in Layer.objects.for_unit(unit).filter(slug__in=[LAYER, PRECINCT_LAYER])
    }
    attribution = "Dane syntetyczne do testów wydajności (seed-demo --scale)"
    with transaction.atomic():
        if LAYER not in found:
            found[LAYER] = services.create_layer(
                actor=actor,
                unit=unit,
                slug=LAYER,
                title="Działki syntetyczne (testy wydajności)",
                kind=Layer.Kind.PARCELS,
                schema=[
                    {"name": "identifier", "type": "string", "title": "Identyfikator działki"},
                    {"name": "number", "type": "string", "title": "Numer działki"},
                    {"name": "precinct", "type": "string", "title": "Identyfikator obrębu"},
                    {"name": "precinct_name", "type": "string", "title": "Obręb"},
                    {"name": "area", "type": "number", "title": "Powierzchnia ewidencyjna [m²]"},
                    {"name": "land_use", "type": "string", "title": "Użytek gruntowy"},
                    {"name": "address", "type": "string", "title": "Adres"},
                ],
                style={"fill": "#f2c9a0", "stroke": "#6b4f2c", "width": 1.0, "opacity": 0.3},
                attribution=attribution,
            )
        if PRECINCT_LAYER not in found:
            found[PRECINCT_LAYER] = services.create_layer(
                actor=actor,
                unit=unit,
                slug=PRECINCT_LAYER,
                title="Obręby syntetyczne (testy wydajności)",
                kind=Layer.Kind.PRECINCTS,
                schema=[
                    {"name": "identifier", "type": "string", "title": "Identyfikator obrębu"},
                    {"name": "name", "type": "string", "title": "Nazwa obrębu"},
                ],
                style={"fill": None, "stroke": "#c0392b", "width": 2.0, "opacity": 0.0},
                attribution=attribution,
            )
    return found[LAYER], found[PRECINCT_LAYER]


def _batch(unit: Unit, layer: Layer, precincts: Layer, start: int, stop: int, per_n: int) -> None:
    precinct, j, polygons = plots(start, stop, per_n)
    areas = shapely.area(polygons)
    built = _hash(precinct, j, 7) < BUILT
    fids: list[str] = []
    properties: list[dict[str, Any]] = []
    parcels: list[tuple[str, str, str, Decimal, str]] = []
    for p in np.unique(precinct):  # a precinct begins in this batch: its feature and row
        if (precinct == p).any() and int(j[precinct == p].min()) == 0:
            _precinct(unit, precincts, int(p), per_n)
    for p, k, area, is_built in zip(
        precinct.tolist(), j.tolist(), areas.tolist(), built.tolist(), strict=True
    ):
        code = FIRST_PRECINCT + p
        number = _number(k)
        identifier = f"{TERC}.{code:04d}.{number}"
        row, col = divmod(k, COLUMNS)
        address = ""
        if is_built:
            street = STREETS[(p * 37 + row // 2 + row % 2) % len(STREETS)]
            house = 2 * col + 1 if row % 2 == 0 else 2 * col + 2
            address = f"ul. {street} {house}, {POSTCODE} {precinct_name(code)}"
        registered = Decimal(f"{round(area):.2f}")
        fids.append(identifier)
        properties.append(
            {
                "identifier": identifier,
                "number": number,
                "precinct": f"{TERC}.{code:04d}",
                "precinct_name": precinct_name(code),
                "area": float(registered),
                "land_use": "B" if is_built else "R",
                "address": address,
            }
        )
        parcels.append((identifier, f"{TERC}.{code:04d}", number, registered, address))
    insert_features(layer, fids, properties, polygons)
    if connection.vendor == "postgresql":
        # Fresh statistics, or PostgreSQL, believing the new layer empty, finds each
        # parcel's feature through the layer_id index and a filter instead of the
        # unique (layer, fid) index: the seed then slows down with every batch
        # (measured: minutes per 10,000 rows at 100,000 rows in the layer).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Feature._meta.db_table}")
    insert_parcels(layer, parcels)


def _precinct(unit: Unit, layer: Layer, p: int, per_n: int) -> None:
    code = FIRST_PRECINCT + p
    identifier = f"{TERC}.{code:04d}"
    x, y = _corner(p, per_n)
    width, height = _size(per_n)
    shape = shapely.box(x - 5, y - 5, x + width + 5, y + height + 5)
    insert_features(
        layer,
        [identifier],
        [{"identifier": identifier, "name": precinct_name(code)}],
        np.array([shape], dtype=object),
    )
    feature_id = (
        Feature.objects.for_unit(unit)
        .filter(layer=layer, fid=identifier)
        .values_list("pk", flat=True)
    )[0]
    Precinct.objects.create(
        unit=unit, feature_id=feature_id, identifier=identifier, name=precinct_name(code)
    )
