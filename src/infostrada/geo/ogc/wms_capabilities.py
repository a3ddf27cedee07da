"""The WMS 1.3.0 capabilities document: every public layer, grouped by unit.

Each layer states its geographic box (EX_GeographicBoundingBox) and a
BoundingBox in every offered CRS — in that CRS's axis order, as WMS 1.3.0
requires (EPSG:4326 latitude first, EPSG:2180/2177 northing first) — its
default style and the URL of its legend (GetLegendGraphic) with the size of
the image that URL returns.
"""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from lxml import etree

from infostrada.geo.crs import POLAND_2180, bbox_from_storage
from infostrada.geo.ogc.axes import from_xy
from infostrada.geo.ogc.catalog import Collection, public_collections
from infostrada.geo.ogc.common import OgcRequest
from infostrada.geo.ogc.legend import legend_size

WMS_NS = "http://www.opengis.net/wms"
XLINK_NS = "http://www.w3.org/1999/xlink"
SLD_NS = "http://www.opengis.net/sld"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: WMS_NS, "xlink": XLINK_NS, "sld": SLD_NS, "xsi": XSI_NS}
# WMS name -> platform code, in the order the capabilities list them.
CRS_NAMES = {
    "EPSG:2180": "EPSG:2180",
    "EPSG:2177": "EPSG:2177",
    "EPSG:3857": "EPSG:3857",
    "EPSG:4326": "EPSG:4326",
    "CRS:84": "OGC:CRS84",
}
# GetMap formats: PNG, and JPEG, which many desktop clients ask for first
MAP_FORMATS = ("image/png", "image/jpeg")


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{WMS_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _online(parent: etree._Element, href: str, tag: str = "OnlineResource") -> None:
    _el(parent, tag, **{f"{{{XLINK_NS}}}type": "simple", f"{{{XLINK_NS}}}href": href})


def _operation(
    parent: etree._Element, name: str, formats: list[str], href: str, ns: str = WMS_NS
) -> None:
    operation = etree.SubElement(parent, f"{{{ns}}}{name}")
    for fmt in formats:
        _el(operation, "Format", fmt)
    http = _el(_el(operation, "DCPType"), "HTTP")
    _online(_el(http, "Get"), href)


def _boxes(layer_el: etree._Element, extent: tuple[float, float, float, float]) -> None:
    """EX_GeographicBoundingBox and one BoundingBox per CRS of a box in EPSG:2180."""
    west, south, east, north = bbox_from_storage(extent, "OGC:CRS84")
    geo = _el(layer_el, "EX_GeographicBoundingBox")
    _el(geo, "westBoundLongitude", f"{west:.6f}")
    _el(geo, "eastBoundLongitude", f"{east:.6f}")
    _el(geo, "southBoundLatitude", f"{south:.6f}")
    _el(geo, "northBoundLatitude", f"{north:.6f}")
    for name, code in CRS_NAMES.items():
        box = extent if code == "EPSG:2180" else bbox_from_storage(extent, code)
        ordered = box if name == "CRS:84" else from_xy(box, code)
        digits = 6 if code in ("OGC:CRS84", "EPSG:4326") else 2
        _el(
            layer_el,
            "BoundingBox",
            CRS=name,
            minx=f"{ordered[0]:.{digits}f}",
            miny=f"{ordered[1]:.{digits}f}",
            maxx=f"{ordered[2]:.{digits}f}",
            maxy=f"{ordered[3]:.{digits}f}",
        )


def _layer(parent: etree._Element, collection: Collection, service: str) -> None:
    layer = collection.layer
    element = _el(parent, "Layer", queryable="1", opaque="0")
    _el(element, "Name", collection.id)
    _el(element, "Title", layer.title)
    if layer.description:
        _el(element, "Abstract", layer.description)
    _boxes(element, collection.storage_extent or POLAND_2180)
    if layer.attribution:
        _el(_el(element, "Attribution"), "Title", layer.attribution)
    style = _el(element, "Style")
    _el(style, "Name", "default")
    _el(style, "Title", _("Default style"))
    # the size of the image GetLegendGraphic returns for this URL (no WIDTH: symbols of 20 px)
    width, height = legend_size(layer)
    legend = _el(style, "LegendURL", width=str(width), height=str(height))
    _el(legend, "Format", "image/png")
    query = urlencode(
        {
            "service": "WMS",
            "version": "1.3.0",
            "request": "GetLegendGraphic",
            "format": "image/png",
            "layer": collection.id,
        }
    )
    _online(legend, f"{service}?{query}")


def capabilities(request: OgcRequest) -> bytes:
    service = request.url("wms")
    root = etree.Element(f"{{{WMS_NS}}}WMS_Capabilities", nsmap=NSMAP, version="1.3.0")
    root.set(
        f"{{{XSI_NS}}}schemaLocation",
        "http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd "
        "http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd",
    )
    info = _el(root, "Service")
    _el(info, "Name", "WMS")
    _el(info, "Title", _("Infostrada geoportal: spatial data of the region"))
    _el(info, "Abstract", _("Public layers of the local government units of the region."))
    _online(info, service)
    _el(info, "Fees", "none")
    _el(info, "AccessConstraints", "none")
    _el(info, "MaxWidth", "4096")
    _el(info, "MaxHeight", "4096")

    capability = _el(root, "Capability")
    requests = _el(capability, "Request")
    get = service + "?"
    _operation(requests, "GetCapabilities", ["text/xml"], get)
    _operation(requests, "GetMap", list(MAP_FORMATS), get)
    _operation(requests, "GetFeatureInfo", ["application/json", "text/html", "text/plain"], get)
    _operation(requests, "GetLegendGraphic", ["image/png", "application/json"], get, ns=SLD_NS)
    _el(_el(capability, "Exception"), "Format", "XML")

    root_layer = _el(capability, "Layer")
    _el(root_layer, "Title", _("Infostrada geoportal"))
    for name in CRS_NAMES:
        _el(root_layer, "CRS", name)
    collections = public_collections()
    extents = [c.storage_extent for c in collections if c.storage_extent is not None]
    if extents:
        everything = (
            min(e[0] for e in extents),
            min(e[1] for e in extents),
            max(e[2] for e in extents),
            max(e[3] for e in extents),
        )
    else:
        everything = POLAND_2180
    _boxes(root_layer, everything)
    for _unit, group in groupby(collections, key=lambda c: c.layer.unit_id):
        members = list(group)
        unit_layer = _el(root_layer, "Layer")
        _el(unit_layer, "Title", members[0].layer.unit.name)
        for collection in members:
            _layer(unit_layer, collection, service)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
