"""The spatial core: storing features, the spatial index, bbox queries, drawing."""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from PIL import Image
from shapely.geometry import Point, Polygon, box

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.geo import query, render, services
from infostrada.geo.crs import bbox_to_storage, crs_code
from infostrada.geo.identifiers import IdentifierError, parse_parcel_id
from infostrada.geo.models import Feature
from infostrada.testing import official

pytestmark = pytest.mark.django_db
TORUN = (468_000.0, 570_000.0)  # EPSG:2180, around Toruń


def square(x: float, y: float, size: float = 10.0) -> Polygon:
    return box(x, y, x + size, y + size)


@pytest.fixture
def layer(lubicz):
    gis = official(lubicz, Role.GIS_OPERATOR, username="lubicz.gis")
    actor = Actor(kind="user", id=str(gis.pk), name=gis.username, user=gis)
    return services.create_layer(
        actor=actor,
        unit=lubicz,
        slug="dzialki",
        title="Działki",
        kind="parcels",
        style={"fill": "#ff0000", "opacity": 1.0},
    )


def test_features_are_stored_updated_by_identifier_and_found_by_box(layer):
    x0, y0 = TORUN
    rows = [(f"d{i}", {"n": i}, square(x0 + i * 20, y0)) for i in range(30)]
    with transaction.atomic():
        report = services.store_features(layer, rows)
    assert report.created == 30
    layer.refresh_from_db()
    assert layer.feature_count == 30 and layer.minx == x0
    found, after = query.page([layer.pk], (x0 + 15, y0, x0 + 65, y0 + 5), limit=100)
    assert {r.fid for r in found} == {"d1", "d2", "d3"} and after is None
    with transaction.atomic():
        again = services.store_features(
            layer, [("d1", {"n": 1}, square(x0 + 20, y0)), ("d2", {"n": 99}, square(x0, y0))]
        )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Feature.objects.for_unit(layer.unit).filter(layer=layer).count() == 30


def test_a_box_touching_only_a_bounding_box_is_not_a_hit(layer):
    """An L-shaped parcel's box covers a corner its geometry does not."""
    x0, y0 = TORUN
    shape = Polygon(
        [
            (x0, y0),
            (x0 + 100, y0),
            (x0 + 100, y0 + 10),
            (x0 + 10, y0 + 10),
            (x0 + 10, y0 + 100),
            (x0, y0 + 100),
        ]
    )
    with transaction.atomic():
        services.store_features(layer, [("L", {}, shape)])
    assert query.page([layer.pk], (x0 + 50, y0 + 50, x0 + 60, y0 + 60), limit=10)[0] == []
    assert len(query.page([layer.pk], (x0 + 5, y0 + 50, x0 + 6, y0 + 51), limit=10)[0]) == 1


def test_pages_follow_each_other_without_gaps(layer):
    x0, y0 = TORUN
    with transaction.atomic():
        services.store_features(layer, [(f"p{i}", {}, square(x0 + i, y0, 0.5)) for i in range(25)])
    seen, after = [], 0
    while True:
        rows, after = query.page(
            [layer.pk], (x0, y0, x0 + 100, y0 + 1), limit=7, after_id=after or 0
        )
        seen += [r.fid for r in rows]
        if after is None:
            break
    assert sorted(seen) == sorted(f"p{i}" for i in range(25)) and len(seen) == 25


@pytest.mark.parametrize(
    ("geometry", "problem"),
    [
        (None, "empty"),
        (Point(20.0, 52.0), "outside Poland"),  # degrees stored as metres: wrong CRS
        (Point(5_000_000, 5_000_000), "outside Poland"),
    ],
)
def test_bad_geometries_are_refused(geometry, problem):
    check = services.prepare_geometry(geometry)
    assert check.geometry is None and problem in check.problem


def test_a_self_intersecting_polygon_is_repaired_and_reported():
    x0, y0 = TORUN
    bow_tie = Polygon([(x0, y0), (x0 + 10, y0 + 10), (x0 + 10, y0), (x0, y0 + 10)])
    assert not bow_tie.is_valid
    check = services.prepare_geometry(bow_tie)
    assert check.repaired and check.geometry.is_valid
    assert check.geometry.area == pytest.approx(50.0)


def test_boxes_are_checked():
    with pytest.raises(query.BoxError):
        query.checked_box([10, 0, 0, 10])
    with pytest.raises(query.BoxError):
        query.checked_box([0, 0, float("nan"), 1])
    assert query.checked_box(["1", "2", "3", "4"]) == (1.0, 2.0, 3.0, 4.0)


def test_crs84_boxes_become_covering_storage_boxes():
    assert crs_code("http://www.opengis.net/def/crs/EPSG/0/2177") == "EPSG:2177"
    minx, miny, maxx, maxy = bbox_to_storage((18.55, 53.0, 18.65, 53.05), "OGC:CRS84")
    assert 460_000 < minx < maxx < 480_000 and 570_000 < miny < maxy < 580_000


def test_parcel_identifiers():
    parcel = parse_parcel_id("046301_1.0012.123/4")
    assert (parcel.gmina_terc, parcel.precinct, parcel.number) == ("0463011", "0012", "123/4")
    assert str(parse_parcel_id("041504_2.0003.AR_2.77")) == "041504_2.0003.AR_2.77"
    for bad in (
        "0463011.0012.1",
        "046301_7.0012.1",
        "046301_1.12.1",
        "046301_1.0012.0",
        "046301_1.0012.12/0",
        "991504_2.0003.7",
    ):
        with pytest.raises(IdentifierError):
            parse_parcel_id(bad)


def test_the_renderer_draws_the_layer(layer):
    x0, y0 = TORUN
    with transaction.atomic():
        services.store_features(layer, [("a", {}, square(x0, y0, 100))])
    png = render.render_png([layer], (x0 - 50, y0 - 50, x0 + 150, y0 + 150), "EPSG:2180", 64, 64)
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    assert image.getpixel((32, 32))[:3] == (255, 0, 0)  # inside the square
    assert image.getpixel((2, 2))[3] == 0  # transparent outside
