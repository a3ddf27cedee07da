"""Legends of a layer (WMS GetLegendGraphic): a PNG with a swatch per class, or JSON."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from infostrada.geo import render
from infostrada.geo.models import Layer

FONT_SIZE = 13
GAP = 6
DEFAULT_SYMBOL = 20  # pixels, when GetLegendGraphic gives no WIDTH/HEIGHT


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Noto Sans (Polish letters), shipped by a Python package; Pillow's own font otherwise."""
    try:
        import fontpkg_noto_sans

        path = next(fontpkg_noto_sans.ROOT.glob("files/NotoSans[[]*.ttf"))
        return ImageFont.truetype(str(path), FONT_SIZE)
    except (ImportError, StopIteration, OSError):
        return ImageFont.load_default(FONT_SIZE)


def _hex(color: tuple[int, int, int] | None) -> str | None:
    return None if color is None else "#{:02x}{:02x}{:02x}".format(*color)


def legend_json(layer: Layer) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "fill": _hex(style.fill),
            "stroke": _hex(style.stroke),
            "width": style.width,
            "opacity": style.opacity,
        }
        for label, style in render.legend(layer)
    ]


def _layout(entries: list[tuple[str, render.Style]], symbol: int) -> tuple[int, int, int]:
    """(width, height, row height) of a legend image: one place, for the image and its size."""
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    text_width = max(
        (int(probe.textlength(label, font=_font())) for label, _style in entries), default=0
    )
    row = max(symbol, FONT_SIZE + 4) + GAP
    return GAP + symbol + GAP + text_width + GAP, GAP + row * len(entries), row


def legend_size(layer: Layer, *, symbol: int = DEFAULT_SYMBOL) -> tuple[int, int]:
    """The pixel size of ``legend_png`` (the WMS capabilities advertise it in LegendURL)."""
    width, height, _row = _layout(render.legend(layer), symbol)
    return width, height


def legend_png(layer: Layer, *, symbol: int = DEFAULT_SYMBOL) -> bytes:
    entries = render.legend(layer)
    font = _font()
    width, height, row = _layout(entries, symbol)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    for index, (label, style) in enumerate(entries):
        top = GAP + index * row
        swatch = (GAP, top, GAP + symbol - 1, top + symbol - 1)
        if style.fill is not None:
            fill = Image.new("RGBA", image.size, (0, 0, 0, 0))
            ImageDraw.Draw(fill).rectangle(swatch, fill=(*style.fill, round(255 * style.opacity)))
            image.alpha_composite(fill)
        draw = ImageDraw.Draw(image)
        if style.stroke is not None:
            draw.rectangle(swatch, outline=(*style.stroke, 255), width=max(1, round(style.width)))
        draw.text(
            (GAP + symbol + GAP, top + symbol / 2),
            label,
            font=font,
            fill=(0, 0, 0, 255),
            anchor="lm",
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
