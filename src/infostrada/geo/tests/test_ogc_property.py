"""Property: ``items?bbox=`` walked page by page returns exactly what brute force finds.

A layer of random polygons (with holes, L-shapes, multi-parts), lines and
points; hypothesis draws boxes — from free coordinates and from the
features' own vertices (so edges touch and cross), thin and degenerate
(width or height zero) — and compares the service, through the spatial
index, candidate chunks and keyset pages, with a shapely check of every
feature. The candidate chunk is made tiny so that chunk boundaries and
pages that must be filled from further chunks are exercised too.
"""

from __future__ import annotations

import json
import random

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from infostrada.geo import query
from infostrada.geo.crs import transformer
from infostrada.geo.ogc import features as ogc_features
from infostrada.geo.tests.test_ogc_features import X0, Y0, make_layer

pytestmark = pytest.mark.django_db
SIZE = 600.0  # the data lies in [X0, X0 + SIZE] x [Y0, Y0 + SIZE], EPSG:2180
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def random_geometries(seed: int = 2180) -> list[tuple[str, dict, object]]:
    rnd = random.Random(seed)

    def coord(lo: float = 0.0, hi: float = SIZE) -> float:
        return round(rnd.uniform(lo, hi) * 2) / 2  # half metres: boxes can hit edges exactly

    rows = []
    for k in range(180):
        kind = k % 6
        x, y = X0 + coord(0, SIZE - 80), Y0 + coord(0, SIZE - 80)
        w, h = coord(0.5, 80), coord(0.5, 80)
        if kind == 0:
            geometry = box(x, y, x + w, y + h)
        elif kind == 1:  # L-shape: its bounding box has an empty corner
            geometry = Polygon(
                [(x, y), (x + w, y), (x + w, y + 2), (x + 2, y + 2), (x + 2, y + h), (x, y + h)]
            )
            if not geometry.is_valid:
                geometry = box(x, y, x + w, y + h)
        elif kind == 2:  # a ring: a hole in the middle
            geometry = box(x, y, x + 40, y + 40).difference(box(x + 10, y + 10, x + 30, y + 30))
        elif kind == 3:
            geometry = MultiPolygon([box(x, y, x + 3, y + 3), box(x + 50, y + 50, x + 55, y + 52)])
        elif kind == 4:
            geometry = LineString(
                [(x + coord(0, 80), y + coord(0, 80)) for _ in range(rnd.randint(2, 5))]
            )
            if geometry.length == 0:
                geometry = LineString([(x, y), (x + w, y + h)])
        else:
            geometry = Point(x, y)
        rows.append((f"f{k}", {"kind": kind}, geometry))
    return rows


ROWS = random_geometries()
VERTICES_X = sorted({c[0] for _f, _p, g in ROWS for c in shapely.get_coordinates(g).tolist()})
VERTICES_Y = sorted({c[1] for _f, _p, g in ROWS for c in shapely.get_coordinates(g).tolist()})


@pytest.fixture
def random_layer(lubicz, settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(query, "CHUNK", 7)
    monkeypatch.setattr(ogc_features, "CHUNK", 7)
    return make_layer(lubicz, "losowe", ROWS, schema=[{"name": "kind", "type": "integer"}])


def box_geometry(minx: float, miny: float, maxx: float, maxy: float):  # type: ignore[no-untyped-def]
    if minx == maxx and miny == maxy:
        return Point(minx, miny)
    if minx == maxx or miny == maxy:
        return LineString([(minx, miny), (maxx, maxy)])
    return box(minx, miny, maxx, maxy)


def brute_force(area) -> set[str]:  # type: ignore[no-untyped-def]
    return {fid for fid, _p, geometry in ROWS if geometry.intersects(area)}


def walk(client, params: dict) -> list[str]:  # type: ignore[no-untyped-def]
    """Every page of items, by the next links; each id once, in increasing order of pages.

    Every page's ``numberMatched`` must be what the walk finds in the end.
    """
    url: str | None = "/ogc/collections/lubicz.losowe/items"
    seen: list[str] = []
    matched: set[int] = set()
    pages = 0
    while url is not None:
        response = client.get(url, params if pages == 0 else None)
        assert response.status_code == 200, response.content[:300]
        page = json.loads(response.content)
        assert len(page["features"]) <= int(params["limit"])
        assert page["numberReturned"] == len(page["features"])
        matched.add(page["numberMatched"])
        seen += [f["id"] for f in page["features"]]
        following = [link["href"] for link in page["links"] if link["rel"] == "next"]
        assert len(following) <= 1
        if following:
            assert len(page["features"]) == int(params["limit"])  # only full pages lead on
        url = following[0] if following else None
        pages += 1
    assert len(seen) == len(set(seen)), "a feature appeared on two pages"
    assert matched == {len(seen)}, f"numberMatched {matched}, found {len(seen)}"
    return seen


@st.composite
def edges(draw, vertices: list[float], lo: float, hi: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Two values lo <= a <= b <= hi: free, a feature vertex, equal (degenerate) or a hair apart."""
    value = st.one_of(st.floats(lo, hi), st.sampled_from(vertices))
    a = draw(value)
    b = draw(st.one_of(value, st.just(a), st.just(a + 1e-6), st.floats(a, min(a + 3, hi))))
    return (a, b) if a <= b else (b, a)


@PROPERTY_SETTINGS
@given(
    xs=edges(VERTICES_X, X0 - 20, X0 + SIZE + 20),
    ys=edges(VERTICES_Y, Y0 - 20, Y0 + SIZE + 20),
    limit=st.sampled_from([5, 40, 1000]),
)
def test_bbox_in_storage_crs_matches_brute_force(client, random_layer, xs, ys, limit):
    (minx, maxx), (miny, maxy) = xs, ys
    # EPSG:2180 is northing first: bbox = miny, minx, maxy, maxx
    params = {
        "bbox": f"{miny!r},{minx!r},{maxy!r},{maxx!r}",
        "bbox-crs": "EPSG:2180",
        "limit": limit,
    }
    found = walk(client, params)
    assert set(found) == brute_force(box_geometry(minx, miny, maxx, maxy))


LON_LAT = transformer("EPSG:2180", "OGC:CRS84")
(WEST, SOUTH), (EAST, NORTH) = (
    LON_LAT.transform(X0 - 20, Y0 - 20),
    LON_LAT.transform(X0 + SIZE + 20, Y0 + SIZE + 20),
)
VERTICES_LON = sorted({LON_LAT.transform(x, Y0 + SIZE / 2)[0] for x in VERTICES_X})
VERTICES_LAT = sorted({LON_LAT.transform(X0 + SIZE / 2, y)[1] for y in VERTICES_Y})


def crs84_area(minx: float, miny: float, maxx: float, maxy: float):  # type: ignore[no-untyped-def]
    """The CRS84 box in EPSG:2180: its edges densified (32 pieces), then transformed."""
    geometry = box_geometry(minx, miny, maxx, maxy)
    size = max(maxx - minx, maxy - miny)
    if size > 0:
        geometry = shapely.segmentize(geometry, size / 32)
    to_storage = transformer("OGC:CRS84", "EPSG:2180")
    return shapely.transform(
        geometry,
        lambda xy: shapely.get_coordinates(
            shapely.points(*to_storage.transform(xy[:, 0], xy[:, 1]))
        ),
    )


@PROPERTY_SETTINGS
@given(
    xs=edges(VERTICES_LON, WEST, EAST),
    ys=edges(VERTICES_LAT, SOUTH, NORTH),
    limit=st.sampled_from([5, 40, 1000]),
    kind=st.sampled_from([None, 0, 4, 5]),
)
def test_bbox_in_crs84_matches_brute_force_of_the_transformed_box(
    client, random_layer, xs, ys, limit, kind
):
    (minx, maxx), (miny, maxy) = xs, ys
    params = {"bbox": f"{minx!r},{miny!r},{maxx!r},{maxy!r}", "limit": limit}
    if kind is not None:
        params["kind"] = str(kind)
    found = walk(client, params)
    expected = brute_force(crs84_area(minx, miny, maxx, maxy))
    if kind is not None:
        expected = {fid for fid in expected if int(fid[1:]) % 6 == kind}
    assert set(found) == expected
