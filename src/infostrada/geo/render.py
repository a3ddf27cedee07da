"""Drawing layers to a PNG: WMS GetMap, the map excerpt of a zoning extract, prints.

Pillow only (no Mapnik, no GDAL rasteriser): polygons are filled through a
mask per style class (exteriors painted, holes cleared), outlines drawn on
top, in the layers' order. Coordinates are transformed from storage
(EPSG:2180) to the requested CRS with pyproj on whole coordinate arrays.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from PIL import Image, ImageDraw
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from infostrada.geo.crs import STORAGE_SRID, bbox_to_storage, transformer
from infostrada.geo.models import Layer
from infostrada.geo.query import Box, box_first, iter_intersecting

MAX_PIXELS = 4096 * 4096
DEFAULT_STYLE = {"fill": "#7a8fa6", "stroke": "#1b3a5c", "width": 1.0, "opacity": 0.35}


@dataclass(frozen=True)
class Style:
    fill: tuple[int, int, int] | None
    stroke: tuple[int, int, int] | None
    width: float
    opacity: float


def _rgb(value: Any) -> tuple[int, int, int] | None:
    if not isinstance(value, str) or len(value) != 7 or not value.startswith("#"):
        return None
    try:
        return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
    except ValueError:
        return None


def style_for(layer: Layer, properties: dict[str, Any]) -> Style:
    """The layer's style, or the style of the feature's class (e.g. a zone symbol)."""
    base = {**DEFAULT_STYLE, **(layer.style or {})}
    key = base.get("by")
    classes = base.get("classes") or {}
    if key and isinstance(classes, dict):
        value = str(properties.get(key, ""))
        chosen = classes.get(value) or next(
            (v for k, v in classes.items() if value.startswith(k) or value.endswith(k)), None
        )
        if isinstance(chosen, dict):
            base = {**base, **chosen}
    return Style(
        fill=_rgb(base.get("fill")),
        stroke=_rgb(base.get("stroke")),
        width=float(base.get("width") or 1.0),
        opacity=min(max(float(base.get("opacity", 0.35)), 0.0), 1.0),
    )


class Canvas:
    """Pixel space of one image over a box in some CRS."""

    def __init__(self, bbox: Box, width: int, height: int) -> None:
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            raise ValueError("image size out of range")
        self.bbox, self.width, self.height = bbox, width, height
        minx, miny, maxx, maxy = bbox
        self.sx = width / (maxx - minx) if maxx > minx else 0.0
        self.sy = height / (maxy - miny) if maxy > miny else 0.0

    def pixels(self, coords: np.ndarray) -> list[tuple[float, float]]:
        minx, _miny, _maxx, maxy = self.bbox
        xs = (coords[:, 0] - minx) * self.sx
        ys = (maxy - coords[:, 1]) * self.sy
        return list(zip(xs.tolist(), ys.tolist(), strict=True))


def _parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    if isinstance(geometry, MultiPolygon | MultiLineString) or geometry.geom_type in (
        "MultiPoint",
        "GeometryCollection",
    ):
        out: list[BaseGeometry] = []
        for part in geometry.geoms:  # type: ignore[attr-defined]
            out.extend(_parts(part))
        return out
    return [geometry]


def render_png(
    layers: Sequence[Layer],
    bbox: Box,
    crs: str,
    width: int,
    height: int,
    *,
    transparent: bool = True,
    background: tuple[int, int, int] = (255, 255, 255),
) -> bytes:
    """The layers drawn over ``bbox`` (in ``crs``, x/y order) as a PNG image."""
    return _to_png(
        render_image(
            layers, bbox, crs, width, height, transparent=transparent, background=background
        )
    )


def render_image(
    layers: Sequence[Layer],
    bbox: Box,
    crs: str,
    width: int,
    height: int,
    *,
    transparent: bool = True,
    background: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    canvas = Canvas(bbox, width, height)
    image = Image.new("RGBA", (width, height), (*background, 0 if transparent else 255))
    storage_box = bbox_to_storage(bbox, crs)
    to_target = None if crs == f"EPSG:{STORAGE_SRID}" else transformer(f"EPSG:{STORAGE_SRID}", crs)
    for layer in layers:
        _draw_layer(image, canvas, layer, storage_box, to_target)
    return image


def _draw_layer(
    image: Image.Image, canvas: Canvas, layer: Layer, storage_box: Box, to_target: Any
) -> None:
    masks: dict[Style, Image.Image] = {}
    outlines: list[tuple[Style, list[tuple[float, float]]]] = []
    points: list[tuple[Style, tuple[float, float]]] = []
    for row in iter_intersecting([layer.pk], storage_box, by_box=box_first([layer], storage_box)):
        style = style_for(layer, row.properties)
        geometry = row.geometry
        if to_target is not None:
            geometry = shapely.transform(
                geometry, lambda xy: np.column_stack(to_target.transform(xy[:, 0], xy[:, 1]))
            )
        for part in _parts(geometry):
            if isinstance(part, Polygon):
                mask = masks.get(style)
                if mask is None:
                    mask = masks[style] = Image.new("L", image.size, 0)
                draw = ImageDraw.Draw(mask)
                exterior = canvas.pixels(np.asarray(part.exterior.coords))
                if len(exterior) >= 3:
                    draw.polygon(exterior, fill=255)
                for hole in part.interiors:
                    ring = canvas.pixels(np.asarray(hole.coords))
                    if len(ring) >= 3:
                        draw.polygon(ring, fill=0)
                outlines.append((style, exterior))
                outlines.extend(
                    (style, canvas.pixels(np.asarray(h.coords))) for h in part.interiors
                )
            elif isinstance(part, LineString):
                outlines.append((style, canvas.pixels(np.asarray(part.coords))))
            elif isinstance(part, Point):
                points.append((style, canvas.pixels(np.asarray(part.coords))[0]))
    for style, mask in masks.items():
        if style.fill is None or style.opacity <= 0:
            continue
        alpha = mask.point(lambda v, o=style.opacity: int(v * o))
        color = Image.new("RGBA", image.size, (*style.fill, 255))
        color.putalpha(alpha)
        image.alpha_composite(color)
    draw = ImageDraw.Draw(image)
    for style, line in outlines:
        if style.stroke is not None and len(line) >= 2:
            draw.line(line, fill=(*style.stroke, 255), width=max(1, round(style.width)))
    for style, (x, y) in points:
        color = style.stroke or style.fill or (0, 0, 0)
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=(*color, 255))


def _to_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=3)
    return out.getvalue()


def legend(layer: Layer) -> list[tuple[str, Style]]:
    """(label, style) pairs for a layer's legend: its classes, or the layer itself."""
    base = {**DEFAULT_STYLE, **(layer.style or {})}
    classes = base.get("classes") or {}
    if isinstance(classes, dict) and classes:
        return [
            (str(spec.get("label") or key), style_for(layer, {base.get("by"): key}))
            for key, spec in classes.items()
            if isinstance(spec, dict)
        ]
    return [(layer.title, style_for(layer, {}))]
