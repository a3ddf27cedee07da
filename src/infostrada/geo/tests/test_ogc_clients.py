"""Independent standard clients (OWSLib) read the services from a live server."""

from __future__ import annotations

import io

import pytest
from owslib.ogcapi.features import Features
from owslib.util import http_get
from owslib.wms import WebMapService
from PIL import Image
from shapely.geometry import box

from infostrada.geo.crs import transformer
from infostrada.geo.tests.test_ogc_features import X0, Y0, grid, make_layer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def layers(lubicz, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_layer(lubicz, "dzialki", grid(), title="Działki ewidencyjne")
    make_layer(
        lubicz,
        "kwadrat",
        [("k", {"symbol": "MN", "n": 1}, box(X0, Y0, X0 + 100, Y0 + 100))],
        title="Kwadrat",
        style={"fill": "#ff0000", "stroke": "#ff0000", "opacity": 1.0},
    )


def test_owslib_reads_wms_capabilities_and_a_map(live_server, layers):
    wms = WebMapService(f"{live_server.url}/ogc/wms", version="1.3.0")
    assert wms.identification.type == "WMS" and wms.identification.version == "1.3.0"
    assert {"lubicz.dzialki", "lubicz.kwadrat"} <= set(wms.contents)
    square = wms["lubicz.kwadrat"]
    assert square.title == "Kwadrat" and square.queryable == 1
    assert "EPSG:2180" in square.crsOptions and "CRS:84" in square.crsOptions
    west, south, east, north = square.boundingBoxWGS84
    assert 18 < west < east < 19 and 52 < south < north < 54
    assert square.styles["default"]["legend"].startswith(live_server.url)
    assert {op.name for op in wms.operations} >= {"GetCapabilities", "GetMap", "GetFeatureInfo"}
    # OWSLib takes (minx, miny, maxx, maxy) and swaps to the CRS's axis order itself
    image = wms.getmap(
        layers=["lubicz.kwadrat"],
        styles=[""],
        srs="EPSG:2180",
        bbox=(X0 - 50, Y0 - 50, X0 + 150, Y0 + 150),
        size=(64, 64),
        format="image/png",
        transparent=True,
    )
    png = Image.open(io.BytesIO(image.read())).convert("RGBA")
    assert png.getpixel((32, 32))[:3] == (255, 0, 0) and png.getpixel((2, 2))[3] == 0
    lon_lat = transformer("EPSG:2180", "EPSG:4326")
    (w, s), (e, n) = lon_lat.transform(X0 - 50, Y0 - 50), lon_lat.transform(X0 + 150, Y0 + 150)
    image = wms.getmap(
        layers=["lubicz.kwadrat"],
        srs="EPSG:4326",
        bbox=(w, s, e, n),
        size=(64, 64),
        format="image/png",
        transparent=True,
    )
    png = Image.open(io.BytesIO(image.read())).convert("RGBA")
    assert png.getpixel((32, 32))[:3] == (255, 0, 0) and png.getpixel((2, 2))[3] == 0


def test_owslib_lists_collections_and_pages_through_items(live_server, layers):
    api = Features(f"{live_server.url}/ogc/")
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in api.conformance()["conformsTo"]
    )
    assert set(api.feature_collections()) == {"lubicz.dzialki", "lubicz.kwadrat"}
    assert api.collection("lubicz.dzialki")["title"] == "Działki ewidencyjne"
    assert "/collections/{collectionId}/items" in api.api()["paths"]
    to_crs84 = transformer("EPSG:2180", "OGC:CRS84")
    (w, s), (e, n) = to_crs84.transform(X0 + 15, Y0 + 15), to_crs84.transform(X0 + 65, Y0 + 45)
    page = api.collection_items("lubicz.dzialki", bbox=[w, s, e, n], limit=4)
    seen = [f["id"] for f in page["features"]]
    assert page["numberReturned"] == 4
    while True:
        following = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not following:
            break
        # the next link carries every parameter (bbox, limit, cursor)
        page = http_get(following[0]).json()
        seen += [f["id"] for f in page["features"]]
    assert sorted(seen) == sorted(["d6", "d7", "d8", "d11", "d12", "d13"])
    by_offset = api.collection_items("lubicz.dzialki", bbox=[w, s, e, n], limit=4, offset=4)
    assert [f["id"] for f in by_offset["features"]] == seen[4:]
    feature = api.collection_item("lubicz.dzialki", "d7")
    assert feature["properties"] == {"symbol": "2U", "n": 7}


def test_owslib_gets_a_jpeg_map_on_the_background_colour(live_server, layers):
    """A client asking for JPEG (the default of several) gets one; no alpha, BGCOLOR honoured."""
    wms = WebMapService(f"{live_server.url}/ogc/wms", version="1.3.0")
    getmap = next(op for op in wms.operations if op.name == "GetMap")
    assert {"image/png", "image/jpeg"} <= set(getmap.formatOptions)
    area = {
        "layers": ["lubicz.kwadrat"],
        "styles": [""],
        "srs": "EPSG:2180",
        "bbox": (X0 - 50, Y0 - 50, X0 + 150, Y0 + 150),
        "size": (64, 64),
        "format": "image/jpeg",
    }
    # TRANSPARENT means nothing to JPEG: the background is the colour asked for
    response = wms.getmap(**area, transparent=True, bgcolor="#0000FF")
    assert response.info()["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.read()))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (64, 64)
    red, green, blue = image.getpixel((32, 32))
    assert red > 200 and green < 60 and blue < 60  # the square
    red, green, blue = image.getpixel((2, 2))
    assert red < 40 and green < 40 and blue > 200  # BGCOLOR=0x0000FF
    white = Image.open(io.BytesIO(wms.getmap(**area).read()))
    assert all(channel > 240 for channel in white.getpixel((2, 2)))  # white by default


def test_the_legend_size_in_the_capabilities_is_the_size_of_the_legend(live_server, layers):
    wms = WebMapService(f"{live_server.url}/ogc/wms", version="1.3.0")
    for name in ("lubicz.kwadrat", "lubicz.dzialki"):
        style = wms[name].styles["default"]
        image = Image.open(io.BytesIO(http_get(style["legend"]).content))
        assert image.size == (int(style["legend_width"]), int(style["legend_height"])), name
