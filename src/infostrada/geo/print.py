"""Map prints: a PDF of the current map view on A4 or A3, with scale bar and legend.

``/<unit>/geoportal/druk.pdf?bbox=minx,miny,maxx,maxy&layers=u.a,u.b&size=A4``
(optional ``crs`` of the box: EPSG:3857 as the web map sends it — the default —
EPSG:2180 or CRS84; ``orientation`` portrait/landscape; ``scale`` to force one;
``title``). The map is drawn in PUWG 1992 (EPSG:2180), the national system, in
which a metre on the ground is a metre on the map to within 0.1 %, so the scale
bar is true everywhere in Poland (Web Mercator would stretch it by 1/cos φ,
some 65 % at Toruń's latitude). The requested box is fitted into the frame at
the nearest standard scale (1:500, 1:1000, 1:2000, 1:5000, …) that shows all
of it, as printed maps are read by their scale.

External base maps are not printed: they are not ours to reproduce and may be
unreachable; the print shows the platform's own layers only. Text uses Noto
Sans (Polish letters), reportlab draws the page (DESIGN.md: PDFs from PyPI
libraries alone).
"""

from __future__ import annotations

import datetime
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pyproj.exceptions import ProjError
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from infostrada.geo.crs import POLAND_2180, CrsError, bbox_to_storage, crs_code
from infostrada.geo.models import Layer
from infostrada.geo.query import Box, BoxError, checked_box
from infostrada.geo.render import Style, legend, render_image

FONT = "InfostradaGeoSans"
DPI = 150
MAX_EXTENT_M = 250_000  # a whole województwo fits; the renderer's work stays bounded
MAX_TITLE = 120
PAPERS = {"A4": A4, "A3": A3}
ORIENTATIONS = {"portrait": portrait, "landscape": landscape}
CRSS = ("EPSG:3857", "EPSG:2180", "OGC:CRS84")
STANDARD_SCALES = (
    500,
    1_000,
    2_000,
    2_500,
    5_000,
    10_000,
    25_000,
    50_000,
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_000_000,
)
MIN_SCALE, MAX_SCALE = 100, 2_000_000
MARGIN = 10 * mm


class PrintError(ValueError):
    """A print request that cannot be printed; the message says why, for the user."""


@dataclass(frozen=True)
class PrintJob:
    box: Box  # the requested area, EPSG:2180
    layers: list[Layer]  # bottom to top
    size: str = "A4"
    orientation: str = "landscape"
    scale: int | None = None
    title: str = ""


def parse_request(
    params: Mapping[str, str], *, available: Mapping[str, Layer], layers: Sequence[Layer]
) -> PrintJob:
    """Check the print parameters; PrintError with a message for the user otherwise.

    ``available`` maps layer names (``unit.layer``) the map may print to the
    layer; ``layers`` are the chosen ones (the view parses the list).
    """
    size = (params.get("size") or "A4").strip().upper()
    if size not in PAPERS:
        raise PrintError(_("The paper size must be A4 or A3."))
    orientation = (params.get("orientation") or "landscape").strip().lower()
    if orientation not in ORIENTATIONS:
        raise PrintError(_("The orientation must be portrait or landscape."))
    raw_crs = (params.get("crs") or "EPSG:3857").strip()
    try:
        crs = crs_code(raw_crs)
    except CrsError:
        crs = ""
    if crs not in CRSS:
        raise PrintError(
            _("Unknown coordinate system %(crs)s: use EPSG:3857, EPSG:2180 or CRS84.")
            % {"crs": raw_crs[:40]}
        )
    box = _storage_box(params.get("bbox", ""), crs)
    scale = None
    if params.get("scale"):
        try:
            scale = int(params["scale"].replace(" ", ""))
        except ValueError:
            scale = 0
        if not MIN_SCALE <= scale <= MAX_SCALE:
            raise PrintError(
                _("The scale must be a whole number from %(min)s to %(max)s (1:N).")
                % {"min": MIN_SCALE, "max": MAX_SCALE}
            )
    title = " ".join((params.get("title") or "").split())[:MAX_TITLE]
    return PrintJob(
        box=box,
        layers=list(layers),
        size=size,
        orientation=orientation,
        scale=scale,
        title=title,
    )


def _storage_box(text: str, crs: str) -> Box:
    if not text.strip():
        raise PrintError(_("Give the area to print: bbox=minx,miny,maxx,maxy."))
    try:
        requested = checked_box([float(v) for v in text.split(",")])
    except (ValueError, BoxError) as exc:
        raise PrintError(
            _(
                "The area to print (bbox) must be four numbers separated by commas: "
                "minimum x, minimum y, maximum x, maximum y."
            )
        ) from exc
    if crs == "OGC:CRS84":
        crs = "EPSG:4326"  # pyproj with always_xy reads it as longitude, latitude
        minx, miny, maxx, maxy = requested
        if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
            raise PrintError(_("The area to print lies outside Poland."))
    try:
        box = bbox_to_storage(requested, crs)
    except (ProjError, ValueError) as exc:
        raise PrintError(_("The area to print lies outside Poland.")) from exc
    if not all(math.isfinite(v) for v in box):
        raise PrintError(_("The area to print lies outside Poland."))
    minx, miny, maxx, maxy = box
    pminx, pminy, pmaxx, pmaxy = POLAND_2180
    if maxx < pminx or minx > pmaxx or maxy < pminy or miny > pmaxy:
        raise PrintError(_("The area to print lies outside Poland."))
    if maxx - minx > MAX_EXTENT_M or maxy - miny > MAX_EXTENT_M:
        raise PrintError(
            _("The area to print is too large: at most %(km)s km across.")
            % {"km": MAX_EXTENT_M // 1000}
        )
    if maxx - minx < 1 or maxy - miny < 1:
        raise PrintError(_("The area to print is empty: give a box at least a metre wide."))
    return box


# -- drawing ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font() -> str:
    import fontpkg_noto_sans

    path = next(fontpkg_noto_sans.ROOT.glob("files/NotoSans[[]*.ttf"))
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


def grouped(value: int) -> str:
    """12 345 — thousands separated by a space, as Polish writes scales."""
    return f"{value:,}".replace(",", " ")


def fitting_scale(needed: float) -> int:
    """The smallest standard scale ≥ ``needed``; beyond them, rounded up to 2 digits."""
    for scale in STANDARD_SCALES:
        if scale >= needed * 0.999:
            return scale
    magnitude = 10 ** max(int(math.log10(needed)) - 1, 0)
    return int(math.ceil(needed / magnitude) * magnitude)


def scale_bar_length(scale: int, max_paper_mm: float) -> float:
    """The longest 1, 2 or 5 times 10ⁿ metres that fits ``max_paper_mm`` on paper."""
    limit = max_paper_mm / 1000 * scale
    exponent = math.floor(math.log10(limit))
    for step in (5, 2, 1):
        length = step * 10.0**exponent
        if length <= limit:
            return length
    return 10.0 ** (exponent - 1)


def distance_label(metres: float) -> str:
    if metres >= 1000:
        return f"{metres / 1000:g} km"
    return f"{metres:g} m"


def _blend(style: Style) -> tuple[float, float, float] | None:
    """The fill as it looks over white paper (no PDF transparency needed)."""
    if style.fill is None or style.opacity <= 0:
        return None
    o = style.opacity
    return tuple((c * o + 255 * (1 - o)) / 255 for c in style.fill)  # type: ignore[return-value]


def _legend_items(layers: Sequence[Layer]) -> list[tuple[str, Style | None]]:
    items: list[tuple[str, Style | None]] = []
    for layer in reversed(layers):  # top layer first, as the map shows it
        entries = legend(layer)
        if len(entries) == 1 and entries[0][0] == layer.title:
            items.append((layer.title, entries[0][1]))
            continue
        items.append((layer.title, None))
        items.extend(entries)
    return items


Placed = list[tuple[int, int, str, Style | None]]  # column, row, label, style


def legend_layout(
    items: list[tuple[str, Style | None]], columns: int, max_rows: int
) -> tuple[int, Placed]:
    """Rows and places of the legend entries, column by column.

    A layer's heading never ends a column (it moves to the next one, with its
    classes); the fewest rows that place everything, or ``max_rows`` and the
    entries that fit.
    """
    placed: Placed = []
    first = max(1, math.ceil(len(items) / columns))
    for rows in range(min(first, max_rows), max_rows + 1):
        placed, column, row = [], 0, 0
        for label, style in items:
            if style is None and row == rows - 1 and rows > 1:
                column, row = column + 1, 0
            if row >= rows:
                column, row = column + 1, 0
            if column >= columns:
                break
            placed.append((column, row, label, style))
            row += 1
        if len(placed) == len(items):
            return rows, placed
    return max_rows, placed


def render_pdf(job: PrintJob, *, unit_name: str, today: datetime.date) -> bytes:
    font = _font()
    page_w, page_h = ORIENTATIONS[job.orientation](PAPERS[job.size])
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=(page_w, page_h), pageCompression=1)
    title = job.title or _("Map — %(unit)s") % {"unit": unit_name}
    pdf.setTitle(title)
    pdf.setAuthor(unit_name)
    pdf.setCreator("Infostrada")
    pdf.setSubject(_("Map print from the geoportal"))

    # header
    top = page_h - MARGIN
    pdf.setFont(font, 15)
    pdf.drawString(MARGIN, top - 15, title)
    pdf.setFont(font, 9)
    when = date_format(today, "j E Y")
    pdf.drawString(MARGIN, top - 28, f"{unit_name} · {when}")
    header_h = 34

    # footer: legend on the left, scale and north arrow on the right
    inner_w = page_w - 2 * MARGIN
    scale_block_w = 62 * mm
    legend_w = inner_w - scale_block_w - 4 * mm
    columns = max(1, int(legend_w // (55 * mm)))
    row_h = 4.6 * mm
    max_rows = 9 if job.size == "A4" else 12
    items = _legend_items(job.layers)
    rows, placed = legend_layout(items, columns, max_rows)
    hidden = len(items) - len(placed)
    legend_h = 6 * mm + rows * row_h + (row_h if hidden else 0)
    footer_h = max(legend_h, 24 * mm) + 13 * mm  # and two lines of sources

    frame_x, frame_y = MARGIN, MARGIN + footer_h
    frame_w, frame_h = inner_w, page_h - 2 * MARGIN - header_h - footer_h

    # the map at a standard scale, centred on the requested area
    minx, miny, maxx, maxy = job.box
    frame_w_m, frame_h_m = frame_w / mm / 1000, frame_h / mm / 1000
    scale = job.scale or fitting_scale(max((maxx - minx) / frame_w_m, (maxy - miny) / frame_h_m))
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w, half_h = frame_w_m * scale / 2, frame_h_m * scale / 2
    ground = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    width_px = max(1, round(frame_w / 72 * DPI))
    height_px = max(1, round(frame_h / 72 * DPI))
    image = render_image(
        job.layers, ground, "EPSG:2180", width_px, height_px, transparent=False
    ).convert("RGB")
    pdf.drawImage(ImageReader(image), frame_x, frame_y, frame_w, frame_h)
    pdf.setLineWidth(0.6)
    pdf.rect(frame_x, frame_y, frame_w, frame_h)

    # legend
    legend_top = frame_y - 5 * mm
    pdf.setFont(font, 10)
    pdf.drawString(MARGIN, legend_top - 3 * mm, _("Legend"))
    pdf.setFont(font, 7.5)
    column_w = legend_w / columns
    for column, row, label, style in placed:
        x = MARGIN + column * column_w
        y = legend_top - 6 * mm - (row + 1) * row_h + 1.2 * mm
        if style is None:  # a layer's heading above its classes, underlined
            text = _fit(label, column_w, font, 7.5)
            pdf.drawString(x, y, text)
            pdf.setLineWidth(0.4)
            pdf.line(x, y - 1, x + pdf.stringWidth(text, font, 7.5), y - 1)
            continue
        _swatch(pdf, style, x, y - 0.5 * mm)
        pdf.drawString(x + 8 * mm, y, _fit(label, column_w - 9 * mm, font, 7.5))
    if hidden:
        pdf.drawString(
            MARGIN,
            legend_top - 6 * mm - (rows + 1) * row_h + 1.2 * mm,
            ngettext(
                "… and %(n)s more legend entry (see the geoportal)",
                "… and %(n)s more legend entries (see the geoportal)",
                hidden,
            )
            % {"n": hidden},
        )

    # scale bar, scale, north arrow, coordinate system
    right = page_w - MARGIN
    bar_x = right - scale_block_w + 2 * mm
    bar_y = legend_top - 14 * mm
    metres = scale_bar_length(scale, 45)
    bar_len = metres / scale * 1000 * mm
    segment = bar_len / 4
    pdf.setLineWidth(0.5)
    for i in range(4):
        pdf.setFillGray(0 if i % 2 == 0 else 1)
        pdf.rect(bar_x + i * segment, bar_y, segment, 2 * mm, fill=1, stroke=1)
    pdf.setFillGray(0)
    pdf.setFont(font, 7.5)
    pdf.drawCentredString(bar_x, bar_y + 3 * mm, "0")
    pdf.drawCentredString(bar_x + bar_len / 2, bar_y + 3 * mm, distance_label(metres / 2))
    pdf.drawCentredString(bar_x + bar_len, bar_y + 3 * mm, distance_label(metres))
    pdf.setFont(font, 9)
    pdf.drawString(bar_x, bar_y - 5 * mm, _("Scale 1:%(scale)s") % {"scale": grouped(scale)})
    pdf.setFont(font, 7)
    pdf.drawString(bar_x, bar_y - 9 * mm, _("Coordinate system: PUWG 1992 (EPSG:2180)"))
    _north_arrow(pdf, right - 5 * mm, legend_top - 12 * mm, font)

    # sources and the status of the print
    sources = sorted({layer.attribution for layer in job.layers if layer.attribution}) or [
        unit_name
    ]
    pdf.setFont(font, 7)
    note = _(
        "Sources: %(sources)s. Printed from the geoportal (Infostrada) on %(date)s. "
        "For information only: not an extract from the land register or from a plan."
    ) % {"sources": "; ".join(sources), "date": when}
    lines = simpleSplit(note, font, 7, inner_w)
    if len(lines) > 2:
        lines = [lines[0], _fit(" ".join(lines[1:]), inner_w, font, 7)]
    for i, line in enumerate(lines):
        pdf.drawString(MARGIN, MARGIN + (len(lines) - 1 - i) * 3 * mm, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _fit(text: str, width: float, font: str, size: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _swatch(pdf: Canvas, style: Style, x: float, y: float) -> None:
    fill = _blend(style)
    stroke = style.stroke
    pdf.setLineWidth(max(0.4, min(style.width, 3.0) * 0.6))
    if stroke is not None:
        pdf.setStrokeColorRGB(*(c / 255 for c in stroke))
    if fill is not None:
        pdf.setFillColorRGB(*fill)
        pdf.rect(x, y, 6 * mm, 3.2 * mm, fill=1, stroke=1 if stroke is not None else 0)
    elif stroke is not None:
        pdf.line(x, y + 1.6 * mm, x + 6 * mm, y + 1.6 * mm)
    pdf.setFillGray(0)
    pdf.setStrokeGray(0)


def _north_arrow(pdf: Canvas, x: float, y: float, font: str) -> None:
    """A plain arrow: grid north of PUWG 1992 is within 3° of true north in Poland."""
    path = pdf.beginPath()
    path.moveTo(x, y + 9 * mm)
    path.lineTo(x - 2.5 * mm, y)
    path.lineTo(x, y + 2 * mm)
    path.lineTo(x + 2.5 * mm, y)
    path.close()
    pdf.setFillGray(0)
    pdf.drawPath(path, fill=1, stroke=0)
    pdf.setFont(font, 9)
    pdf.drawCentredString(x, y + 10.5 * mm, "N")
