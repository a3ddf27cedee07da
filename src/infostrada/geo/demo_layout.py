"""A synthetic cadastre: street grids, blocks, plots and buildings inside a precinct.

Pure geometry, no database (the demo data of ``geo.demo`` and its tests use it).
A precinct is laid out in its own frame (its core at the origin, streets along
the x axis, the frame turned by the precinct's angle): a coarse grid of main
roads cuts it into super-blocks; a super-block in a town is cut again by local
streets into blocks, one in the country stays a single block. A block's edges
that face a street get a row of plots (their side lines slightly skewed, as
surveyed boundaries are); what lies behind the rows becomes strip fields,
forest or large plots. Everything is a quadrilateral in the frame, so the
pieces tile the frame exactly; :func:`build` turns them into the world
(EPSG:2180) and cuts them along the precinct's boundary and the rivers.
Random choices come from one ``random.Random`` per precinct, seeded by the
caller: the same seed gives the same cadastre.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

Quad = list[tuple[float, float]]
Range = tuple[float, float]
MAX_PLOT = 29_000.0  # m²: strip fields and forest are cut below 3 ha
MIN_PIECE = 100.0  # m²: smaller remnants of plots cut by a boundary are dropped
MIN_ROAD_PIECE = 30.0


@dataclass(frozen=True)
class House:
    """The buildings of a built-up plot of one kind of area."""

    functions: tuple[tuple[str, float], ...]  # (function, weight)
    floors: tuple[int, ...]
    width: Range
    depth: Range
    setback: Range  # from the street line
    margin: float  # from the plot's side lines
    years: Range
    outbuilding: tuple[str, float] | None = None  # (function, probability)


@dataclass(frozen=True)
class Profile:
    """How one kind of area is cut into roads and plots."""

    name: str
    coarse_gap: Range  # between the main roads
    main_width: Range
    road_gap: Range | None  # local streets inside a super-block (None: no local streets)
    cross_gap: Range
    road_width: Range
    plot_width: Range | None  # street-facing plots (None: no rows along the streets)
    plot_depth: Range
    back: str  # what fills a block behind its rows: fields, forest, large
    built: float  # share of street-facing plots that are built on
    land_use: str  # EGiB land use of a built plot
    house: House | None = None


RESIDENT = "budynek mieszkalny jednorodzinny"
FLATS = "budynek mieszkalny wielorodzinny"
# fmt: off
PROFILES = {
    p.name: p
    for p in (
        Profile(
            "centre", (380, 520), (16, 22), (100, 125), (90, 160), (14, 18), (12, 22), (40, 52),
            "large", 0.95, "B",
            House(((FLATS, 7), ("budynek handlowo-usługowy", 2), ("budynek biurowy", 1)),
                  (3, 4, 4, 5), (30, 30), (12, 16), (0.4, 0.4), 0.3, (1880, 1938)),
        ),
        Profile(
            "estate", (420, 560), (18, 24), (190, 240), (170, 260), (12, 16), (70, 130), (80, 110),
            "large", 0.9, "B",
            House(((FLATS, 1),), (4, 5, 5, 10, 11), (40, 80), (12, 14), (10, 14), 8, (1968, 1992)),
        ),
        Profile(
            "suburban", (420, 620), (12, 16), (95, 115), (160, 320), (10, 12), (18, 30), (38, 52),
            "fields", 0.8, "B",
            House(((RESIDENT, 1),), (1, 2, 2), (9, 13), (9, 12), (5, 8), 3.5, (1965, 2024),
                  ("budynek garażu", 0.3)),
        ),
        Profile(
            "village", (480, 760), (7, 10), None, (0, 0), (0, 0), (26, 44), (60, 85),
            "fields", 0.72, "B",
            House(((RESIDENT, 1),), (1, 1, 2), (9, 12), (9, 11), (4, 8), 3.5, (1905, 2022),
                  ("budynek gospodarczy", 0.7)),
        ),
        Profile(
            "industrial", (420, 600), (14, 18), (200, 260), (220, 340), (12, 14), (55, 110),
            (80, 120), "large", 0.75, "Ba",
            House((("budynek przemysłowy", 3), ("budynek magazynowy", 3), ("budynek biurowy", 1)),
                  (1, 1, 2, 3), (25, 70), (20, 45), (10, 14), 8, (1962, 2023)),
        ),
        Profile(
            "large", (450, 700), (8, 12), None, (0, 0), (0, 0), None, (0, 0), "large", 0, "Bi"
        ),
        Profile(
            "fields", (480, 820), (5, 7), None, (0, 0), (0, 0), None, (0, 0), "fields", 0, "R"
        ),
        Profile(
            "forest", (600, 950), (5, 6), None, (0, 0), (0, 0), None, (0, 0), "forest", 0, "Ls"
        ),
    )
}
# fmt: on


@dataclass
class Building:
    function: str
    floors: int
    year: int
    quad: Quad


@dataclass
class Piece:
    """One future parcel in the precinct's frame."""

    kind: str  # plot, road, water
    quad: Quad
    land_use: str
    street: int | None = None  # the street it faces (its address), for built plots
    side: int = 0  # +1: north of its street (odd numbers), -1: south (even)
    row: int = -1  # plots of one row of one block share it (divisions stay in a row)
    buildings: list[Building] = field(default_factory=list)


@dataclass
class Block:
    """A block between streets; the plan generator follows the same lines."""

    x: Range
    y: Range
    below: int | None  # street ids
    above: int | None


@dataclass
class SuperBlock:
    profile: str
    x: Range
    y: Range
    below_road: Range | None  # y range of the main road under it (local frame)
    streets: list[Range] = field(default_factory=list)  # local streets (y ranges)
    crossings: list[tuple[Range, Range]] = field(default_factory=list)  # (x, y) ranges
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Frame:
    """The precinct's frame: world = origin + rotation(angle) * local."""

    origin: tuple[float, float]
    angle: float  # radians

    def to_world(self, xy: np.ndarray) -> np.ndarray:
        c, s = math.cos(self.angle), math.sin(self.angle)
        x, y = xy[..., 0], xy[..., 1]
        return np.stack([self.origin[0] + x * c - y * s, self.origin[1] + x * s + y * c], axis=-1)

    def polygon(self, quad: Quad) -> Polygon:
        return Polygon(self.to_world(np.asarray(quad, dtype=float)))

    def rect(self, x: Range, y: Range) -> Polygon:
        return self.polygon([(x[0], y[0]), (x[1], y[0]), (x[1], y[1]), (x[0], y[1])])

    def local_bounds(self, geometry: BaseGeometry) -> tuple[float, float, float, float]:
        moved = affinity.translate(geometry, -self.origin[0], -self.origin[1])
        return affinity.rotate(moved, -self.angle, origin=(0, 0), use_radians=True).bounds


@dataclass
class Layout:
    frame: Frame
    pieces: list[Piece]
    superblocks: list[SuperBlock]
    streets: int  # street ids are 0 .. streets-1


def _rect(x0: float, x1: float, y0: float, y1: float) -> Quad:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


class _Planner:
    """Lays out one precinct in its frame (see the module docstring)."""

    def __init__(self, rng: random.Random, zones: tuple[tuple[float, str], ...]) -> None:
        self.rng = rng
        self.zones = zones
        self.pieces: list[Piece] = []
        self.superblocks: list[SuperBlock] = []
        self.streets = 0
        self.rows = 0

    def profile_at(self, x: float, y: float) -> Profile:
        distance = math.hypot(x, y)
        for radius, name in self.zones:
            if distance < radius:
                return PROFILES[name]
        return PROFILES[self.zones[-1][1]]

    def street(self) -> int:
        self.streets += 1
        return self.streets - 1

    def u(self, r: Range) -> float:
        return self.rng.uniform(*r)

    def lay_out(self, bounds: tuple[float, float, float, float]) -> None:
        minx, miny, maxx, maxy = bounds
        core = self.profile_at(0, 0)
        # main roads along x over the whole width; between them, main roads along y
        axes: list[tuple[Range, int]] = []
        y = miny + self.u((0.3, 0.9)) * self.u(core.coarse_gap)
        while y < maxy - 0.4 * core.coarse_gap[0]:
            width = self.u(self.profile_at(0, y).main_width)
            axes.append(((y - width / 2, y + width / 2), self.street()))
            y += self.u(self.profile_at(0, y).coarse_gap)
        below: tuple[Range, int] | None = None
        for index in range(len(axes) + 1):
            above = axes[index] if index < len(axes) else None
            y0 = below[0][1] if below else miny
            y1 = above[0][0] if above else maxy
            if y1 - y0 > 1:
                self._coarse_band(minx, maxx, y0, y1, below, above)
            if above:
                (a, b), sid = above
                self._road(minx, maxx, a, b, sid)
            below = above

    def _coarse_band(
        self,
        minx: float,
        maxx: float,
        y0: float,
        y1: float,
        below: tuple[Range, int] | None,
        above: tuple[Range, int] | None,
    ) -> None:
        x = minx
        while x < maxx:
            profile = self.profile_at(x, (y0 + y1) / 2)
            end = x + self.u(profile.coarse_gap)
            if end > maxx - 0.5 * profile.coarse_gap[0]:
                end = maxx
            mid = self.profile_at((x + end) / 2, (y0 + y1) / 2)
            block = SuperBlock(mid.name, (x, end), (y0, y1), below[0] if below else None)
            self.superblocks.append(block)
            self._super_block(block, mid, below[1] if below else None, above[1] if above else None)
            if end >= maxx:
                break
            width = self.u(mid.main_width)
            self._road(end, end + width, y0, y1)
            x = end + width

    def _super_block(
        self, sb: SuperBlock, p: Profile, below: int | None, above: int | None
    ) -> None:
        (x0, x1), (y0, y1) = sb.x, sb.y
        if p.road_gap is None:
            sb.blocks.append(Block(sb.x, sb.y, below, above))
            self._block(sb.blocks[-1], p)
            return
        bands: list[tuple[float, float, int | None, int | None]] = []
        y, low = y0, below
        while y1 - y > 1.7 * p.road_gap[0]:
            width = self.u(p.road_width)
            axis = y + self.u(p.road_gap) - width / 2
            if y1 - axis < 0.8 * p.road_gap[0]:
                break
            sid = self.street()
            bands.append((y, axis - width / 2, low, sid))
            sb.streets.append((axis - width / 2, axis + width / 2))
            self._road(x0, x1, axis - width / 2, axis + width / 2, sid)
            y, low = axis + width / 2, sid
        bands.append((y, y1, low, above))
        for ya, yb, lo, hi in bands:
            x = x0
            while x < x1:
                end = x + self.u(p.cross_gap)
                if end > x1 - 0.6 * p.cross_gap[0]:
                    end = x1
                sb.blocks.append(Block((x, end), (ya, yb), lo, hi))
                self._block(sb.blocks[-1], p)
                if end >= x1:
                    break
                width = self.u(p.road_width)
                sb.crossings.append(((end, end + width), (ya, yb)))
                self._road(end, end + width, ya, yb)
                x = end + width

    def _road(self, x0: float, x1: float, y0: float, y1: float, sid: int | None = None) -> None:
        """A road strip, cut into parcels of at most ~450 m (as road parcels are)."""
        along_x = x1 - x0 >= y1 - y0
        length = (x1 - x0) if along_x else (y1 - y0)
        parts = max(1, math.ceil(length / 450))
        for k in range(parts):
            if along_x:
                a, b = x0 + (x1 - x0) * k / parts, x0 + (x1 - x0) * (k + 1) / parts
                quad = _rect(a, b, y0, y1)
            else:
                a, b = y0 + (y1 - y0) * k / parts, y0 + (y1 - y0) * (k + 1) / parts
                quad = _rect(x0, x1, a, b)
            self.pieces.append(Piece("road", quad, "dr", street=sid))

    def _block(self, block: Block, p: Profile) -> None:
        (x0, x1), (ya, yb) = block.x, block.y
        depth = yb - ya
        if p.plot_width is None or depth < 20:
            self._back(x0, x1, ya, yb, p)
            return
        front_a = block.below is not None
        front_b = block.above is not None
        da = self.u(p.plot_depth) if front_a else 0.0
        db = self.u(p.plot_depth) if front_b else 0.0
        if front_a and front_b and depth < da + db + 25:
            da = depth / 2 + self.rng.uniform(-0.06, 0.06) * depth
            db = depth - da
        elif front_a != front_b and depth < da + db + 25:
            da, db = (depth, 0.0) if front_a else (0.0, depth)
        if front_a:
            self._row(x0, x1, ya, ya + da, +1, block.below, p)
        if front_b:
            self._row(x0, x1, yb, yb - db, -1, block.above, p)
        if depth - da - db > 1:
            self._back(x0, x1, ya + da, yb - db, p)

    def _row(
        self,
        x0: float,
        x1: float,
        front: float,
        back: float,
        side: int,
        sid: int | None,
        p: Profile,
    ) -> None:
        assert p.plot_width is not None
        lines = [(x0, x0)]
        x = x0
        while True:
            x += self.u(p.plot_width)
            if x > x1 - 0.7 * p.plot_width[0]:
                break
            skew = max(-3.0, min(3.0, self.rng.gauss(0, 1.3)))
            lines.append((x, x + skew))
        lines.append((x1, x1))
        self.rows += 1
        for (lf, lb), (rf, rb) in itertools.pairwise(lines):
            quad = [(lf, front), (rf, front), (rb, back), (lb, back)]
            built = self.rng.random() < p.built
            piece = Piece(
                "plot",
                quad,
                p.land_use if built else ("R" if p.back == "fields" else "Bp"),
                street=sid if built else None,
                side=side,
                row=self.rows,
            )
            if built and p.house is not None:
                self._houses(piece, p.house, front, back, (lf, lb), (rf, rb))
            self.pieces.append(piece)

    def _houses(
        self, piece: Piece, house: House, front: float, back: float, left: Range, right: Range
    ) -> None:
        step = 1.0 if back > front else -1.0
        depth = abs(back - front)

        def side_range(d0: float, d1: float, margin: float) -> Range:
            def at(line: Range, d: float) -> float:
                return line[0] + (line[1] - line[0]) * d / depth

            lo = max(at(left, d0), at(left, d1)) + margin
            hi = min(at(right, d0), at(right, d1)) - margin
            return lo, hi

        def place(width: Range, bdepth: float, setback: float, margin: float) -> Quad | None:
            if setback + bdepth > depth - 2:
                return None
            lo, hi = side_range(setback, setback + bdepth, margin)
            room = hi - lo
            w = min(self.u(width), room)
            if w < min(width[0], 6.0):
                return None
            start = lo + self.rng.uniform(0, room - w) * 0.5
            y0, y1 = front + step * setback, front + step * (setback + bdepth)
            return _rect(start, start + w, min(y0, y1), max(y0, y1))

        names, weights = zip(*house.functions, strict=True)
        function = self.rng.choices(names, weights)[0]
        floors = self.rng.choice(house.floors)
        year = int(self.u(house.years))
        setback = self.u(house.setback)
        bdepth = self.u(house.depth)
        quad = place(house.width, bdepth, setback, house.margin)
        if quad is None:
            return
        piece.buildings.append(Building(function, floors, year, quad))
        if function == FLATS and house.width[1] >= 40:  # a housing estate: more slabs behind
            behind = setback + bdepth + self.u((18, 30))
            while behind + bdepth < depth - 8:
                slab = place(house.width, bdepth, behind, house.margin)
                if slab is not None:
                    piece.buildings.append(Building(function, floors, year, slab))
                behind += bdepth + self.u((18, 30))
        if house.outbuilding and self.rng.random() < house.outbuilding[1]:
            extra_setback = setback + bdepth + self.u((3, 8))
            small = place(
                (4, 12) if "gospodarczy" in house.outbuilding[0] else (4, 6),
                self.u((5, 8)),
                extra_setback,
                house.margin,
            )
            if small is not None:
                piece.buildings.append(
                    Building(house.outbuilding[0], 1, year + self.rng.randint(0, 15), small)
                )

    def _back(self, x0: float, x1: float, y0: float, y1: float, p: Profile) -> None:
        """Land behind the rows: strips across the depth, cut so that none passes 3 ha."""
        widths = {"fields": (22, 85), "forest": (60, 140), "large": (80, 180)}[p.back]
        depth = y1 - y0
        x = x0
        lines = [(x0, x0)]
        while True:
            x += self.u(widths)
            if x > x1 - 0.6 * widths[0]:
                break
            skew = max(-6.0, min(6.0, self.rng.gauss(0, 2.5))) if depth > 60 else 0.0
            lines.append((x, x + skew))
        lines.append((x1, x1))
        for (lf, lb), (rf, rb) in itertools.pairwise(lines):
            area = (rf - lf + rb - lb) / 2 * depth
            parts = max(1, math.ceil(area / MAX_PLOT))
            for k in range(parts):
                t0, t1 = k / parts, (k + 1) / parts
                quad = [
                    (lf + (lb - lf) * t0, y0 + depth * t0),
                    (rf + (rb - rf) * t0, y0 + depth * t0),
                    (rf + (rb - rf) * t1, y0 + depth * t1),
                    (lf + (lb - lf) * t1, y0 + depth * t1),
                ]
                self.pieces.append(Piece("plot", quad, self._land_use(p)))

    def _land_use(self, p: Profile) -> str:
        if p.back == "fields":
            r = self.rng.random()
            return "R" if r < 0.78 else ("Ł" if r < 0.92 else "Ps")
        if p.back == "forest":
            return "Ls" if self.rng.random() < 0.93 else "Lz"
        return p.land_use if p.land_use != "B" else "Bi"


def lay_out(
    precinct: BaseGeometry,
    origin: tuple[float, float],
    zones: tuple[tuple[float, str], ...],
    rng: random.Random,
) -> Layout:
    """The precinct's roads, plots and buildings in its frame (not cut yet)."""
    frame = Frame(origin, math.radians(rng.uniform(-28, 28)))
    planner = _Planner(rng, zones)
    minx, miny, maxx, maxy = frame.local_bounds(precinct)
    planner.lay_out((minx - 1, miny - 1, maxx + 1, maxy + 1))
    return Layout(frame, planner.pieces, planner.superblocks, planner.streets)


@dataclass
class Parcel:
    """A parcel in the world, before it is numbered."""

    geometry: Polygon
    land_use: str
    street: int | None
    side: int
    row: int
    order: float  # position along its street (house numbers grow with it)
    buildings: list[tuple[Building, Polygon]]


def build(layout: Layout, region: BaseGeometry) -> list[Parcel]:
    """The layout's pieces in the world, cut along ``region`` (the precinct without rivers)."""
    frame = layout.frame
    pieces = layout.pieces
    polygons = shapely.polygons(frame.to_world(np.asarray([p.quad for p in pieces], dtype=float)))
    owners = [(index, b) for index, p in enumerate(pieces) for b in p.buildings]
    footprints = (
        shapely.polygons(frame.to_world(np.asarray([b.quad for _i, b in owners], dtype=float)))
        if owners
        else np.empty(0, dtype=object)
    )
    by_piece: dict[int, list[tuple[Building, Polygon]]] = {}
    for (index, b), footprint in zip(owners, footprints, strict=True):
        by_piece.setdefault(index, []).append((b, footprint))
    shapely.prepare(region)
    inside = shapely.contains_properly(region, polygons)
    touching = ~inside & shapely.intersects(region, polygons)
    cut = np.empty(len(pieces), dtype=object)
    cut[touching] = shapely.intersection(polygons[touching], region)
    out: list[Parcel] = []
    for index, piece in enumerate(pieces):
        if inside[index]:
            parts = [polygons[index]]
        elif touching[index]:
            smallest = MIN_PIECE if piece.kind == "plot" else MIN_ROAD_PIECE
            parts = [
                g
                for g in shapely.get_parts(cut[index])
                if g.geom_type == "Polygon" and g.area >= smallest
            ]
            parts.sort(key=lambda g: -g.area)
        else:
            continue
        for number, part in enumerate(parts):
            buildings = by_piece.get(index, []) if number == 0 else []
            if buildings and not inside[index]:
                buildings = [(b, f) for b, f in buildings if part.contains(f)]
            quad = piece.quad
            out.append(
                Parcel(
                    geometry=part,
                    land_use=piece.land_use,
                    street=piece.street if buildings else None,
                    side=piece.side,
                    row=piece.row,
                    order=(quad[0][0] + quad[1][0]) / 2,
                    buildings=buildings,
                )
            )
    return out


def strips(band: BaseGeometry, area: BaseGeometry, size: float = 800.0) -> Iterator[Polygon]:
    """``band`` (a river, a main road) inside ``area``, cut by a world grid into pieces."""
    inner = shapely.intersection(band, area)
    if inner.is_empty:
        return
    minx, miny, maxx, maxy = inner.bounds
    x0, y0 = math.floor(minx / size) * size, math.floor(miny / size) * size
    cells = [
        shapely.box(x, y, x + size, y + size)
        for x in np.arange(x0, maxx, size)
        for y in np.arange(y0, maxy, size)
    ]
    for cell in shapely.intersection(np.asarray(cells, dtype=object), inner):
        for part in shapely.get_parts(cell):
            if part.geom_type == "Polygon" and part.area >= MIN_PIECE:
                yield part
