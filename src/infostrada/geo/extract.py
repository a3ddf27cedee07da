"""The zoning extract (wypis i wyrys): which plan zones cover given parcels, as a PDF.

Art. 30 ust. 1 of the Act of 27 March 2003 on spatial planning and development
gives everyone the right to a wypis (text) and wyrys (map excerpt) of the local
plans (MPZP) and the general plan (plan ogólny gminy). For each parcel the
local plans in force apply; where no local plan covers (part of) the parcel,
the general plan in force does. Shares are exact polygon intersections with
shapely in EPSG:2180 (metres); candidate zones come from the spatial index
(geo.query). Parts no plan covers are reported, never dropped.

The PDF is laid out in two parts, each numbered on its own because the stamp
duty counts them apart: the wypis (text pages, with the unit's letterhead) and
the wyrys (one A4 sheet per group of neighbouring parcels: the plan drawn with
the parcels, the requested ones outlined, a numeric scale, a scale bar and a
legend). The fee follows from the page counts (:func:`stamp_duty`).
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from PIL import Image, ImageChops, ImageOps
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from shapely import box as shapely_box
from shapely import make_valid
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from infostrada.documents import render as letters
from infostrada.documents.services.common import office_language
from infostrada.geo import render
from infostrada.geo.identifiers import IdentifierError, parse_parcel_id
from infostrada.geo.models import Layer, Parcel, Plan, PlanZone, Precinct
from infostrada.geo.query import Box, iter_intersecting
from infostrada.tenancy.models import Unit

WYPIS, WYRYS, BOTH = "wypis", "wyrys", "both"
KINDS = (WYPIS, WYRYS, BOTH)
MAX_PARCELS = 20
# A zone or uncovered part smaller than this fraction of the parcel is a
# digitising sliver (cadastre and plan boundaries drawn apart by centimetres).
SLIVER = 0.00005
HUNDREDTH = Decimal("0.01")
# The map frame of a wyrys sheet on A4 portrait, and the scales offered.
MAP_W_MM, MAP_H_MM, MAP_DPI = 180.0, 160.0, 150
SCALES = (500, 1000, 2000, 2500, 5000, 10_000, 25_000, 50_000)
MARGIN = 0.15
MAX_LABELS = 400
OUTLINE = colors.HexColor("#d00000")
LEGAL_BASIS = "Ustawa z dnia 16 listopada 2006 r. o opłacie skarbowej, załącznik, część I pkt 51"


# --- the computation ---------------------------------------------------------


@dataclass(frozen=True)
class PlanRef:
    pk: int
    kind: str
    title: str
    resolution: str
    adopted_on: datetime.date | None
    layer_id: int


@dataclass(frozen=True)
class ZoneShare:
    zone_pk: int
    plan: PlanRef
    symbol: str
    designation: str
    zone_type: str
    provisions: str
    area: float  # m² of the parcel inside the zone
    share: Decimal  # % of the parcel, two decimals


@dataclass(frozen=True)
class ParcelExtract:
    pk: int
    identifier: str
    precinct: str
    precinct_name: str
    number: str
    register_area: Decimal | None
    area: float  # m² of the geometry; shares are of this
    geometry: BaseGeometry = field(repr=False)
    layer_id: int
    zones: tuple[ZoneShare, ...]
    uncovered_area: float
    uncovered_share: Decimal

    @property
    def plans(self) -> list[PlanRef]:
        return _distinct_plans(z.plan for z in self.zones)


@dataclass(frozen=True)
class Extract:
    unit: Unit
    parcels: tuple[ParcelExtract, ...]

    @property
    def plans(self) -> list[PlanRef]:
        return _distinct_plans(z.plan for p in self.parcels for z in p.zones)

    @property
    def zones(self) -> list[ZoneShare]:
        """Each zone once (its provisions are printed once), local plans first."""
        seen: dict[int, ZoneShare] = {}
        for parcel in self.parcels:
            for zone in parcel.zones:
                seen.setdefault(zone.zone_pk, zone)
        return sorted(seen.values(), key=lambda z: (z.plan.kind != Plan.Kind.LOCAL, z.plan.pk))

    @property
    def plan_kinds(self) -> set[str]:
        return {p.kind for p in self.plans}


def _distinct_plans(plans: Iterable[PlanRef]) -> list[PlanRef]:
    out: dict[int, PlanRef] = {}
    for plan in plans:
        out.setdefault(plan.pk, plan)
    return sorted(out.values(), key=lambda p: (p.kind != Plan.Kind.LOCAL, p.title))


def parcel_list(value: str | Iterable[str]) -> list[str]:
    """Identifiers from a text (one per line, or separated by commas/semicolons) or a list,
    stripped, without repeats, in the order given."""
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in out:
            out.append(text)
    return out


def _same_unit(terc: str, unit: Unit) -> bool:
    """A parcel's TERC (WWPPGGR) lies in the unit: equal, or a part of an urban-rural gmina."""
    own = unit.teryt or ""
    if len(own) != 7 or terc[:6] != own[:6]:
        return False
    return terc[6] == own[6] or (own[6] == "3" and terc[6] in "45")


def find_parcels(unit: Unit, identifiers: Sequence[str]) -> list[Parcel]:
    """The unit's parcels in the order asked; ValidationError on ``parcels`` for every problem."""
    if not identifiers:
        raise ValidationError({"parcels": _("Give at least one parcel identifier.")})
    if len(identifiers) > MAX_PARCELS:
        raise ValidationError(
            {
                "parcels": _("Give at most %(count)d parcels in one request.")
                % {"count": MAX_PARCELS}
            }
        )
    problems: list[str] = []
    wanted: list[str] = []
    for text in identifiers:
        try:
            parsed = parse_parcel_id(text)
        except IdentifierError:
            problems.append(
                _("%(value)s is not a parcel identifier (e.g. 041504_2.0001.123/4).")
                % {"value": text[:60]}
            )
            continue
        if not _same_unit(parsed.gmina_terc, unit):
            problems.append(
                _(
                    "Parcel %(parcel)s lies outside %(unit)s: "
                    "apply to the office of its municipality."
                )
                % {"parcel": text, "unit": unit.official_name}
            )
            continue
        wanted.append(str(parsed))
    found = {
        p.identifier: p
        for p in Parcel.objects.for_unit(unit)
        .filter(identifier__in=wanted)
        .select_related("feature")
    }
    problems += [
        _("There is no parcel %(parcel)s in the land register of %(unit)s.")
        % {"parcel": text, "unit": unit.official_name}
        for text in wanted
        if text not in found
    ]
    if problems:
        raise ValidationError({"parcels": problems})
    return [found[text] for text in wanted]


def compute_extract(*, unit: Unit, parcels: Sequence[str]) -> Extract:
    """The zones of the plans in force covering each parcel, with their shares.

    Raises ValidationError on ``parcels`` for unknown parcels, parcels of other
    units, too many or none, and for a parcel no plan in force covers at all:
    the office then certifies that (a zaświadczenie under art. 217 KPA, a
    separate matter), it does not issue a wypis.
    """
    rows = find_parcels(unit, parcel_list(parcels))
    plans = list(Plan.objects.for_unit(unit).filter(in_force=True))
    local = {p.layer_id for p in plans if p.kind == Plan.Kind.LOCAL}
    general = {p.layer_id for p in plans if p.kind == Plan.Kind.GENERAL}
    refs = {
        p.pk: PlanRef(p.pk, p.kind, p.title, p.resolution, p.adopted_on, p.layer_id) for p in plans
    }
    names = dict(
        Precinct.objects.for_unit(unit)
        .filter(identifier__in={r.precinct for r in rows})
        .values_list("identifier", "name")
    )
    out: list[ParcelExtract] = []
    uncovered: list[str] = []
    for row in rows:
        shape = _valid(row.feature.geometry)
        zones = _zones(unit, shape, sorted(local), refs)
        covered = unary_union([z[1] for z in zones]) if zones else None
        rest = shape if covered is None else _valid(shape.difference(covered))
        if general and rest.area > shape.area * SLIVER:
            more = _zones(unit, rest, sorted(general), refs)
            zones += more
            if more:
                rest = _valid(rest.difference(unary_union([z[1] for z in more])))
        if not zones:
            uncovered.append(row.identifier)
            continue
        shares = tuple(
            sorted(
                (_share(zone, refs[zone.plan_id], part.area, shape.area) for zone, part in zones),
                key=lambda z: (z.plan.kind != Plan.Kind.LOCAL, -z.area, z.symbol),
            )
        )
        gap = rest.area if rest.area > shape.area * SLIVER else 0.0
        out.append(
            ParcelExtract(
                pk=row.pk,
                identifier=row.identifier,
                precinct=row.precinct,
                precinct_name=names.get(row.precinct, ""),
                number=row.number,
                register_area=row.area,
                area=shape.area,
                geometry=shape,
                layer_id=row.feature.layer_id,
                zones=shares,
                uncovered_area=gap,
                uncovered_share=_percent(gap, shape.area),
            )
        )
    if uncovered:
        raise ValidationError(
            {
                "parcels": [
                    _(
                        "No plan in force covers parcel %(parcel)s, so there is nothing to "
                        "extract. Ask the office for a certificate (zaświadczenie) that the "
                        "area is not covered by a plan instead."
                    )
                    % {"parcel": identifier}
                    for identifier in uncovered
                ]
            }
        )
    return Extract(unit=unit, parcels=tuple(out))


def _valid(geometry: BaseGeometry) -> BaseGeometry:
    return geometry if geometry.is_valid else make_valid(geometry)


def _zones(
    unit: Unit, shape: BaseGeometry, layer_ids: list[int], refs: dict[int, PlanRef]
) -> list[tuple[PlanZone, BaseGeometry]]:
    """Zones of plans in force whose intersection with ``shape`` is more than a sliver."""
    if not layer_ids or shape.is_empty:
        return []
    candidates = {r.id: r.geometry for r in iter_intersecting(layer_ids, shape.bounds)}
    if not candidates:
        return []
    zones = PlanZone.objects.for_unit(unit).filter(
        feature_id__in=list(candidates), plan_id__in=list(refs)
    )
    out = []
    for zone in zones.order_by("pk"):
        part = _valid(shape.intersection(_valid(candidates[zone.feature_id])))
        if part.area > shape.area * SLIVER:
            out.append((zone, part))
    return out


def _percent(part: float, whole: float) -> Decimal:
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(repr(part)) * 100 / Decimal(repr(whole))).quantize(HUNDREDTH, ROUND_HALF_UP)


def _share(zone: PlanZone, plan: PlanRef, area: float, whole: float) -> ZoneShare:
    return ZoneShare(
        zone_pk=zone.pk,
        plan=plan,
        symbol=zone.symbol,
        designation=zone.designation,
        zone_type=zone.zone_type,
        provisions=zone.provisions,
        area=area,
        share=_percent(area, whole),
    )


# --- the fee -------------------------------------------------------------------


@dataclass(frozen=True)
class Fee:
    """Stamp duty of one extract, by the ustawa o opłacie skarbowej (LEGAL_BASIS)."""

    text_pages: int
    map_pages: int
    wypis: Decimal
    wyrys: Decimal

    @property
    def total(self) -> Decimal:
        return self.wypis + self.wyrys

    legal_basis = LEGAL_BASIS


def stamp_duty(*, text_pages: int, map_pages: int) -> Fee:
    """Wypis: 30 zł up to 5 pages, 50 zł above; wyrys: 20 zł per started A4 page, at most 200 zł.

    Załącznik do ustawy z dnia 16 listopada 2006 r. o opłacie skarbowej, część I
    pkt 51 (wypis i wyrys z planu ogólnego gminy lub miejscowego planu
    zagospodarowania przestrzennego). Our map sheets are A4 pages, so each
    sheet is one started A4 part.
    """
    if text_pages < 0 or map_pages < 0:
        raise ValueError("page counts are not negative")
    wypis = Decimal(0) if text_pages == 0 else Decimal(30 if text_pages <= 5 else 50)
    wyrys = min(Decimal(20) * map_pages, Decimal(200))
    return Fee(text_pages, map_pages, wypis.quantize(HUNDREDTH), wyrys.quantize(HUNDREDTH))


# --- map sheets (wyrys) --------------------------------------------------------


@dataclass
class MapSheet:
    parcels: list[ParcelExtract]
    bbox: Box
    scale: int
    image: object  # PIL.Image.Image, RGB
    zone_labels: list[tuple[float, float, str]]
    parcel_labels: list[tuple[float, float, str, bool]]
    legend: list[tuple[str, render.Style]]
    plans: list[PlanRef]


def scale_for(bounds: Box) -> int:
    """The largest standard scale at which ``bounds`` (with a margin) fits the map frame."""
    minx, miny, maxx, maxy = bounds
    width = max(maxx - minx, 20.0) * (1 + 2 * MARGIN)
    height = max(maxy - miny, 20.0) * (1 + 2 * MARGIN)
    for scale in SCALES:
        if width <= MAP_W_MM / 1000 * scale and height <= MAP_H_MM / 1000 * scale:
            return scale
    return SCALES[-1]


def _union_bounds(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def group_parcels(parcels: Sequence[ParcelExtract]) -> list[list[ParcelExtract]]:
    """Neighbouring parcels share a sheet when that needs no smaller scale than
    1:1000 or than one of them needs anyway (fewer sheets, a lower fee)."""
    groups: list[list[ParcelExtract]] = []
    extents: list[Box] = []
    for parcel in parcels:
        own = parcel.geometry.bounds
        for i, bounds in enumerate(extents):
            joined = _union_bounds(bounds, own)
            if scale_for(joined) <= max(scale_for(bounds), scale_for(own), 1000):
                groups[i].append(parcel)
                extents[i] = joined
                break
        else:
            groups.append([parcel])
            extents.append(own)
    return groups


def build_sheets(extract: Extract) -> list[MapSheet]:
    """The wyrys: one drawn sheet per group of parcels (reads the layers once per sheet)."""
    unit = extract.unit
    layers = {
        layer.pk: layer
        for layer in Layer.objects.for_unit(unit).filter(
            pk__in={p.layer_id for p in extract.plans} | {p.layer_id for p in extract.parcels}
        )
    }
    with office_language():  # the legend's labels are part of the office's document
        return [_sheet(unit, group, layers) for group in group_parcels(extract.parcels)]


def _sheet(unit: Unit, parcels: list[ParcelExtract], layers: dict[int, Layer]) -> MapSheet:
    bounds = parcels[0].geometry.bounds
    for parcel in parcels[1:]:
        bounds = _union_bounds(bounds, parcel.geometry.bounds)
    scale = scale_for(bounds)
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    half_w, half_h = MAP_W_MM / 2000 * scale, MAP_H_MM / 2000 * scale
    bbox = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    plans = _distinct_plans(z.plan for p in parcels for z in p.zones)
    local = _plan_layers(plans, layers, Plan.Kind.LOCAL)
    general = [g for g in _plan_layers(plans, layers, Plan.Kind.GENERAL) if g not in local]
    cadastre = [layers[i] for i in sorted({p.layer_id for p in parcels}) if i in layers]
    parcel_labels = _parcel_labels(unit, parcels, cadastre, bbox, scale)
    reserved = [(x, y) for x, y, _n, chosen in parcel_labels if chosen]
    zone_labels, legend = _zone_labels(unit, plans, local, general, bbox, scale, reserved)
    legend += [(_("cadastral parcels"), render.style_for(layer, {})) for layer in cadastre]
    return MapSheet(
        parcels=parcels,
        bbox=bbox,
        scale=scale,
        image=_draw(local, general, cadastre, bbox),
        zone_labels=zone_labels,
        parcel_labels=parcel_labels,
        legend=legend,
        plans=plans,
    )


def _plan_layers(plans: list[PlanRef], layers: dict[int, Layer], kind: str) -> list[Layer]:
    ids = dict.fromkeys(p.layer_id for p in plans if p.kind == kind and p.layer_id in layers)
    return [layers[i] for i in ids]


def _draw(local: list[Layer], general: list[Layer], cadastre: list[Layer], bbox: Box) -> object:
    """The general plan only where no local plan is (it does not apply there), the local
    plans over it, the cadastre on top; white paper underneath."""
    size = (round(MAP_W_MM / 25.4 * MAP_DPI), round(MAP_H_MM / 25.4 * MAP_DPI))
    paper = Image.new("RGBA", size, (255, 255, 255, 255))
    if general:
        below = render.render_image(general, bbox, "EPSG:2180", *size)
        if local:
            solid = {"fill": "#000000", "stroke": "#000000", "opacity": 1.0, "width": 1}
            masks = [Layer(pk=layer.pk, unit_id=layer.unit_id, style=solid) for layer in local]
            covered = render.render_image(masks, bbox, "EPSG:2180", *size).getchannel("A")
            alpha = ImageChops.multiply(below.getchannel("A"), ImageOps.invert(covered))
            below.putalpha(alpha)
        paper.alpha_composite(below)
    if local or cadastre:
        paper.alpha_composite(render.render_image(local + cadastre, bbox, "EPSG:2180", *size))
    return paper.convert("RGB")


def _min_label_area(scale: int) -> float:
    return 150 * _metres_per_point(scale) ** 2  # about a 12 x 12 pt patch


def _metres_per_point(scale: int) -> float:
    return scale * 0.0254 / 72


def _zone_labels(
    unit: Unit,
    plans: list[PlanRef],
    local: list[Layer],
    general: list[Layer],
    bbox: Box,
    scale: int,
    reserved: list[tuple[float, float]],
) -> tuple[list[tuple[float, float, str]], list[tuple[str, render.Style]]]:
    """A symbol inside each zone's visible part (away from the requested parcels'
    numbers) and one legend entry per symbol, local plans first."""
    view = shapely_box(*bbox)
    layers = {layer.pk: layer for layer in local + general}
    rows = {r.id: r for r in iter_intersecting(list(layers), bbox)}
    zones = list(
        PlanZone.objects.for_unit(unit)
        .filter(feature_id__in=list(rows), plan_id__in=[p.pk for p in plans])
        .select_related("plan")
        .order_by("symbol", "pk")
    )
    local_ids = {layer.pk for layer in local}
    over = unary_union(
        [rows[z.feature_id].geometry for z in zones if rows[z.feature_id].layer_id in local_ids]
    )
    keep_clear = unary_union(
        [Point(x, y).buffer(12 * _metres_per_point(scale)) for x, y in reserved]
    )
    labels: list[tuple[float, float, str]] = []
    legend: dict[tuple[bool, str], tuple[str, render.Style]] = {}
    smallest = _min_label_area(scale)
    for zone in zones:
        row = rows[zone.feature_id]
        style = render.style_for(layers[row.layer_id], row.properties)
        legend.setdefault(
            (zone.plan.kind != Plan.Kind.LOCAL, zone.symbol),
            (f"{zone.symbol} — {zone.designation}", style),
        )
        inside = _valid(row.geometry).intersection(view)
        if row.layer_id not in local_ids and not over.is_empty:
            inside = _valid(inside.difference(over))
        if inside.area < smallest or len(labels) >= MAX_LABELS:
            continue
        spot = _valid(inside.difference(keep_clear)) if not keep_clear.is_empty else inside
        point = _largest(spot if spot.area >= smallest / 2 else inside).representative_point()
        labels.append((point.x, point.y, zone.symbol))
    return labels, [legend[key] for key in sorted(legend)]


def _largest(geometry: BaseGeometry) -> BaseGeometry:
    if isinstance(geometry, MultiPolygon) or geometry.geom_type == "GeometryCollection":
        parts = [g for g in geometry.geoms if g.area > 0]  # type: ignore[attr-defined]
        return max(parts, key=lambda g: g.area) if parts else geometry
    return geometry


def _parcel_labels(
    unit: Unit, chosen: list[ParcelExtract], layers: list[Layer], bbox: Box, scale: int
) -> list[tuple[float, float, str, bool]]:
    rows = {r.id: r.geometry for r in iter_intersecting([layer.pk for layer in layers], bbox)}
    selected = {p.pk for p in chosen}
    view = shapely_box(*bbox)
    smallest = _min_label_area(scale) / 2
    labels = []
    parcels = Parcel.objects.for_unit(unit).filter(feature_id__in=list(rows)).order_by("pk")
    for pk, feature_id, number in parcels.values_list("pk", "feature_id", "number"):
        inside = _valid(rows[feature_id]).intersection(view)
        if pk in selected or (inside.area >= smallest and len(labels) < MAX_LABELS):
            point = _largest(inside).representative_point()
            labels.append((point.x, point.y, number, pk in selected))
    return labels


class MapFrame(Flowable):
    """The drawn plan with the requested parcels outlined and labels in vector text."""

    def __init__(self, sheet: MapSheet, width: float, height: float) -> None:
        super().__init__()
        self.sheet, self.width, self.height = sheet, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        minx, miny, maxx, maxy = self.sheet.bbox
        return (x - minx) / (maxx - minx) * self.width, (y - miny) / (maxy - miny) * self.height

    def draw(self) -> None:
        c = self.canv
        font = letters._font()
        c.saveState()
        c.drawImage(ImageReader(self.sheet.image), 0, 0, self.width, self.height)
        clip = c.beginPath()
        clip.rect(0, 0, self.width, self.height)
        c.clipPath(clip, stroke=0, fill=0)
        c.setStrokeColor(OUTLINE)
        c.setLineWidth(1.8)
        c.setLineJoin(1)
        for parcel in self.sheet.parcels:
            path = c.beginPath()
            for polygon in _polygons(parcel.geometry):
                for ring in (polygon.exterior, *polygon.interiors):
                    points = [self._xy(x, y) for x, y in ring.coords]
                    path.moveTo(*points[0])
                    for point in points[1:]:
                        path.lineTo(*point)
                    path.close()
            c.drawPath(path, stroke=1, fill=0)
        for x, y, text in self.sheet.zone_labels:
            _halo_text(c, font, 8, *self._xy(x, y), text, colors.black)
        for x, y, text, chosen in self.sheet.parcel_labels:
            _halo_text(
                c,
                font,
                8 if chosen else 6,
                *self._xy(x, y),
                text,
                OUTLINE if chosen else colors.HexColor("#444444"),
            )
        c.restoreState()
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.8)
        c.rect(0, 0, self.width, self.height)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [g for part in geometry.geoms for g in _polygons(part)]  # type: ignore[attr-defined]
    return []


def _halo_text(c, font: str, size: float, x: float, y: float, text: str, color) -> None:  # type: ignore[no-untyped-def]
    width = c.stringWidth(text, font, size)
    x, y = x - width / 2, y - size / 3
    c.saveState()  # the halo's render mode and colours stay inside
    label = c.beginText(x, y)
    label.setFont(font, size)
    label.setTextRenderMode(1)
    c.setStrokeColor(colors.white)
    c.setLineWidth(2.2)
    label.textOut(text)
    c.drawText(label)
    c.restoreState()
    label = c.beginText(x, y)
    label.setFont(font, size)
    label.setTextRenderMode(0)
    label.setFillColor(color)
    label.textOut(text)
    c.drawText(label)


def nice_bar_length(scale: int) -> int:
    """A round length in metres whose bar is at most 60 mm long at ``scale``."""
    best = 5
    for metres in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if metres * 1000 / scale <= 60:
            best = metres
    return best


class ScaleBar(Flowable):
    """Four alternating segments with the distances in metres under them."""

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self.metres = nice_bar_length(scale)
        self.length = self.metres * 1000 / scale * mm
        self.width, self.height = self.length + 12 * mm, 9 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        font = letters._font()
        segment = self.length / 4
        c.setLineWidth(0.5)
        for i in range(4):
            c.setFillColor(colors.black if i % 2 == 0 else colors.white)
            c.rect(i * segment, 5 * mm, segment, 1.6 * mm, stroke=1, fill=1)
        c.setFillColor(colors.black)
        c.setFont(font, 7)
        for i, value in ((0, 0), (2, self.metres // 2), (4, self.metres)):
            label = f"{value} m" if i == 4 else str(value)
            c.drawCentredString(i * segment, 1.5 * mm, label)


class NorthArrow(Flowable):
    width, height = 8 * mm, 10 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(colors.black)
        path = c.beginPath()
        path.moveTo(4 * mm, 10 * mm)
        path.lineTo(6.5 * mm, 3 * mm)
        path.lineTo(4 * mm, 4.5 * mm)
        path.lineTo(1.5 * mm, 3 * mm)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
        c.setFont(letters._font(), 7)
        c.drawCentredString(4 * mm, 0, "N")


class Swatch(Flowable):
    """A legend square: the fill as it shows over white, the outline in its colour."""

    def __init__(self, style: render.Style | None, *, outline_only: bool = False) -> None:
        super().__init__()
        self.style, self.outline_only = style, outline_only
        self.width, self.height = 7 * mm, 4 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        if self.style is None:  # the requested parcel's outline
            c.setStrokeColor(OUTLINE)
            c.setLineWidth(1.8)
            c.rect(0.5, 0.5, self.width - 1, self.height - 1, stroke=1, fill=0)
            return
        fill = self.style.fill
        if fill is not None and self.style.opacity > 0:
            o = self.style.opacity
            c.setFillColorRGB(*[(1 - o) + o * v / 255 for v in fill])
        else:
            c.setFillColor(colors.white)
        stroke = self.style.stroke or (0, 0, 0)
        c.setStrokeColorRGB(*[v / 255 for v in stroke])
        c.setLineWidth(max(0.5, self.style.width * 0.6))
        c.rect(0, 0, self.width, self.height, stroke=1, fill=1)


# --- the PDF ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractPdf:
    data: bytes
    text_pages: int
    map_pages: int
    fee: Fee

    @property
    def pages(self) -> int:
        return self.text_pages + self.map_pages


def document_title(extract: Extract, kind: str) -> str:
    """'Wypis i wyrys z miejscowego planu …' (in the office's language; call inside it)."""
    what = {
        WYPIS: pgettext("document", "Extract"),
        WYRYS: pgettext("document", "Map excerpt"),
        BOTH: pgettext("document", "Extract and map excerpt"),
    }[kind]
    return _("%(what)s from %(plan)s") % {"what": what, "plan": plan_phrase(extract.plan_kinds)}


def plan_phrase(kinds: set[str]) -> str:
    """The plans named after 'from' (in Polish the genitive: 'z miejscowego planu …')."""
    if kinds == {Plan.Kind.GENERAL}:
        return pgettext("after 'from'", "the general plan of the municipality")
    if kinds == {Plan.Kind.LOCAL}:
        return pgettext("after 'from'", "the local zoning plan")
    return pgettext(
        "after 'from'", "the local zoning plan and the general plan of the municipality"
    )


def area_text(value: float | Decimal) -> str:
    rounded = Decimal(repr(float(value))).quantize(HUNDREDTH, ROUND_HALF_UP)
    return f"{number_format(rounded, 2, force_grouping=True)} m²"


def share_text(value: Decimal) -> str:
    """'60,00 %' in the office's language."""
    return f"{number_format(value, 2)} %"


def money_text(value: Decimal) -> str:
    return f"{number_format(value, 2)} zł"


def extract_pdf(
    extract: Extract,
    *,
    kind: str,
    signature: str,
    issued_on: datetime.date,
    applicant: str = "",
    requested_on: datetime.date | None = None,
    sheets: list[MapSheet] | None = None,
) -> ExtractPdf:
    """The extract as a PDF, in Polish; the fee note follows from its own page counts."""
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == WYPIS:
        sheets = []
    elif sheets is None:
        sheets = build_sheets(extract)
    layout = _Layout(extract, kind, signature, issued_on, applicant, requested_on, sheets)
    with office_language():
        counts = {"text": 1 if kind != WYRYS else 0, "map": len(sheets)}
        for _attempt in range(4):
            data, seen = layout.build(counts)
            if seen == counts:
                break
            counts = seen
    return ExtractPdf(
        data=data,
        text_pages=counts["text"],
        map_pages=counts["map"],
        fee=stamp_duty(text_pages=counts["text"], map_pages=counts["map"]),
    )


class _Layout:
    """Builds the PDF for given page totals and reports the totals it produced."""

    def __init__(
        self,
        extract: Extract,
        kind: str,
        signature: str,
        issued_on: datetime.date,
        applicant: str,
        requested_on: datetime.date | None,
        sheets: list[MapSheet],
    ) -> None:
        self.extract, self.kind, self.signature = extract, kind, signature
        self.issued_on, self.applicant, self.requested_on = issued_on, applicant, requested_on
        self.sheets = sheets
        font = letters._font()
        base = ParagraphStyle("base", fontName=font, fontSize=10, leading=13.5)
        self.styles = {
            "base": base,
            "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
            "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
            "right": ParagraphStyle("right", parent=base, alignment=2),
            "title": ParagraphStyle("title", parent=base, fontSize=14, leading=18, alignment=1),
            "h2": ParagraphStyle("h2", parent=base, fontSize=11.5, leading=15, spaceBefore=8),
            "body": ParagraphStyle("body", parent=base, alignment=4, spaceAfter=5),
        }

    def build(self, totals: dict[str, int]) -> tuple[bytes, dict[str, int]]:
        self.totals = totals
        self.seen = {"text": 0, "map": 0}
        out = io.BytesIO()
        width, height = A4
        templates = [
            PageTemplate(
                "text",
                [Frame(25 * mm, 18 * mm, width - 45 * mm, height - 38 * mm, id="text")],
                onPage=self._page,
            ),
            PageTemplate(
                "map",
                [Frame(15 * mm, 14 * mm, width - 30 * mm, height - 26 * mm, id="map")],
                onPage=self._page,
            ),
        ]
        if self.kind == WYRYS:
            templates.reverse()
        doc = BaseDocTemplate(
            out,
            pagesize=A4,
            pageTemplates=templates,
            title=document_title(self.extract, self.kind),
            author=self.extract.unit.official_name,
            subject=self.signature,
            creator="Infostrada",
        )
        story: list = []
        if self.kind != WYRYS:
            story += self._text()
        for i, sheet in enumerate(self.sheets):
            if story:
                story += [NextPageTemplate("map"), PageBreak()]
            story += self._sheet(sheet, i + 1)
        doc.build(story)
        return out.getvalue(), dict(self.seen)

    def _page(self, canvas, doc) -> None:  # type: ignore[no-untyped-def]
        part = doc.pageTemplate.id
        self.seen[part] += 1
        n, total = self.seen[part], max(self.totals.get(part, 0), self.seen[part])
        if part == "text":
            label = _("Extract: page %(n)d of %(total)d") % {"n": n, "total": total}
        else:
            label = _("Map excerpt: sheet %(n)d of %(total)d") % {"n": n, "total": total}
        canvas.saveState()
        canvas.setFont(letters._font(), 7.5)
        canvas.setFillColor(colors.HexColor("#333333"))
        left = 25 * mm if part == "text" else 15 * mm
        canvas.drawString(left, 8 * mm, f"{self.extract.unit.official_name} · {self.signature}")
        canvas.drawRightString(A4[0] - (20 if part == "text" else 15) * mm, 8 * mm, label)
        canvas.restoreState()

    def _p(self, text: str, style: str = "base") -> Paragraph:
        return Paragraph(_lines(text), self.styles[style])

    def _letterhead(self) -> list:
        unit = self.extract.unit
        place = unit.address.rsplit(" ", 1)[-1] if unit.address else unit.name
        head = Table(
            [
                [
                    self._p(
                        f"{unit.official_name}\n{unit.address.replace(', ', chr(10))}".strip(),
                        "small",
                    ),
                    self._p(f"{place}, {letters.polish_date(self.issued_on)}", "right"),
                ]
            ],
            colWidths=[95 * mm, 70 * mm],
        )
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return [
            head,
            Spacer(1, 4 * mm),
            self._p(_("Case reference: %(signature)s") % {"signature": self.signature}, "small"),
            Spacer(1, 6 * mm),
        ]

    def _table(self, rows: list[list], widths: list[float], header: bool = True) -> Table:
        cells = [
            [c if isinstance(c, Flowable) else self._p(str(c), "cell") for c in r] for r in rows
        ]
        table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#888888")),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
        table.setStyle(TableStyle(commands))
        return table

    def _text(self) -> list:
        extract = self.extract
        story = self._letterhead()
        story += [self._p(document_title(extract, self.kind).upper(), "title"), Spacer(1, 4 * mm)]
        intro = _(
            "Pursuant to art. 30 sec. 1 of the Act of 27 March 2003 on spatial planning and "
            "development, %(unit)s states that the parcels listed below lie within the "
            "planning acts in force named below."
        ) % {"unit": extract.unit.official_name}
        if self.applicant:
            # No full stop: the date ends with one ("… 2026 r.").
            intro += " " + (
                _("Issued at the request of %(applicant)s of %(date)s")
                % {
                    "applicant": self.applicant,
                    "date": letters.polish_date(self.requested_on or self.issued_on),
                }
            )
        story.append(self._p(intro, "body"))
        story.append(self._p(_("Parcels"), "h2"))
        rows: list[list] = [[_("Parcel identifier"), _("Precinct"), _("Number"), _("Area")]]
        for parcel in extract.parcels:
            area = (
                area_text(parcel.register_area)
                if parcel.register_area is not None
                else _("%(area)s (from the map)") % {"area": area_text(parcel.area)}
            )
            precinct = f"{parcel.precinct} {parcel.precinct_name}".strip()
            rows.append([parcel.identifier, precinct, parcel.number, area])
        story.append(self._table(rows, [52 * mm, 52 * mm, 24 * mm, 37 * mm]))
        story.append(self._p(_("Planning acts"), "h2"))
        rows = [[_("Title"), _("Resolution"), _("Adopted on")]]
        for plan in extract.plans:
            kind = _("local plan") if plan.kind == Plan.Kind.LOCAL else _("general plan")
            adopted = letters.polish_date(plan.adopted_on) if plan.adopted_on else "—"
            rows.append([f"{plan.title} ({kind})", plan.resolution or "—", adopted])
        story.append(self._table(rows, [90 * mm, 45 * mm, 30 * mm]))
        for parcel in extract.parcels:
            story.append(CondPageBreak(30 * mm))
            story.append(self._p(_("Parcel %(parcel)s") % {"parcel": parcel.identifier}, "h2"))
            rows = [[_("Zone"), _("Designation"), _("Plan"), _("Area"), _("Share")]]
            for zone in parcel.zones:
                rows.append(
                    [
                        zone.symbol,
                        zone.designation,
                        zone.plan.title,
                        area_text(zone.area),
                        share_text(zone.share),
                    ]
                )
            if parcel.uncovered_area:
                rows.append(
                    [
                        "—",
                        _("not covered by any plan in force"),
                        "—",
                        area_text(parcel.uncovered_area),
                        share_text(parcel.uncovered_share),
                    ]
                )
            story.append(self._table(rows, [20 * mm, 55 * mm, 45 * mm, 24 * mm, 21 * mm]))
        story.append(self._p(_("Provisions of the plans for the zones"), "h2"))
        for zone in extract.zones:
            story.append(CondPageBreak(25 * mm))
            story.append(
                self._p(
                    _("Zone %(symbol)s — %(designation)s (%(plan)s)")
                    % {
                        "symbol": zone.symbol,
                        "designation": zone.designation,
                        "plan": zone.plan.title,
                    },
                    "base",
                )
            )
            text = zone.provisions.strip() or _("The plan states no provisions for this zone.")
            for paragraph in re.split(r"\n\s*\n", text):
                story.append(self._p(paragraph.strip(), "body"))
        story += self._closing()
        return story

    def _closing(self) -> list:
        pages, sheets = self.totals.get("text", 0), self.totals.get("map", 0)
        fee = stamp_duty(text_pages=pages, map_pages=sheets)
        lines = [
            ngettext("This extract has %(count)d page.", "This extract has %(count)d pages.", pages)
            % {"count": pages}
        ]
        if sheets:
            lines.append(
                ngettext(
                    "The map excerpt attached to it has %(count)d A4 sheet.",
                    "The map excerpt attached to it has %(count)d A4 sheets.",
                    sheets,
                )
                % {"count": sheets}
            )
        lines.append(
            _("Stamp duty: %(total)s (extract %(wypis)s, map excerpt %(wyrys)s); %(basis)s.")
            % {
                "total": money_text(fee.total),
                "wypis": money_text(fee.wypis),
                "wyrys": money_text(fee.wyrys),
                "basis": LEGAL_BASIS,
            }
        )
        signer = Table(
            [["", self._p(_("— sealed electronically —"), "small")]],
            colWidths=[95 * mm, 70 * mm],
        )
        return [Spacer(1, 6 * mm), *[self._p(t, "small") for t in lines], Spacer(1, 8 * mm), signer]

    def _sheet(self, sheet: MapSheet, n: int) -> list:
        unit = self.extract.unit
        head = Table(
            [
                [
                    self._p(
                        f"{unit.official_name}\n"
                        + _("Case reference: %(signature)s") % {"signature": self.signature},
                        "small",
                    ),
                    self._p(letters.polish_date(self.issued_on), "right"),
                ]
            ],
            colWidths=[120 * mm, 60 * mm],
        )
        kinds = {p.kind for p in sheet.plans}
        title = _("%(what)s from %(plan)s") % {
            "what": pgettext("document", "Map excerpt"),
            "plan": plan_phrase(kinds),
        }
        parcels = ", ".join(p.identifier for p in sheet.parcels)
        plans = "; ".join(
            f"{p.title}" + (f", {p.resolution}" if p.resolution else "") for p in sheet.plans
        )
        scale_row = Table(
            [
                [
                    self._p(_("Scale 1:%(scale)s") % {"scale": f"{sheet.scale}"}, "base"),
                    ScaleBar(sheet.scale),
                    NorthArrow(),
                ]
            ],
            colWidths=[55 * mm, 105 * mm, 20 * mm],
        )
        scale_row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        entries = [(Swatch(None), _("boundary of the parcel named in the request"))]
        entries += [(Swatch(style), label) for label, style in sheet.legend]
        cells = [[e[0], self._p(e[1], "cell")] for e in entries]
        half = (len(cells) + 1) // 2
        rows = [
            cells[i] + (cells[i + half] if i + half < len(cells) else ["", ""]) for i in range(half)
        ]
        legend = Table(rows, colWidths=[9 * mm, 81 * mm, 9 * mm, 81 * mm])
        legend.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        return [
            head,
            Spacer(1, 2 * mm),
            self._p(title, "h2"),
            self._p(_("Parcels: %(parcels)s") % {"parcels": parcels}, "small"),
            self._p(_("Plan: %(plans)s") % {"plans": plans}, "small"),
            Spacer(1, 2 * mm),
            MapFrame(sheet, MAP_W_MM * mm, MAP_H_MM * mm),
            scale_row,
            self._p(
                _("The scale holds when the sheet is printed on A4 without resizing."), "small"
            ),
            Spacer(1, 2 * mm),
            self._p(_("Legend"), "base"),
            legend,
        ]


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines())
