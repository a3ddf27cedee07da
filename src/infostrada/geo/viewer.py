"""What the map of a unit shows: its layers, the chosen units, the view, base maps.

The map's state lives in the query string, so every view is a permalink::

    /lubicz/geoportal/?lat=53.0123&lon=18.7456&zoom=16&layers=lubicz.dzialki,lubicz.mpzp

``layers`` (names ``<unit-slug>.<layer-slug>``, as the WMS at ``/ogc/wms``
names them; repeated or comma-separated; present but empty = none shown),
``units`` (units whose layers are added, on the map of a powiat or of the
województwo), ``lat``/``lon``/``zoom`` (WGS 84, Web Mercator zoom level),
``base`` (a base map key or ``none``) and ``parcel`` (a parcel to outline).

A unit's map shows its public layers and the regional layers
(``Layer.is_regional``) of the units above and below it. Every public layer of
a whole region at once would be too much, so the map of a powiat or of the
województwo lets the visitor add the layers of chosen units.

External base maps come from the ``GEO_BASE_MAPS`` setting (see
:data:`DEFAULT_BASE_MAPS`); without one reachable the platform's own layers
still show, as they come from the platform's WMS.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from PIL import Image, ImageDraw
from shapely.geometry.base import BaseGeometry

from infostrada.geo.crs import bbox_from_storage, transformer
from infostrada.geo.extents import unit_area
from infostrada.geo.models import Layer
from infostrada.geo.render import Canvas, legend, render_image
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import Kind, polish_sort_key

# GEO_BASE_MAPS: the external base maps offered under the platform's layers, in
# order, the first shown by default. Each entry: ``key`` (a short name used in
# permalinks), ``title``, ``kind`` ("tiles" for an XYZ template, "wms" for a
# WMS in EPSG:3857), ``url``, ``attribution`` (HTML, shown on the map), and
# optionally ``layers`` and ``format`` (WMS) and ``max_zoom``. ``[]`` offers
# none (an installation without internet access).
DEFAULT_BASE_MAPS: tuple[dict[str, Any], ...] = (
    {
        "key": "osm",
        "title": "OpenStreetMap",
        "kind": "tiles",
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        "max_zoom": 19,
    },
    {
        "key": "ortofoto",
        "title": "Ortofotomapa (Geoportal.gov.pl)",
        "kind": "wms",
        "url": "https://mapy.geoportal.gov.pl/wss/service/PZGIK/ORTO/WMS/StandardResolution",
        "layers": "Raster",
        "format": "image/jpeg",
        "attribution": 'Ortofotomapa &copy; <a href="https://www.geoportal.gov.pl/">GUGiK</a>',
        "max_zoom": 20,
    },
)
WMS_PATH = "ogc/wms"
# Bottom to top: plan areas under the cadastre, buildings on top.
KIND_ORDER = {
    Layer.Kind.GENERAL_PLAN: 0,
    Layer.Kind.LOCAL_PLAN: 1,
    Layer.Kind.OTHER: 2,
    Layer.Kind.PRECINCTS: 3,
    Layer.Kind.PARCELS: 4,
    Layer.Kind.BUILDINGS: 5,
}
MAX_UNITS = 10
POLAND_LONLAT = (14.07, 49.0, 24.15, 54.84)
PARCEL_MAP_SIZE = (640, 400)
HIGHLIGHT = (200, 16, 46)


def base_maps() -> list[dict[str, Any]]:
    """The configured base maps that are complete enough to show."""
    configured = getattr(settings, "GEO_BASE_MAPS", DEFAULT_BASE_MAPS)
    maps = []
    for entry in configured or ():
        if not isinstance(entry, dict):
            continue
        key, url, kind = str(entry.get("key", "")), str(entry.get("url", "")), entry.get("kind")
        if not key.isidentifier() or kind not in ("tiles", "wms"):
            continue
        if not url.startswith(("https://", "http://")):
            continue
        maps.append(
            {
                "key": key,
                "title": str(entry.get("title") or key),
                "kind": kind,
                "url": url,
                "attribution": str(entry.get("attribution", "")),
                "layers": str(entry.get("layers", "")),
                "format": str(entry.get("format", "image/jpeg")),
                "maxZoom": int(entry.get("max_zoom", 19)),
            }
        )
    return maps


# -- what the map of a unit shows ------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str  # CSS colour over white, "" for none
    stroke: str


@dataclass
class MapLayer:
    layer: Layer
    name: str
    visible: bool
    legend: list[LegendEntry]

    @property
    def dom_id(self) -> str:
        return "layer-" + self.name.replace(".", "--")

    @property
    def swatch(self) -> LegendEntry | None:
        """The one legend entry of a layer drawn in one style (shown beside its title)."""
        if len(self.legend) == 1 and self.legend[0].label == self.layer.title:
            return self.legend[0]
        return None


@dataclass
class MapState:
    unit: Unit
    layers: list[MapLayer]  # bottom to top
    choosable_units: list[Unit] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)  # chosen to be added
    view: tuple[float, float, int] | None = None  # lat, lon, zoom from the permalink
    base: str = ""

    @property
    def by_name(self) -> dict[str, Layer]:
        return {m.name: m.layer for m in self.layers}

    @property
    def visible(self) -> list[Layer]:
        return [m.layer for m in self.layers if m.visible]

    @property
    def layer_groups(self) -> list[tuple[Unit, list[MapLayer]]]:
        """Layers grouped by unit for the list, the unit's own first, top layer first."""
        groups: dict[int, tuple[Unit, list[MapLayer]]] = {}
        for m in reversed(self.layers):
            groups.setdefault(m.layer.unit_id, (m.layer.unit, []))[1].append(m)
        return sorted(groups.values(), key=lambda g: (g[0].pk != self.unit.pk, g[0].teryt or ""))


def css_colour(rgb: tuple[int, int, int] | None, opacity: float = 1.0) -> str:
    if rgb is None:
        return ""
    blended = [round(c * opacity + 255 * (1 - opacity)) for c in rgb]
    return "#{:02x}{:02x}{:02x}".format(*blended)


def legend_entries(layer: Layer) -> list[LegendEntry]:
    entries = []
    for label, style in legend(layer):
        fill = css_colour(style.fill, style.opacity) if style.opacity > 0 else ""
        entries.append(LegendEntry(label=label, fill=fill, stroke=css_colour(style.stroke)))
    return entries


def descendants(unit: Unit) -> QuerySet[Unit] | None:
    """The units under a województwo or a powiat, whose layers may be added."""
    if unit.kind == Kind.WOJEWODZTWO:
        return Unit.objects.active().of_region(unit).exclude(pk=unit.pk)
    if unit.kind == Kind.POWIAT:
        return Unit.objects.active().filter(parent=unit)
    return None


def _ancestors(unit: Unit) -> list[Unit]:
    found, current = [], unit.parent
    while current is not None and len(found) < 3:
        found.append(current)
        current = current.parent
    return found


def names_param(params: QueryDict, key: str) -> list[str] | None:
    """A list parameter given as repeated values or comma-separated; None when absent."""
    if key not in params:
        return None
    return [v.strip() for value in params.getlist(key) for v in value.split(",") if v.strip()]


def float_param(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def has_map(unit: Unit) -> bool:
    """Whether the unit's geoportal has anything to show (its own or its units' layers)."""
    if Layer.objects.for_unit(unit).filter(is_public=True).exists():
        return True
    below = descendants(unit)
    return below is not None and Layer.objects.filter(unit__in=below, is_public=True).exists()


def choosable_units(unit: Unit) -> list[Unit]:
    """Units under ``unit`` that publish layers, in Polish order of their names."""
    below = descendants(unit)
    if below is None:
        return []
    with_layers = (
        Layer.objects.filter(unit__in=below, is_public=True)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return sorted(
        Unit.objects.filter(pk__in=list(with_layers)),
        key=lambda u: polish_sort_key(u.official_name),
    )


def chosen_units(params: QueryDict, unit: Unit) -> list[Unit]:
    """The units of ``units=`` whose layers (and parcels) the map of ``unit`` adds."""
    wanted = (names_param(params, "units") or [])[:MAX_UNITS]
    below = descendants(unit)
    if not wanted or below is None:
        return []
    found = {u.slug: u for u in below.filter(slug__in=wanted)}
    return [found[slug] for slug in dict.fromkeys(wanted) if slug in found]


def map_state(params: QueryDict, unit: Unit) -> MapState:
    """What the map of ``unit`` shows, from the permalink's parameters."""
    below = descendants(unit)
    state = MapState(unit=unit, layers=[])
    if below is not None:
        state.choosable_units = choosable_units(unit)
        choosable = {u.pk for u in state.choosable_units}
        state.units = [u for u in chosen_units(params, unit) if u.pk in choosable]
    layers = list(
        Layer.objects.for_units([unit, *state.units]).filter(is_public=True).select_related("unit")
    )
    family = _ancestors(unit)
    regional = Layer.objects.none()
    if below is not None:
        regional = Layer.objects.filter(unit__in=below, is_public=True, is_regional=True)
    if family:
        regional = regional | Layer.objects.filter(
            unit__in=family, is_public=True, is_regional=True
        )
    seen = {layer.pk for layer in layers}
    layers += [
        layer for layer in regional.select_related("unit").distinct() if layer.pk not in seen
    ]
    layers.sort(
        key=lambda layer: (KIND_ORDER.get(layer.kind, 2), layer.unit.teryt or "", layer.title)
    )
    chosen = names_param(params, "layers")
    shown_by_default = {unit.pk, *(u.pk for u in state.units)}
    for layer in layers:
        name = f"{layer.unit.slug}.{layer.slug}"
        if chosen is not None:
            visible = name in chosen
        else:
            visible = layer.unit_id in shown_by_default or below is not None
        state.layers.append(MapLayer(layer, name, visible, legend_entries(layer)))
    lat, lon = float_param(params.get("lat")), float_param(params.get("lon"))
    zoom = float_param(params.get("zoom"))
    if (
        lat is not None
        and lon is not None
        and zoom is not None
        and -85 <= lat <= 85
        and -180 <= lon <= 180
        and 0 <= zoom <= 22
    ):
        state.view = (lat, lon, int(zoom))
    keys = {m["key"] for m in base_maps()}
    base = params.get("base", "")
    state.base = base if base in keys or base == "none" else ""
    return state


def _extent(layers: list[Layer]) -> tuple[float, float, float, float] | None:
    boxes = [layer.extent for layer in layers if layer.extent]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def initial_bounds(state: MapState) -> tuple[float, float, float, float]:
    """The map's first view without a permalink: lon/lat box of the shown layers.

    A unit without layers opens on its own area as :func:`geo.extents.unit_area`
    finds it (the units below or above it, else its voivodeship), never on the
    whole of Poland unless nothing at all is known.
    """
    box = _extent(state.visible) or _extent([m.layer for m in state.layers])
    if box is None:
        area = unit_area(state.unit, public_only=True)
        if area.source == "poland":
            return POLAND_LONLAT
        box = area.box
    return bbox_from_storage(box, "EPSG:4326")


def print_bbox(state: MapState, bounds: tuple[float, float, float, float]) -> str:
    """The area a print without JavaScript takes: the first view, in EPSG:3857."""
    if state.view is not None:
        lat, lon, zoom = state.view
        x, y = transformer("EPSG:4326", "EPSG:3857").transform(lon, lat)
        resolution = 156_543.03392804097 / 2**zoom  # metres per pixel at zoom
        half_w, half_h = 500 * resolution, 300 * resolution
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
    else:
        box = transformer("EPSG:4326", "EPSG:3857").transform_bounds(*bounds)
    return ",".join(f"{v:.1f}" for v in box)


def _lonlat_geometry(feature_geom: bytes) -> dict[str, Any]:
    geometry = shapely.from_wkb(bytes(feature_geom)).simplify(0.2, preserve_topology=True)
    to_lonlat = transformer("EPSG:2180", "EPSG:4326")
    geometry = shapely.transform(
        geometry,
        lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])),
    )
    return json.loads(shapely.to_geojson(shapely.set_precision(geometry, 1e-7)))


def lonlat_geometry(wkb: bytes) -> dict[str, Any]:
    """A stored geometry as GeoJSON in longitude/latitude (7 decimals: 1 cm), simplified."""
    geometry = shapely.from_wkb(bytes(wkb)).simplify(0.2, preserve_topology=True)
    to_lonlat = transformer("EPSG:2180", "EPSG:4326")
    geometry = shapely.transform(
        geometry,
        lambda xy: np.round(np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])), 7),
    )
    return json.loads(shapely.to_geojson(geometry))


# -- the small map of a parcel page --------------------------------------------


def parcel_map_png(unit: Unit, geometry: BaseGeometry) -> bytes:
    """The parcel and its neighbourhood (plans, parcels, buildings), the parcel outlined."""
    width, height = PARCEL_MAP_SIZE
    box = _framed(geometry.bounds, width / height)
    kinds = (Layer.Kind.LOCAL_PLAN, Layer.Kind.PARCELS, Layer.Kind.BUILDINGS)
    layers = sorted(
        Layer.objects.for_unit(unit).filter(is_public=True, kind__in=kinds),
        key=lambda layer: (KIND_ORDER.get(layer.kind, 2), layer.title),
    )
    image = render_image(layers, box, "EPSG:2180", width, height, transparent=False)
    canvas = Canvas(box, width, height)
    draw = ImageDraw.Draw(image)
    for polygon in getattr(geometry, "geoms", [geometry]):
        if hasattr(polygon, "exterior"):
            ring = canvas.pixels(np.asarray(polygon.exterior.coords))
            draw.line(ring, fill=(255, 255, 255, 255), width=7, joint="curve")
            draw.line(ring, fill=(*HIGHLIGHT, 255), width=3, joint="curve")
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


def _framed(
    bounds: tuple[float, float, float, float], aspect: float
) -> tuple[float, float, float, float]:
    """The parcel's box with a margin, at least 80 m across, of the image's aspect."""
    minx, miny, maxx, maxy = bounds
    w, h = max((maxx - minx) * 1.6, 80.0), max((maxy - miny) * 1.6, 80.0 / aspect)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
