"""OGC API - Tiles: MVT in WebMercatorQuad, tile matrix limits, caching and revalidation."""

from __future__ import annotations

import hashlib
import json

import mapbox_vector_tile
import morecantile
import numpy as np
import pytest
from django.core.cache import cache
from django.db import transaction
from shapely.geometry import Point, box, shape

from infostrada.geo import services
from infostrada.geo.crs import transformer
from infostrada.geo.ogc import mvt, tiles
from infostrada.geo.ogc.catalog import get_collection
from infostrada.geo.tests.test_ogc_features import X0, Y0, grid, make_layer

pytestmark = pytest.mark.django_db
TMS = morecantile.tms.get("WebMercatorQuad")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def parcels(lubicz):
    return make_layer(lubicz, "dzialki", grid(), title="Działki")


def tile_of(x: float, y: float, z: int) -> morecantile.Tile:
    lon, lat = transformer("EPSG:2180", "OGC:CRS84").transform(x, y)
    return TMS.tile(lon, lat, z)


def url(t: morecantile.Tile, name: str = "lubicz.dzialki") -> str:
    return f"/ogc/collections/{name}/tiles/WebMercatorQuad/{t.z}/{t.x}/{t.y}"


def test_a_tile_holds_the_features_clipped_and_quantised(client, parcels):
    t = tile_of(X0 + 45, Y0 + 45, 16)
    response = client.get(url(t))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert response["ETag"] and "max-age" in response["Cache-Control"]
    decoded = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})
    layer = decoded["lubicz.dzialki"]
    assert layer["extent"] == 4096
    fids = {f["properties"]["fid"] for f in layer["features"]}
    assert fids == {f"d{k}" for k in range(25)}  # a z16 tile (~600 m) covers the 90 m grid
    d0 = next(f for f in layer["features"] if f["properties"]["fid"] == "d0")
    assert d0["properties"]["symbol"] == "1MN" and d0["properties"]["n"] == 0
    geometry = shape(d0["geometry"])
    assert geometry.geom_type == "Polygon" and geometry.is_valid
    # the 10 m square is ~ 10 / 600 * 4096 ≈ 65 tile units wide (Mercator stretches it)
    assert 60 < geometry.bounds[2] - geometry.bounds[0] < 120
    # the square's position: its lower-left corner, projected into the tile
    left, bottom, right, top = TMS.xy_bounds(t)
    mx, my = transformer("EPSG:2180", "EPSG:3857").transform(X0, Y0)
    px, py = (mx - left) / (right - left) * 4096, (top - my) / (top - bottom) * 4096
    assert geometry.bounds[0] == pytest.approx(px, abs=1) and geometry.bounds[3] == pytest.approx(
        py, abs=1
    )


def test_features_are_clipped_to_the_buffered_tile(client, lubicz):
    big = box(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000)
    make_layer(lubicz, "obreb", [("o", {}, big)], schema=[])
    t = tile_of(X0, Y0, 17)
    decoded = mapbox_vector_tile.decode(
        client.get(url(t, "lubicz.obreb")).content, default_options={"y_coord_down": True}
    )
    bounds = shape(decoded["lubicz.obreb"]["features"][0]["geometry"]).bounds
    assert bounds == (-64, -64, 4096 + 64, 4096 + 64)


def test_an_empty_tile_is_204_and_low_zoom_tiles_work(client, parcels):
    far = tile_of(X0 + 50_000, Y0 + 50_000, 16)
    response = client.get(url(far))
    assert response.status_code == 204 and response.content == b""
    assert response["ETag"]
    # a z14 tile unit is ~0.6 Mercator metres: the 10 m squares are ~28 units (~2 pixels)
    z14 = client.get(url(tile_of(X0, Y0, 14)))
    assert z14.status_code == 200
    assert len(mapbox_vector_tile.decode(z14.content)["lubicz.dzialki"]["features"]) == 25
    # at z12 they are under a pixel (16 units) and at z0 a unit is ~10 km: they
    # vanish, as they would on screen
    assert client.get(url(tile_of(X0, Y0, 12))).status_code == 204
    assert client.get(url(morecantile.Tile(0, 0, 0))).status_code == 204


def test_tiles_are_cached_revalidated_and_invalidated_by_layer_changes(
    client, parcels, django_assert_max_num_queries
):
    t = tile_of(X0 + 45, Y0 + 45, 16)
    first = client.get(url(t))
    with django_assert_max_num_queries(1):  # the layer only: the tile comes from the cache
        again = client.get(url(t))
    assert again.content == first.content and again["ETag"] == first["ETag"]
    not_modified = client.get(url(t), HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""
    with transaction.atomic():
        services.store_features(
            parcels, [("nowa", {"symbol": "ZP", "n": 99}, Point(X0 + 45, Y0 + 45))]
        )
    changed = client.get(url(t), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    fids = {
        f["properties"]["fid"]
        for f in mapbox_vector_tile.decode(changed.content)["lubicz.dzialki"]["features"]
    }
    assert "nowa" in fids


def test_small_zoom_tiles_are_generalised_to_the_pixel_and_stay_valid(client, lubicz):
    # a round pond of 1,025 vertices and 25 squares of 10 m beside it
    pond = Point(X0 + 3000, Y0 + 3000).buffer(2000, quad_segs=256)
    make_layer(lubicz, "mix", [*grid(), ("pond", {"symbol": "W", "n": 0}, pond)])
    # z10: a pixel (16 units) is ~150 Mercator metres; a 10 m square is under 2 units
    t = tile_of(X0 + 3000, Y0 + 3000, 10)
    response = client.get(url(t, "lubicz.mix"))
    assert response.status_code == 200
    decoded = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})
    features = decoded["lubicz.mix"]["features"]
    assert [f["properties"]["fid"] for f in features] == ["pond"]
    geometry = shape(features[0]["geometry"])
    assert geometry.is_valid and geometry.geom_type == "Polygon"
    # simplified to a quarter of a pixel: ~20 vertices draw a 700-unit circle
    assert len(geometry.exterior.coords) < 60
    width = geometry.bounds[2] - geometry.bounds[0]
    assert 600 < width < 800  # 4 km x ~1.65 (Mercator) / ~9.6 m per unit
    # close up, nothing is left out or simplified away
    near = client.get(url(tile_of(X0 + 45, Y0 + 45, 16), "lubicz.mix"))
    fids = {
        f["properties"]["fid"]
        for f in mapbox_vector_tile.decode(near.content)["lubicz.mix"]["features"]
    }
    assert {f"d{k}" for k in range(25)} <= fids


@pytest.mark.parametrize("count", [400, 3000])  # 3000: weighed by a sample first
def test_a_dense_tile_keeps_its_largest_features_within_the_byte_budget(count):
    squares = [
        mvt.TileFeature(
            k, box(k, k, k + 1 + k % 50, k + 1 + k % 50), {"fid": f"f{k}", "pad": "x" * 40}
        )
        for k in range(count)
    ]
    sizes = np.array([1.0 + k % 50 for k in range(count)])
    whole = mvt.encode("t", squares, 4096)
    body = tiles._encode_within_budget("t", squares, sizes, budget=len(whole) // 3)
    assert len(body) <= len(whole) // 3
    kept = [f["id"] for f in mapbox_vector_tile.decode(body)["t"]["features"]]
    assert kept == sorted(kept) and 49 in kept and 99 in kept  # in order, the largest kept
    assert 0 not in kept and 50 not in kept  # the smallest left out
    assert tiles._encode_within_budget("t", squares, sizes, budget=len(whole)) == whole


def test_tiles_cached_or_tagged_by_an_earlier_release_are_not_served(client, parcels):
    """Tiles drawn before generalisation are neither served from the cache nor confirmed by 304."""
    t = tile_of(X0 + 45, Y0 + 45, 16)
    collection = get_collection("lubicz.dzialki")
    earlier = f"{collection.version}-{t.z}-{t.x}-{t.y}"  # the key and ETag of release 1
    cache.set(f"ogc:mvt:{earlier}", b"an old tile", 3600)
    old_etag = '"' + hashlib.blake2b(earlier.encode(), digest_size=12).hexdigest() + '"'
    response = client.get(url(t), HTTP_IF_NONE_MATCH=old_etag)
    assert response.status_code == 200 and response.content != b"an old tile"
    assert response["ETag"] != old_etag
    assert mapbox_vector_tile.decode(response.content)["lubicz.dzialki"]["features"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("23/0/0", 404),
        ("2/4/0", 404),
        ("2/0/4", 404),
        ("-1/0/0", 404),
        ("3/-1/2", 404),
        ("z/0/0", 400),
        ("1/0/x", 400),
    ],
)
def test_tiles_outside_the_matrix_are_clear_errors(client, parcels, path, status):
    response = client.get(f"/ogc/collections/lubicz.dzialki/tiles/WebMercatorQuad/{path}")
    assert response.status_code == status
    body = json.loads(response.content)
    assert body["code"] and body["description"]


def test_unknown_tile_matrix_set_is_404(client, parcels):
    response = client.get("/ogc/collections/lubicz.dzialki/tiles/WorldCRS84Quad/0/0/0")
    assert response.status_code == 404 and b"WebMercatorQuad" in response.content
    assert client.get("/ogc/tileMatrixSets/WorldCRS84Quad").status_code == 404


def test_tileset_metadata_and_tile_matrix_set(client, parcels):
    tilesets = json.loads(client.get("/ogc/collections/lubicz.dzialki/tiles").content)
    assert tilesets["tilesets"][0]["dataType"] == "vector"
    tileset = json.loads(
        client.get("/ogc/collections/lubicz.dzialki/tiles/WebMercatorQuad").content
    )
    template = next(link for link in tileset["links"] if link["rel"] == "item")
    assert template["templated"] and template["href"].endswith(
        "/WebMercatorQuad/{tileMatrix}/{tileCol}/{tileRow}"
    )
    assert tileset["tileMatrixSetLimits"][-1]["tileMatrix"] == "22"
    tms = json.loads(client.get("/ogc/tileMatrixSets/WebMercatorQuad").content)
    assert tms["id"] == "WebMercatorQuad" and len(tms["tileMatrices"]) >= 23
    listing = json.loads(client.get("/ogc/tileMatrixSets").content)
    assert listing["tileMatrixSets"][0]["id"] == "WebMercatorQuad"
