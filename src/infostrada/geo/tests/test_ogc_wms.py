"""WMS 1.3.0 at /ogc/wms: capabilities, maps in each CRS's axis order, feature info, legends."""

from __future__ import annotations

import io
import json

import pytest
from lxml import etree
from PIL import Image
from shapely.geometry import Point, box

from infostrada.geo.crs import transformer
from infostrada.geo.tests.test_ogc_features import X0, Y0, make_layer

pytestmark = pytest.mark.django_db
WMS = "{http://www.opengis.net/wms}"
OGC = "{http://www.opengis.net/ogc}"
RED_STYLE = {"fill": "#ff0000", "stroke": "#ff0000", "opacity": 1.0}


@pytest.fixture
def square(lubicz):
    """One 100 m red square at (X0, Y0)-(X0+100, Y0+100), EPSG:2180."""
    return make_layer(
        lubicz,
        "kwadrat",
        [("k", {"symbol": "MN", "n": 1}, box(X0, Y0, X0 + 100, Y0 + 100))],
        title="Kwadrat",
        style=RED_STYLE,
    )


def get_map(client, **params):  # type: ignore[no-untyped-def]
    query = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetMap",
        "LAYERS": "lubicz.kwadrat",
        "STYLES": "",
        "WIDTH": "100",
        "HEIGHT": "100",
        "FORMAT": "image/png",
        "TRANSPARENT": "TRUE",
    }
    query.update(params)
    return client.get("/ogc/wms", {k: v for k, v in query.items() if v is not None})


def pixels(response) -> Image.Image:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:400]
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGBA")


def test_capabilities_list_layers_with_boxes_in_each_crs_axis_order(client, square):
    response = client.get("/ogc/wms", {"service": "WMS", "request": "GetCapabilities"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    assert root.get("version") == "1.3.0"
    layer = next(
        e for e in root.iter(f"{WMS}Layer") if e.findtext(f"{WMS}Name") == "lubicz.kwadrat"
    )
    assert layer.findtext(f"{WMS}Title") == "Kwadrat" and layer.get("queryable") == "1"
    boxes = {b.get("CRS"): b for b in layer.findall(f"{WMS}BoundingBox")}
    assert set(boxes) == {"EPSG:2180", "EPSG:2177", "EPSG:3857", "EPSG:4326", "CRS:84"}
    # EPSG:2180 northing first, CRS:84 longitude first, EPSG:4326 latitude first
    assert float(boxes["EPSG:2180"].get("minx")) == pytest.approx(Y0)
    assert float(boxes["EPSG:2180"].get("miny")) == pytest.approx(X0)
    assert 18 < float(boxes["CRS:84"].get("minx")) < 19 < 52 < float(boxes["CRS:84"].get("miny"))
    assert (
        float(boxes["EPSG:4326"].get("minx")) > 52
        and 18 < float(boxes["EPSG:4326"].get("miny")) < 19
    )
    west = float(layer.find(f"{WMS}EX_GeographicBoundingBox").findtext(f"{WMS}westBoundLongitude"))
    assert west == pytest.approx(float(boxes["CRS:84"].get("minx")), abs=1e-5)
    legend = layer.find(f"{WMS}Style/{WMS}LegendURL/{WMS}OnlineResource")
    assert "GetLegendGraphic" in legend.get("{http://www.w3.org/1999/xlink}href")
    crs = [e.text for e in root.find(f"{WMS}Capability/{WMS}Layer").findall(f"{WMS}CRS")]
    assert crs == ["EPSG:2180", "EPSG:2177", "EPSG:3857", "EPSG:4326", "CRS:84"]


@pytest.mark.parametrize("crs", ["EPSG:2180", "EPSG:2177", "EPSG:3857", "EPSG:4326", "CRS:84"])
def test_get_map_reads_the_bbox_in_the_axis_order_of_the_crs(client, square, crs):
    """A box over the square's left half: red on the left of the image, empty on the right."""
    code = "OGC:CRS84" if crs == "CRS:84" else crs
    to = transformer("EPSG:2180", code)
    cx, cy = X0 + 50, Y0 + 50  # the map's centre is the square's centre
    (x1, y1), (x2, y2) = to.transform(cx - 60, cy - 45), to.transform(cx + 60, cy + 45)
    # shift right by half: the square's centre lies at the left quarter
    shift = (x2 - x1) / 2
    minx, miny, maxx, maxy = x1 + shift, y1, x2 + shift, y2
    northing_first = crs in ("EPSG:2180", "EPSG:2177", "EPSG:4326")
    bbox = (miny, minx, maxy, maxx) if northing_first else (minx, miny, maxx, maxy)
    image = pixels(get_map(client, CRS=crs, BBOX=",".join(repr(v) for v in bbox)))
    assert image.getpixel((20, 50))[:3] == (255, 0, 0), crs  # inside the square
    assert image.getpixel((90, 50))[3] == 0, crs  # east of it: transparent


def test_get_map_opaque_with_background_and_version_111(client, square):
    image = pixels(
        get_map(
            client,
            CRS="EPSG:2180",
            BBOX=f"{Y0 + 200},{X0 + 200},{Y0 + 300},{X0 + 300}",
            TRANSPARENT="FALSE",
            BGCOLOR="0x00FF00",
        )
    )
    assert image.getpixel((50, 50)) == (0, 255, 0, 255)
    # WMS 1.1.1 names the CRS "SRS" and keeps x/y order
    old = pixels(
        get_map(
            client,
            VERSION="1.1.1",
            CRS=None,
            SRS="EPSG:2180",
            BBOX=f"{X0},{Y0},{X0 + 100},{Y0 + 100}",
        )
    )
    assert old.getpixel((50, 50))[:3] == (255, 0, 0)


def test_parameter_names_are_case_insensitive(client, square):
    response = client.get(
        "/ogc/wms",
        {
            "service": "wms",
            "request": "getmap",
            "layers": "lubicz.kwadrat",
            "styles": "",
            "crs": "epsg:2180",
            "bbox": f"{Y0},{X0},{Y0 + 100},{X0 + 100}",
            "width": "10",
            "height": "10",
            "format": "image/png",
        },
    )
    assert pixels(response).getpixel((5, 5))[:3] == (255, 0, 0)


def feature_info(client, info_format: str, i: int, j: int, **extra):  # type: ignore[no-untyped-def]
    query = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetFeatureInfo",
        "LAYERS": "lubicz.kwadrat",
        "QUERY_LAYERS": "lubicz.kwadrat",
        "STYLES": "",
        "CRS": "EPSG:2180",
        "BBOX": f"{Y0 - 100},{X0 - 100},{Y0 + 200},{X0 + 200}",
        "WIDTH": "300",
        "HEIGHT": "300",
        "INFO_FORMAT": info_format,
        "I": str(i),
        "J": str(j),
    }
    query.update(extra)
    return client.get("/ogc/wms", query)


def test_get_feature_info_in_three_formats(client, square):
    # pixel (150, 150) is the square's centre; (20, 20) is outside it
    hit = feature_info(client, "application/json", 150, 150)
    assert hit.status_code == 200 and hit["Content-Type"] == "application/json"
    features = json.loads(hit.content)["features"]
    assert [f["id"] for f in features] == ["k"] and features[0]["properties"]["symbol"] == "MN"
    assert features[0]["layer"] == "lubicz.kwadrat"
    miss = json.loads(feature_info(client, "application/json", 20, 20).content)
    assert miss["features"] == []
    text = feature_info(client, "text/plain", 150, 150)
    assert text["Content-Type"].startswith("text/plain") and b"symbol = MN" in text.content
    html = feature_info(client, "text/html", 150, 150)
    assert (
        html["Content-Type"].startswith("text/html")
        and b'<th scope="row">Symbol</th><td>MN</td>' in html.content
    )


def test_get_feature_info_finds_points_near_the_click(client, lubicz):
    make_layer(lubicz, "punkty", [("p", {}, Point(X0 + 50, Y0 + 50))], schema=[])
    query = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetFeatureInfo",
        "LAYERS": "lubicz.punkty",
        "QUERY_LAYERS": "lubicz.punkty",
        "STYLES": "",
        "CRS": "EPSG:2180",
        "BBOX": f"{Y0},{X0},{Y0 + 100},{X0 + 100}",
        "WIDTH": "100",
        "HEIGHT": "100",
        "INFO_FORMAT": "application/json",
        "I": "52",
        "J": "48",
    }
    assert [f["id"] for f in json.loads(client.get("/ogc/wms", query).content)["features"]] == ["p"]


def test_legend_graphic(client, lubicz):
    style = {
        "by": "symbol",
        "classes": {
            "MN": {"fill": "#ff0000", "label": "Zabudowa mieszkaniowa"},
            "ZP": {"fill": "#00ff00", "label": "Zieleń urządzona"},
        },
    }
    make_layer(
        lubicz, "mpzp", [("a", {"symbol": "MN"}, box(X0, Y0, X0 + 10, Y0 + 10))], style=style
    )
    response = client.get(
        "/ogc/wms",
        {
            "service": "WMS",
            "request": "GetLegendGraphic",
            "layer": "lubicz.mpzp",
            "format": "image/png",
        },
    )
    image = pixels(response)
    assert image.height >= 2 * 20 and image.width > 60
    data = json.loads(
        client.get(
            "/ogc/wms",
            {"request": "GetLegendGraphic", "layer": "lubicz.mpzp", "format": "application/json"},
        ).content
    )
    assert [e["label"] for e in data] == ["Zabudowa mieszkaniowa", "Zieleń urządzona"]
    assert data[0]["fill"] == "#ff0000"


GOOD = {
    "REQUEST": "GetMap",
    "LAYERS": "lubicz.kwadrat",
    "STYLES": "",
    "CRS": "EPSG:2180",
    "BBOX": f"{Y0},{X0},{Y0 + 100},{X0 + 100}",
    "WIDTH": "10",
    "HEIGHT": "10",
    "FORMAT": "image/png",
}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"REQUEST": None}, "MissingParameterValue"),
        ({"REQUEST": "GetTile"}, "OperationNotSupported"),
        ({"SERVICE": "WFS"}, "InvalidParameterValue"),
        ({"LAYERS": None}, "MissingParameterValue"),
        ({"LAYERS": "lubicz.nic"}, "LayerNotDefined"),
        ({"STYLES": "fancy"}, "StyleNotDefined"),
        ({"CRS": None}, "MissingParameterValue"),
        ({"CRS": "EPSG:31467"}, "InvalidCRS"),
        ({"BBOX": None}, "MissingParameterValue"),
        ({"BBOX": "1,2,3"}, "InvalidParameterValue"),
        ({"BBOX": "a,b,c,d"}, "InvalidParameterValue"),
        ({"BBOX": f"{Y0 + 100},{X0},{Y0},{X0 + 100}"}, "InvalidParameterValue"),
        ({"WIDTH": None}, "MissingParameterValue"),
        ({"WIDTH": "5000"}, "InvalidParameterValue"),
        ({"HEIGHT": "0"}, "InvalidParameterValue"),
        ({"HEIGHT": "big"}, "InvalidParameterValue"),
        ({"FORMAT": None}, "MissingParameterValue"),
        ({"FORMAT": "image/gif"}, "InvalidFormat"),
        ({"BGCOLOR": "red"}, "InvalidParameterValue"),
        (
            {
                "REQUEST": "GetFeatureInfo",
                "QUERY_LAYERS": "lubicz.kwadrat",
                "I": "10",
                "J": "3",
                "INFO_FORMAT": "text/plain",
            },
            "InvalidPoint",
        ),
        (
            {
                "REQUEST": "GetFeatureInfo",
                "QUERY_LAYERS": "lubicz.kwadrat",
                "I": "-1",
                "J": "3",
                "INFO_FORMAT": "text/plain",
            },
            "InvalidPoint",
        ),
        (
            {
                "REQUEST": "GetFeatureInfo",
                "QUERY_LAYERS": "lubicz.kwadrat",
                "I": "1",
                "J": "3",
                "INFO_FORMAT": "image/png",
            },
            "InvalidFormat",
        ),
        ({"REQUEST": "GetFeatureInfo", "I": "1", "J": "3"}, "MissingParameterValue"),
        ({"BBOX": "-1e308,-1e308,1e308,1e308"}, "InvalidParameterValue"),
        (
            {
                "REQUEST": "GetFeatureInfo",
                "QUERY_LAYERS": "lubicz.kwadrat",
                "BBOX": "-1e308,-1e308,1e308,1e308",
                "I": "1",
                "J": "1",
                "INFO_FORMAT": "application/json",
            },
            "InvalidParameterValue",
        ),
        ({"REQUEST": "GetLegendGraphic", "LAYER": "lubicz.nic"}, "LayerNotDefined"),
        ({"REQUEST": "GetCapabilities", "FORMAT": "application/pdf"}, "InvalidFormat"),
    ],
)
def test_errors_are_service_exception_reports_with_400(client, square, change, code):
    params = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    response = client.get("/ogc/wms", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    report = etree.fromstring(response.content)
    assert report.tag == f"{OGC}ServiceExceptionReport"
    exception = report.find(f"{OGC}ServiceException")
    assert exception.get("code") == code and exception.text.strip()
