"""OGC API - Features at /ogc/: documents, items with bbox/paging/CRS/filters, errors, privacy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from shapely.geometry import LineString, Point, box, shape

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.geo import services
from infostrada.geo.crs import transformer
from infostrada.geo.models import Layer
from infostrada.testing import official

pytestmark = pytest.mark.django_db
X0, Y0 = 478_000.0, 572_000.0  # EPSG:2180, Lubicz near Toruń
SCHEMA = [
    {"name": "symbol", "type": "string", "title": "Symbol"},
    {"name": "n", "type": "integer", "title": "Number"},
]


def make_layer(unit, slug: str, rows, **options: Any) -> Layer:  # type: ignore[no-untyped-def]
    """A layer of ``unit`` with ``rows`` of (fid, properties, geometry in EPSG:2180)."""
    gis = official(unit, Role.GIS_OPERATOR, username=f"{unit.slug}.gis")
    actor = Actor(kind="user", id=str(gis.pk), name=gis.username, user=gis)
    options.setdefault("title", slug.title())
    options.setdefault("schema", SCHEMA)
    layer = services.create_layer(actor=actor, unit=unit, slug=slug, **options)
    with transaction.atomic():
        services.store_features(layer, rows)
    layer.refresh_from_db()
    return layer


def grid(n: int = 5, size: float = 10.0, step: float = 20.0) -> list[tuple[str, dict, Any]]:
    """n x n squares, row by row from (X0, Y0); symbols alternate 1MN / 2U."""
    rows = []
    for j in range(n):
        for i in range(n):
            k = j * n + i
            symbol = "1MN" if k % 2 == 0 else "2U"
            geometry = box(X0 + i * step, Y0 + j * step, X0 + i * step + size, Y0 + j * step + size)
            rows.append((f"d{k}", {"symbol": symbol, "n": k}, geometry))
    return rows


@pytest.fixture
def parcels(lubicz):
    return make_layer(lubicz, "dzialki", grid(), title="Działki ewidencyjne")


def get_json(client, url: str, status: int = 200, **params: Any) -> dict[str, Any]:
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    return json.loads(response.content)


def to_crs84(x: float, y: float) -> tuple[float, float]:
    return transformer("EPSG:2180", "OGC:CRS84").transform(x, y)


def test_landing_conformance_and_api_documents(client, parcels):
    landing = get_json(client, "/ogc/")
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conformance = get_json(client, "/ogc/conformance")["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance
    response = client.get("/ogc/api")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    assert "/collections/{collectionId}/items/{featureId}" in paths


def test_collections_describe_published_layers_with_extent_and_crs(client, parcels, nieszawka):
    make_layer(nieszawka, "mpzp", grid(2), title="Plan")
    data = get_json(client, "/ogc/collections")
    ids = [c["id"] for c in data["collections"]]
    assert ids == ["lubicz.dzialki", "wielka-nieszawka.mpzp"]
    only = get_json(client, "/ogc/collections", unit="wielka-nieszawka")
    assert [c["id"] for c in only["collections"]] == ["wielka-nieszawka.mpzp"]
    one = get_json(client, "/ogc/collections/lubicz.dzialki")
    assert one["itemType"] == "feature" and one["title"] == "Działki ewidencyjne"
    assert one["storageCrs"] == "http://www.opengis.net/def/crs/EPSG/0/2180"
    assert one["crs"][0] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    assert "http://www.opengis.net/def/crs/EPSG/0/2177" in one["crs"]
    west, south, east, north = one["extent"]["spatial"]["bbox"][0]
    lon, lat = to_crs84(X0, Y0)
    assert west == pytest.approx(lon, abs=1e-4) and south == pytest.approx(lat, abs=1e-4)
    assert 18 < west < east < 19 and 52 < south < north < 54
    assert any(link["rel"] == "items" for link in one["links"])


def test_items_page_through_a_bbox_with_next_links(client, parcels):
    (w, s), (e, n) = to_crs84(X0 + 15, Y0 + 15), to_crs84(X0 + 65, Y0 + 45)
    url, params = "/ogc/collections/lubicz.dzialki/items", {"bbox": f"{w},{s},{e},{n}", "limit": 3}
    seen: list[str] = []
    pages = 0
    while True:
        response = client.get(url, params)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
        page = json.loads(response.content)
        assert page["type"] == "FeatureCollection" and page["numberReturned"] == len(
            page["features"]
        )
        assert page["timeStamp"].endswith("Z")
        seen += [f["id"] for f in page["features"]]
        pages += 1
        following = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not following:
            break
        url, params = following[0], {}
    # columns 1-3 (x 20..70), rows 1-2 (y 20..50): 3 x 2 squares
    assert sorted(seen) == sorted(["d6", "d7", "d8", "d11", "d12", "d13"]) and pages == 2
    rels = {link["rel"] for link in page["links"]}
    assert {"self", "alternate", "collection"} <= rels


def test_items_default_limit_and_offset(client, parcels):
    page = get_json(client, "/ogc/collections/lubicz.dzialki/items")
    assert page["numberReturned"] == 10
    assert [f["id"] for f in page["features"]][:2] == ["d0", "d1"]
    skipped = get_json(client, "/ogc/collections/lubicz.dzialki/items", offset=20)
    assert [f["id"] for f in skipped["features"]] == ["d20", "d21", "d22", "d23", "d24"]
    assert not any(link["rel"] == "next" for link in skipped["links"])


def test_coordinates_follow_the_axis_order_of_the_requested_crs(client, lubicz):
    make_layer(lubicz, "punkty", [("p", {}, Point(X0 + 1.5, Y0 + 2.5))], schema=[])
    url = "/ogc/collections/lubicz.punkty/items/p"
    crs84 = get_json(client, url)["geometry"]["coordinates"]
    assert crs84 == pytest.approx(list(to_crs84(X0 + 1.5, Y0 + 2.5)), abs=1e-7)
    response = client.get(url, {"crs": "http://www.opengis.net/def/crs/EPSG/0/2180"})
    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/2180>"
    # EPSG:2180 is northing, easting
    assert json.loads(response.content)["geometry"]["coordinates"] == [Y0 + 2.5, X0 + 1.5]
    e2177 = get_json(client, url, crs="EPSG:2177")["geometry"]["coordinates"]
    x, y = transformer("EPSG:2180", "EPSG:2177").transform(X0 + 1.5, Y0 + 2.5)
    assert e2177 == pytest.approx([y, x], abs=1e-3)
    assert 6_000_000 < x < 7_000_000  # zone 6 easting carries the zone number


def test_bbox_in_epsg_2180_is_northing_first(client, parcels):
    # squares d0 (x 0-10) and d1 (x 20-30) in the first row; the box covers x 5-25, y 0-5
    bbox = f"{Y0},{X0 + 5},{Y0 + 5},{X0 + 25}"
    page = get_json(
        client,
        "/ogc/collections/lubicz.dzialki/items",
        bbox=bbox,
        **{"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2180"},
    )
    assert sorted(f["id"] for f in page["features"]) == ["d0", "d1"]


def test_a_box_touching_only_the_bounding_box_of_a_line_finds_nothing(client, lubicz):
    make_layer(lubicz, "rowy", [("r", {}, LineString([(X0, Y0), (X0 + 100, Y0 + 100)]))], schema=[])
    crs = {"bbox-crs": "EPSG:2180"}
    empty = get_json(
        client,
        "/ogc/collections/lubicz.rowy/items",
        bbox=f"{Y0 + 60},{X0 + 10},{Y0 + 70},{X0 + 20}",
        **crs,
    )
    assert empty["features"] == []
    hit = get_json(
        client,
        "/ogc/collections/lubicz.rowy/items",
        bbox=f"{Y0 + 45},{X0 + 45},{Y0 + 55},{X0 + 55}",
        **crs,
    )
    assert [f["id"] for f in hit["features"]] == ["r"]


def test_property_filters(client, parcels):
    page = get_json(client, "/ogc/collections/lubicz.dzialki/items", symbol="2U", limit=100)
    assert len(page["features"]) == 12 and {
        f["properties"]["symbol"] for f in page["features"]
    } == {"2U"}
    one = get_json(client, "/ogc/collections/lubicz.dzialki/items", n="7", symbol="2U")
    assert [f["id"] for f in one["features"]] == ["d7"]
    queryables = get_json(client, "/ogc/collections/lubicz.dzialki/queryables")
    assert queryables["properties"]["n"]["type"] == "integer"


def test_a_feature_by_identifier_with_a_slash(client, lubicz):
    make_layer(
        lubicz, "ewid", [("046301_1.0012.123/4", {"symbol": "R"}, box(X0, Y0, X0 + 5, Y0 + 5))]
    )
    url = "/ogc/collections/lubicz.ewid/items/046301_1.0012.123%2F4"
    feature = get_json(client, url)
    assert feature["id"] == "046301_1.0012.123/4" and feature["properties"] == {"symbol": "R"}
    assert shape(feature["geometry"]).geom_type == "Polygon"
    assert {link["rel"] for link in feature["links"]} >= {"self", "alternate", "collection"}
    items = get_json(client, "/ogc/collections/lubicz.ewid/items")
    assert items["features"][0]["id"] == "046301_1.0012.123/4"


def test_html_pages_are_negotiated(client, parcels):
    for url in (
        "/ogc/",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/lubicz.dzialki",
        "/ogc/collections/lubicz.dzialki/items",
        "/ogc/collections/lubicz.dzialki/items/d3",
    ):
        response = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), url
        assert b"<h1" in response.content and b'<html lang="pl"' in response.content
        assert "Accept" in response["Vary"]
        as_json = client.get(url, {"f": "json"}, HTTP_ACCEPT="text/html")
        assert as_json["Content-Type"] in ("application/json", "application/geo+json"), url
    page = client.get("/ogc/collections/lubicz.dzialki/items", {"f": "html", "limit": 2})
    assert 'rel="next">Następna strona</a>'.encode() in page.content
    assert b"d0" in page.content and b"1MN" in page.content


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"bbox": "18.7,53.1,18.6,53.0"}, "minimum"),
        ({"bbox": "18.6,53.0,18.7"}, "four numbers"),
        ({"bbox": "a,b,c,d"}, "numbers"),
        ({"bbox": "18.6,53.0,nan,53.1"}, "finite"),
        ({"bbox": "18.6,53.0,18.7,53.1", "bbox-crs": "EPSG:9999"}, "not offered"),
        ({"crs": "http://www.opengis.net/def/crs/EPSG/0/31467"}, "not offered"),
        ({"bbox-crs": "EPSG:2180"}, "bbox"),
        ({"limit": "0"}, "between"),
        ({"limit": "1001"}, "between"),
        ({"limit": "many"}, "whole number"),
        ({"cursor": "-1"}, "between"),
        ({"offset": "10", "cursor": "5"}, "either"),
        ({"colour": "red"}, "Unknown parameter"),
        ({"f": "xml"}, "Unknown format"),
    ],
)
def test_bad_item_queries_are_400_with_an_exception_document(
    client, parcels, settings, params, words
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages speak Polish unless asked
    response = client.get("/ogc/collections/lubicz.dzialki/items", params)
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "InvalidParameterValue" and words in body["description"], body


def test_unknown_collections_and_features_are_404(client, parcels):
    for url in (
        "/ogc/collections/lubicz.nic",
        "/ogc/collections/nic",
        "/ogc/collections/lubicz.dzialki/items/nic",
        "/ogc/collections/nieznana.dzialki/items",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert json.loads(response.content)["code"] == "NotFound"


def test_private_layers_and_inactive_units_are_never_served(client, lubicz, nieszawka, parcels):
    make_layer(lubicz, "tajne", grid(1), is_public=False)
    make_layer(nieszawka, "mpzp", grid(1))
    nieszawka.is_active = False
    nieszawka.save(update_fields=["is_active"])
    ids = [c["id"] for c in get_json(client, "/ogc/collections")["collections"]]
    assert ids == ["lubicz.dzialki"]
    for name in ("lubicz.tajne", "wielka-nieszawka.mpzp"):
        for suffix in ("", "/items", "/items/d0", "/tiles", "/tiles/WebMercatorQuad/0/0/0"):
            assert client.get(f"/ogc/collections/{name}{suffix}").status_code == 404, name + suffix
    wms = client.get(
        "/ogc/wms",
        {
            "service": "WMS",
            "request": "GetMap",
            "version": "1.3.0",
            "layers": "lubicz.tajne",
            "styles": "",
            "crs": "EPSG:2180",
            "bbox": f"{Y0},{X0},{Y0 + 100},{X0 + 100}",
            "width": 10,
            "height": 10,
            "format": "image/png",
        },
    )
    assert wms.status_code == 400 and b"LayerNotDefined" in wms.content
    capabilities = client.get("/ogc/wms", {"service": "WMS", "request": "GetCapabilities"})
    assert b"lubicz.dzialki" in capabilities.content
    assert (
        b"lubicz.tajne" not in capabilities.content
        and b"wielka-nieszawka" not in capabilities.content
    )


def test_reads_take_a_fixed_number_of_queries(client, parcels, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the layer, one chunk of candidates
        assert client.get("/ogc/collections/lubicz.dzialki/items", {"limit": 25}).status_code == 200
    with django_assert_max_num_queries(2):  # the layer, the feature
        assert client.get("/ogc/collections/lubicz.dzialki/items/d3").status_code == 200


def test_post_is_not_allowed(client, parcels):
    assert client.post("/ogc/collections/lubicz.dzialki/items").status_code == 405


def test_item_lists_say_how_many_features_match(client, parcels, django_assert_max_num_queries):
    """OGC 17-069r4, 7.15.6: numberMatched, exact, on every page of a selection."""
    url = "/ogc/collections/lubicz.dzialki/items"
    with django_assert_max_num_queries(2):  # the layer, a chunk: the count is the layer's own
        page = get_json(client, url, limit=3)
    assert page["numberMatched"] == 25 and page["numberReturned"] == 3
    (w, s), (e, n) = to_crs84(X0 + 15, Y0 + 15), to_crs84(X0 + 65, Y0 + 45)
    bbox = f"{w},{s},{e},{n}"
    first = get_json(client, url, bbox=bbox, limit=4)
    assert first["numberMatched"] == 6 and first["numberReturned"] == 4
    following = next(link["href"] for link in first["links"] if link["rel"] == "next")
    second = json.loads(client.get(following).content)
    assert second["numberMatched"] == 6 and second["numberReturned"] == 2
    assert get_json(client, url, symbol="2U", limit=5)["numberMatched"] == 12
    # d7, d11, d13 of the six squares in the box have symbol 2U
    assert get_json(client, url, bbox=bbox, symbol="2U", limit=1)["numberMatched"] == 3
    assert get_json(client, url, bbox=bbox, offset=5, limit=1)["numberMatched"] == 6
    # counts are cached per selection, never past a change of the layer
    with transaction.atomic():
        services.store_features(
            parcels, [("nowa", {"symbol": "2U", "n": 99}, Point(X0 + 45, Y0 + 25))]
        )
    assert get_json(client, url, bbox=bbox, symbol="2U", limit=1)["numberMatched"] == 4
    # a box far from the region matches nothing
    assert get_json(client, url, bbox="-10,-10,-9,-9")["numberMatched"] == 0
    # a box holding the whole layer, in EPSG:2180, counts it (25 squares and the point)
    whole = {"bbox": f"{Y0 - 10},{X0 - 10},{Y0 + 500},{X0 + 500}", "bbox-crs": "EPSG:2180"}
    assert get_json(client, url, limit=2, **whole)["numberMatched"] == 26


def test_number_matched_agrees_with_the_pages_for_every_kind_of_value(client, lubicz):
    values = [7, 7.0, 7.5, "7", "7.0", True, False, "true", "True", None, [7], {"a": 7}, "x"]
    rows = [
        (f"v{k}", {"v": value}, box(X0 + 20 * k, Y0, X0 + 20 * k + 10, Y0 + 10))
        for k, value in enumerate(values)
    ]
    rows.append(("none", {}, box(X0, Y0 + 50, X0 + 10, Y0 + 60)))
    make_layer(lubicz, "wartosci", rows, schema=[{"name": "v", "type": "string"}])
    url = "/ogc/collections/lubicz.wartosci/items"
    (w, s), (e, n) = to_crs84(X0 - 5, Y0 - 5), to_crs84(X0 + 150, Y0 + 15)
    for wanted in ("7", "7.0", "07", "7.5", "true", "TRUE", "false", "x", "[7]", "None", "nan"):
        for extra in ({}, {"bbox": f"{w},{s},{e},{n}"}):
            every = get_json(client, url, v=wanted, limit=1000, **extra)
            counted = get_json(client, url, v=wanted, limit=1, **extra)
            assert counted["numberMatched"] == every["numberReturned"], (wanted, extra)
    assert get_json(client, url, v="7", limit=1)["numberMatched"] == 3  # 7, 7.0 and "7"
    assert get_json(client, url, v="true", limit=1)["numberMatched"] == 2  # True and "true"


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-31T12:00:00Z",
        "2026-01-31t12:00:00.25+01:00",
        "2016-12-31T23:59:60Z",
        "2026-01-31",
        "2026-01-01T00:00:00Z/..",
        "../2026-01-01T00:00:00Z",
        "/2026-01-01",
        "2026-01-01/",
        "2026-01-01/2026-01-31",
        "2026-01-31/2026-01-31",
        "../..",
    ],
)
def test_a_valid_datetime_is_accepted(client, parcels, value):
    page = get_json(client, "/ogc/collections/lubicz.dzialki/items", datetime=value, limit=30)
    assert page["numberReturned"] == 25  # the layers have no time dimension


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "",
        "..",
        "/",
        "2026-13-01",
        "2026-02-30T00:00:00Z",
        "2026-01-31T12:00:00",  # RFC 3339 wants an offset
        "2026-01-31T25:00:00Z",
        "2026-01-31T12:00Z",
        "2026-01-31 12:00:00Z",
        "2026-02-01/2026-01-01",
        "2026-01-01/2026-02-01/2026-03-01",
        "2026-01-01T00:00:00Z/later",
    ],
)
def test_an_invalid_datetime_is_400(client, parcels, settings, value):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/ogc/collections/lubicz.dzialki/items", {"datetime": value})
    assert response.status_code == 400, value
    body = json.loads(response.content)
    assert body["code"] == "InvalidParameterValue" and "datetime" in body["description"]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"bbox": "18.6,90.5,18.7,91"}, "between -90 and 90"),
        ({"bbox": "18.6,-91,18.7,53"}, "between -90 and 90"),
        ({"bbox": "180.5,52,181,53"}, "between -180 and 180"),
        ({"bbox": "53,-181,54,19", "bbox-crs": "EPSG:4326"}, "between -180 and 180"),
        ({"bbox": "91,18,92,19", "bbox-crs": "EPSG:4326"}, "between -90 and 90"),
        ({"bbox": "18.6,53.0,0,18.7,53.1,10", "bbox-crs": "EPSG:2180"}, "CRS84h"),
        ({"bbox": "18.6,53.0,10,18.7,53.1,0"}, "minimum"),
        ({"bbox": f"{Y0},{X0 + 50},{Y0 + 50},{X0}", "bbox-crs": "EPSG:2180"}, "minimum"),
        ({"bbox": "18.6,53.0,18.7,53.1,1"}, "four numbers"),
    ],
)
def test_a_bbox_outside_the_globe_or_of_the_wrong_shape_is_400(
    client, parcels, settings, params, words
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/ogc/collections/lubicz.dzialki/items", params)
    assert response.status_code == 400, params
    body = json.loads(response.content)
    assert body["code"] == "InvalidParameterValue" and words in body["description"], body


def test_a_bbox_with_heights_or_across_the_antimeridian(client, parcels):
    url = "/ogc/collections/lubicz.dzialki/items"
    (w, s), (e, n) = to_crs84(X0 - 5, Y0 - 5), to_crs84(X0 + 100, Y0 + 100)
    with_heights = get_json(client, url, bbox=f"{w},{s},-100,{e},{n},3000", limit=30)
    assert with_heights["numberReturned"] == 25
    # west edge east of the east edge: from 170°E across the antimeridian to 20°E
    across = get_json(client, url, bbox=f"170,{s},20,{n}", limit=2)
    assert across["numberMatched"] == 25 and across["numberReturned"] == 2
    # everything but a band around the squares
    around = get_json(client, url, bbox=f"{e + 0.01},{s},{w - 0.01},{n}")
    assert around["numberMatched"] == 0 and around["features"] == []
