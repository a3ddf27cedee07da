"""Our MVT encoder against the reference decoder of mapbox_vector_tile.

Tiles are what any MVT client reads; the encoder (geo.ogc.mvt, see its
docstring for why it exists) must give exactly what mapbox_vector_tile's own
decoder reads back: the same geometries (ring orientation as MVT 2.1 wants:
exterior clockwise in screen coordinates), ids and properties.
"""

from __future__ import annotations

import mapbox_vector_tile
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape

from infostrada.geo.ogc import mvt

SQUARE_WITH_HOLE = Polygon(
    [(10, 10), (10, 200), (200, 200), (200, 10)], [[(50, 50), (100, 50), (100, 100), (50, 100)]]
)
TWO_PARTS = MultiPolygon(
    [
        Polygon([(300, 300), (300, 400), (400, 400), (400, 300)]),
        Polygon([(500, 10), (500, 60), (560, 60)]),
    ]
)
CASES = [
    ("parcel with a hole", shapely.geometry.polygon.orient(SQUARE_WITH_HOLE, sign=-1.0)),
    (
        "two parts",
        MultiPolygon([shapely.geometry.polygon.orient(p, sign=-1.0) for p in TWO_PARTS.geoms]),
    ),
    ("a road", LineString([(0, 0), (100, 20), (100, 20), (4000, 4095)])),
    ("a point", Point(2048, 17)),
]


def _decoded(data: bytes) -> dict:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


@pytest.mark.parametrize(("name", "geometry"), CASES, ids=[c[0] for c in CASES])
def test_decoded_like_the_reference_encoder(name, geometry):
    properties = {"identifier": "041504_2.0001.12/3", "area": 812.5, "floors": 2, "built": True}
    ours = _decoded(mvt.encode("lubicz.test", [mvt.TileFeature(7, geometry, properties)]))
    reference = _decoded(
        mapbox_vector_tile.encode(
            {
                "name": "lubicz.test",
                "features": [{"geometry": geometry.wkt, "properties": properties, "id": 7}],
            },
            default_options={"y_coord_down": True, "quantize_bounds": None},
        )
    )
    [feature] = ours["lubicz.test"]["features"]
    [expected] = reference["lubicz.test"]["features"]
    assert feature["id"] == 7 and feature["properties"] == expected["properties"]
    assert shape(feature["geometry"]).equals(shape(expected["geometry"]))
    assert feature["geometry"]["type"] == expected["geometry"]["type"]


def test_many_features_share_keys_and_values_and_keep_their_order():
    features = [
        mvt.TileFeature(
            i,
            Polygon([(i, 0), (i, 10), (i + 5, 10), (i + 5, 0)]),
            {"use": "B" if (i // 10) % 2 else "R"},
        )
        for i in range(0, 400, 10)
    ]
    decoded = _decoded(mvt.encode("lubicz.dzialki", features))["lubicz.dzialki"]["features"]
    assert [f["id"] for f in decoded] == [f.id for f in features]
    assert [f["properties"]["use"] for f in decoded] == ["R", "B"] * 20
    assert all(shape(d["geometry"]).area == 50 for d in decoded)


def test_a_ring_that_collapses_to_a_point_is_left_out():
    flat = Polygon([(5, 5), (5, 5), (5, 5), (5, 5)])
    decoded = _decoded(mvt.encode("x", [mvt.TileFeature(1, flat, {})]))
    assert decoded.get("x", {"features": []})["features"] == []
