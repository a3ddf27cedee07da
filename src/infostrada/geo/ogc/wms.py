"""WMS 1.3.0 at ``/ogc/wms``: GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic.

Key-value GET requests with case-insensitive parameter names. Maps are drawn
by ``geo.render``, which wants a box in the x/y order of the CRS; WMS 1.3.0
gives the box in the axis order of the CRS (latitude first for EPSG:4326,
northing first for EPSG:2180 and EPSG:2177), so it is swapped here. A
request that says VERSION=1.1.x (SRS instead of CRS) keeps x/y order, as
that version does. Every error is a ServiceExceptionReport with HTTP 400.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from infostrada.geo import render
from infostrada.geo.crs import transformer
from infostrada.geo.ogc import legend
from infostrada.geo.ogc.axes import STORAGE, northing_first, query_area
from infostrada.geo.ogc.catalog import Collection, find_collections
from infostrada.geo.ogc.common import OgcError, OgcRequest, OgcResponse, parse_numbers
from infostrada.geo.ogc.features import geojson_geometries
from infostrada.geo.ogc.wms_capabilities import MAP_FORMATS, capabilities
from infostrada.geo.query import Row, iter_intersecting

MAX_SIZE = 4096
MAX_FEATURE_COUNT = 50
INFO_TOLERANCE = 4  # pixels around the clicked point
INFO_FORMATS = ("application/json", "text/html", "text/plain")
XML = "text/xml; charset=utf-8"
JPEG_QUALITY = 85


class WmsError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def exception_report(error: WmsError) -> OgcResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.opengis.net/ogc '
        'http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">\n'
        f'<ServiceException code="{escape(error.code)}">'
        f"{escape(error.message)}</ServiceException>\n"
        "</ServiceExceptionReport>\n"
    )
    return OgcResponse(status=400, content_type=XML, body=body.encode())


def _required(request: OgcRequest, name: str) -> str:
    value = request.get_ci(name)
    if value is None or value.strip() == "":
        raise WmsError(
            "MissingParameterValue", _("Parameter %(name)s is required.") % {"name": name.upper()}
        )
    return value.strip()


def dispatch(request: OgcRequest) -> OgcResponse:
    """The WMS endpoint: route by REQUEST; any problem becomes an exception report."""
    try:
        service = request.get_ci("service")
        if service is not None and service.strip().upper() not in ("WMS", ""):
            raise WmsError(
                "InvalidParameterValue", _("This endpoint is a WMS; SERVICE must be WMS.")
            )
        name = _required(request, "request").lower()
        handler = {
            "getcapabilities": _get_capabilities,
            "getmap": get_map,
            "getfeatureinfo": get_feature_info,
            "getlegendgraphic": get_legend_graphic,
        }.get(name)
        if handler is None:
            raise WmsError(
                "OperationNotSupported",
                _(
                    "Request %(name)s is not offered; use GetCapabilities, GetMap, "
                    "GetFeatureInfo or GetLegendGraphic."
                )
                % {"name": request.get_ci("request")},
            )
        return handler(request)
    except WmsError as error:
        return exception_report(error)
    except OgcError as error:
        return exception_report(WmsError("InvalidParameterValue", error.description))


def _get_capabilities(request: OgcRequest) -> OgcResponse:
    fmt = request.get_ci("format")
    if fmt and fmt.strip().lower() not in ("text/xml", "application/vnd.ogc.wms_xml"):
        raise WmsError("InvalidFormat", _("Capabilities are offered as text/xml."))
    return OgcResponse(content_type=XML, body=capabilities(request))


# -- the map part shared by GetMap and GetFeatureInfo ---------------------------------------


WMS_CRS = {
    "EPSG:2180": "EPSG:2180",
    "EPSG:2177": "EPSG:2177",
    "EPSG:3857": "EPSG:3857",
    "EPSG:4326": "EPSG:4326",
    "CRS:84": "OGC:CRS84",
}


def _crs(request: OgcRequest) -> tuple[str, bool]:
    """(CRS code, box given northing/latitude first)."""
    version = (request.get_ci("version") or "1.3.0").strip()
    old = version.startswith("1.1")
    raw = request.get_ci("srs" if old else "crs") or request.get_ci("crs") or request.get_ci("srs")
    if raw is None or not raw.strip():
        raise WmsError("MissingParameterValue", _("Parameter CRS is required."))
    code = WMS_CRS.get(raw.strip().upper())
    if code is None:
        raise WmsError(
            "InvalidCRS",
            _("Coordinate reference system %(crs)s is not offered; use one of: %(list)s.")
            % {"crs": raw, "list": ", ".join(WMS_CRS)},
        )
    return code, (not old and northing_first(code))


def _size(request: OgcRequest, name: str) -> int:
    raw = _required(request, name)
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_SIZE:
        raise WmsError(
            "InvalidParameterValue",
            _("%(name)s must be a whole number of pixels from 1 to %(max)s.")
            % {"name": name.upper(), "max": MAX_SIZE},
        )
    return value


def _layers(request: OgcRequest, parameter: str) -> list[Collection]:
    names = [n.strip() for n in _required(request, parameter).split(",") if n.strip()]
    if not names:
        raise WmsError(
            "MissingParameterValue",
            _("Parameter %(name)s is required.") % {"name": parameter.upper()},
        )
    found = find_collections(names)
    for name in names:
        if name not in found:
            raise WmsError("LayerNotDefined", _("There is no layer %(name)s.") % {"name": name})
    return [found[n] for n in names]


def _map_part(request: OgcRequest) -> dict[str, Any]:
    layers = _layers(request, "layers")
    styles = request.get_ci("styles") or ""
    for style in styles.split(","):
        if style.strip() not in ("", "default"):
            raise WmsError(
                "StyleNotDefined",
                _("Style %(style)s is not offered; leave STYLES empty.") % {"style": style},
            )
    code, swap = _crs(request)
    values = parse_numbers(_required(request, "bbox"), "BBOX")
    if len(values) != 4:
        raise WmsError("InvalidParameterValue", _("BBOX has four numbers."))
    a, b, c, d = values
    box = (b, a, d, c) if swap else (a, b, c, d)
    if not (box[0] < box[2] and box[1] < box[3]):
        raise WmsError(
            "InvalidParameterValue",
            _("In BBOX the minimum of an axis must be less than its maximum."),
        )
    if not (math.isfinite(box[2] - box[0]) and math.isfinite(box[3] - box[1])):
        raise WmsError("InvalidParameterValue", _("BBOX is larger than any map can be."))
    return {
        "layers": layers,
        "code": code,
        "box": box,
        "width": _size(request, "width"),
        "height": _size(request, "height"),
    }


def _color(request: OgcRequest) -> tuple[int, int, int]:
    raw = (request.get_ci("bgcolor") or "0xFFFFFF").strip()
    try:
        if len(raw) == 8 and raw.lower().startswith("0x"):
            return (int(raw[2:4], 16), int(raw[4:6], 16), int(raw[6:8], 16))
    except ValueError:
        pass
    raise WmsError("InvalidParameterValue", _("BGCOLOR is a colour in the form 0xRRGGBB."))


def get_map(request: OgcRequest) -> OgcResponse:
    """A map image: PNG (transparent if asked) or JPEG (always on BGCOLOR, white by default).

    WMS 1.3.0 (OGC 06-042), 7.3.3.9-7.3.3.10: TRANSPARENT applies to formats
    that have transparency; JPEG has none, so there it is ignored and the
    background colour fills what no layer covers.
    """
    part = _map_part(request)
    fmt = _required(request, "format").split(";")[0].strip().lower()
    if fmt not in MAP_FORMATS:
        raise WmsError(
            "InvalidFormat",
            _("Maps are offered as %(list)s.") % {"list": ", ".join(MAP_FORMATS)},
        )
    background = _color(request)
    transparent = (request.get_ci("transparent") or "FALSE").strip().upper() == "TRUE"
    image = render.render_image(
        [c.layer for c in part["layers"]],
        part["box"],
        part["code"],
        part["width"],
        part["height"],
        transparent=transparent and fmt == "image/png",
        background=background,
    )
    out = io.BytesIO()
    if fmt == "image/jpeg":
        # opaque already (drawn on an opaque background); JPEG stores no alpha
        image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, format="PNG", optimize=False, compress_level=3)
    return OgcResponse(
        content_type=fmt, body=out.getvalue(), headers={"Cache-Control": "public, max-age=60"}
    )


# -- GetFeatureInfo ----------------------------------------------------------------------------


def _pixel(request: OgcRequest, names: tuple[str, str], limit: int) -> int:
    raw = request.get_ci(names[0]) or request.get_ci(names[1])
    if raw is None or not raw.strip():
        raise WmsError(
            "MissingParameterValue",
            _("Parameter %(name)s is required.") % {"name": names[0].upper()},
        )
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value < limit:
        raise WmsError(
            "InvalidPoint",
            _("Point %(name)s=%(value)s lies outside the map.")
            % {"name": names[0].upper(), "value": raw},
        )
    return value


def get_feature_info(request: OgcRequest) -> OgcResponse:
    part = _map_part(request)
    queried = _layers(request, "query_layers")
    shown = {c.id for c in part["layers"]}
    for collection in queried:
        if collection.id not in shown:
            raise WmsError(
                "LayerNotDefined",
                _("Layer %(name)s is queried but not in LAYERS.") % {"name": collection.id},
            )
    info_format = (request.get_ci("info_format") or "text/html").split(";")[0].strip().lower()
    if info_format not in INFO_FORMATS:
        raise WmsError(
            "InvalidFormat",
            _("Feature information is offered as %(list)s.") % {"list": ", ".join(INFO_FORMATS)},
        )
    width, height = part["width"], part["height"]
    i = _pixel(request, ("i", "x"), width)
    j = _pixel(request, ("j", "y"), height)
    try:
        count = int(request.get_ci("feature_count") or 1)
    except ValueError:
        count = 1
    count = min(max(count, 1), MAX_FEATURE_COUNT)
    minx, miny, maxx, maxy = part["box"]
    res_x, res_y = (maxx - minx) / width, (maxy - miny) / height
    x, y = minx + (i + 0.5) * res_x, maxy - (j + 0.5) * res_y
    tol_x, tol_y = INFO_TOLERANCE * res_x, INFO_TOLERANCE * res_y
    area = query_area((x - tol_x, y - tol_y, x + tol_x, y + tol_y), part["code"])
    found: list[tuple[Collection, list[Row]]] = []
    if area is not None:
        point = _point_in_storage(x, y, part["code"])
        for collection in queried:
            hits = [
                r
                for r in iter_intersecting([collection.layer.pk], area.box, exact=False)
                if area.shape.intersects(r.geometry)
            ]
            hits.sort(key=lambda r: (r.geometry.distance(point), r.id))
            found.append((collection, hits[:count]))
    else:
        found = [(c, []) for c in queried]
    return _info_response(info_format, found)


def _point_in_storage(x: float, y: float, code: str) -> Any:
    from shapely.geometry import Point

    if code == STORAGE:
        return Point(x, y)
    return Point(*transformer(code, STORAGE).transform(x, y))


def _info_response(info_format: str, found: list[tuple[Collection, list[Row]]]) -> OgcResponse:
    if info_format == "application/json":
        features = []
        for collection, rows in found:
            for row, geometry in zip(rows, geojson_geometries(rows, "OGC:CRS84"), strict=True):
                features.append(
                    {
                        "type": "Feature",
                        "id": row.fid,
                        "layer": collection.id,
                        "geometry": json.loads(geometry),
                        "properties": row.properties,
                    }
                )
        body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
        return OgcResponse(content_type="application/json", body=body.encode())
    if info_format == "text/plain":
        lines: list[str] = []
        for collection, rows in found:
            lines.append(_("Layer %(name)s") % {"name": collection.id})
            if not rows:
                lines.append("  " + _("no features here"))
            for row in rows:
                lines.append("  " + _("Feature %(id)s") % {"id": row.fid})
                lines.extend(f"    {k} = {v}" for k, v in row.properties.items())
        return OgcResponse(
            content_type="text/plain; charset=utf-8", body=("\n".join(lines) + "\n").encode()
        )
    return OgcResponse(
        content_type="text/html",
        template="geo/ogc/featureinfo.html",
        context={
            "layers": [
                {
                    "collection": collection,
                    "features": [
                        {"id": row.fid, "properties": _titled(collection, row)} for row in rows
                    ],
                }
                for collection, rows in found
            ]
        },
    )


def _titled(collection: Collection, row: Row) -> list[tuple[str, Any]]:
    titles = {a["name"]: a.get("title") or a["name"] for a in collection.schema}
    return [(titles.get(k, k), v) for k, v in row.properties.items()]


# -- GetLegendGraphic --------------------------------------------------------------------------


def get_legend_graphic(request: OgcRequest) -> OgcResponse:
    name = _required(request, "layer")
    found = find_collections([name])
    if name not in found:
        raise WmsError("LayerNotDefined", _("There is no layer %(name)s.") % {"name": name})
    style = (request.get_ci("style") or "").strip()
    if style not in ("", "default"):
        raise WmsError("StyleNotDefined", _("Style %(style)s is not offered.") % {"style": style})
    fmt = (request.get_ci("format") or "image/png").split(";")[0].strip().lower()
    layer = found[name].layer
    if fmt == "application/json":
        body = json.dumps(legend.legend_json(layer), ensure_ascii=False).encode()
        return OgcResponse(
            content_type="application/json",
            body=body,
            headers={"Cache-Control": "public, max-age=300"},
        )
    if fmt != "image/png":
        raise WmsError("InvalidFormat", _("Legends are offered as image/png or application/json."))
    png = legend.legend_png(layer, symbol=_symbol_size(request))
    return OgcResponse(
        content_type="image/png", body=png, headers={"Cache-Control": "public, max-age=300"}
    )


def _symbol_size(request: OgcRequest) -> int:
    raw = request.get_ci("width") or request.get_ci("height") or str(legend.DEFAULT_SYMBOL)
    try:
        return min(max(int(raw), 8), 64)
    except ValueError:
        raise WmsError(
            "InvalidParameterValue",
            _("WIDTH and HEIGHT of a legend symbol are whole numbers of pixels."),
        ) from None
