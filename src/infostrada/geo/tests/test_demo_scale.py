"""``seed-demo --scale`` grows the geoportal: synthetic parcels in bulk, once per N.

The multiplier is made small (N x 1,000 parcels instead of N x 10,000, in
batches of 700 so that a precinct begins inside a batch); the shape is the same.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from django.db import transaction
from django.db.models import Max

from infostrada.demo.seed import SYSTEM
from infostrada.geo import query, scale, services
from infostrada.geo.identifiers import parse_parcel_id
from infostrada.geo.models import Feature, Layer, Parcel, Precinct

PER_N, BATCH = 1_000, 700


def _grow(n: int, unit) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    scale.grow(n, [unit], lines.append, per_n=PER_N, batch=BATCH)
    return lines


def _counts(unit) -> tuple[int, int, int, int | None]:  # type: ignore[no-untyped-def]
    features = Feature.objects.for_unit(unit)
    return (
        features.count(),
        Parcel.objects.for_unit(unit).count(),
        Precinct.objects.for_unit(unit).count(),
        features.aggregate(m=Max("pk"))["m"],
    )


@pytest.mark.django_db
def test_scale_adds_the_parcels_once_per_n_and_the_index_finds_them(lubicz) -> None:
    assert _grow(2, lubicz)
    layer = Layer.objects.for_unit(lubicz).get(slug=scale.LAYER)
    assert layer.kind == Layer.Kind.PARCELS and layer.feature_count == 2 * PER_N
    parcels = Parcel.objects.for_unit(lubicz)
    assert parcels.count() == 2 * PER_N
    assert set(Precinct.objects.for_unit(lubicz).values_list("identifier", flat=True)) == {
        "041504_2.1001",
        "041504_2.1002",
    }
    for identifier, precinct, number in parcels.values_list("identifier", "precinct", "number"):
        parsed = parse_parcel_id(identifier)
        assert parsed.precinct_id == precinct and parsed.number == number
    assert parcels.filter(number__contains="/").count() == 2 * PER_N // 5
    assert parcels.exclude(address="").count() > PER_N  # about 60 % built up

    before = _counts(lubicz)
    assert _grow(2, lubicz) == []
    assert _counts(lubicz) == before
    _grow(3, lubicz)
    assert Parcel.objects.for_unit(lubicz).count() == 3 * PER_N
    assert Precinct.objects.for_unit(lubicz).count() == 3
    layer.refresh_from_db()
    assert layer.feature_count == 3 * PER_N

    # the box columns are the geometry's, and the spatial index finds the plots
    rows = Feature.objects.for_unit(lubicz).filter(layer=layer)
    for feature in rows.order_by("pk")[::60]:
        geometry = feature.geometry
        assert (feature.minx, feature.miny, feature.maxx, feature.maxy) == geometry.bounds
        assert feature.area == pytest.approx(geometry.area)
        assert feature.parcel.identifier == feature.fid
    x, y = scale._corner(0, PER_N)
    bbox = (x + 100, y + 50, x + 180, y + 120)
    found, _after = query.page([layer.pk], bbox, limit=1_000)
    expected = {f.fid for f in rows if f.geometry.intersects(shapely.box(*bbox))}
    assert {r.fid for r in found} == expected and len(expected) >= 8


def test_synthetic_plots_tile_their_blocks_without_overlaps() -> None:
    precinct, index, plots = scale.plots(0, 2 * scale.PER_N, scale.PER_N)
    assert (precinct[: scale.PER_N] == 0).all() and (precinct[scale.PER_N :] == 1).all()
    assert shapely.is_valid(plots).all()
    areas = shapely.area(plots)
    assert areas.min() > 400 and areas.max() < 1_250
    first = plots[: scale.PER_N]
    assert shapely.union_all(first).area == pytest.approx(areas[: scale.PER_N].sum())
    left, right = shapely.bounds(first).min(axis=0), shapely.bounds(first).max(axis=0)
    width, height = scale._size(scale.PER_N)
    assert right[2] - left[0] == pytest.approx(width) and right[3] - left[1] <= height
    # the last precinct a large --scale can make is still in Poland
    x, y = scale._corner(scale.MAX_N - 1, scale.PER_N)
    assert y > 100_000 and x + width < 900_000
    assert index[-1] == scale.PER_N - 1


@pytest.mark.django_db
def test_the_bulk_writer_writes_what_store_features_writes(lubicz) -> None:
    shape = shapely.Polygon([(470_000, 572_000), (470_030, 572_001), (470_029, 572_041)])
    layers = [
        services.create_layer(actor=SYSTEM, unit=lubicz, slug=slug, title=slug)
        for slug in ("a", "b")
    ]
    with transaction.atomic():
        services.store_features(layers[0], [("x", {"n": "ż"}, shape)])
        scale.insert_features(layers[1], ["x"], [{"n": "ż"}], np.array([shape], dtype=object))
    a, b = (Feature.objects.for_unit(lubicz).get(layer=layer) for layer in layers)
    columns = ("fid", "properties", "minx", "miny", "maxx", "maxy", "area")
    assert [getattr(a, c) for c in columns] == [getattr(b, c) for c in columns]
    assert bytes(a.geom) == bytes(b.geom)


def test_scale_beyond_the_grid_is_refused() -> None:
    with pytest.raises(ValueError, match="up to"):
        scale.grow(scale.MAX_N + 1, [], print)
