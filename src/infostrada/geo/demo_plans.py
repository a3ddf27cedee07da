"""The demo's planning acts as data: a local plan (MPZP) in Grębocin, the general plan of Lubicz.

No database here (``geo.demo`` writes it). Both plans are made up and say so
in their titles; their zones tile the plan's area exactly (no gaps, no
overlaps), as a plan's zones must.

- The local plan covers one housing super-block of the precinct Grębocin and
  the main road below it. Its zones follow the block's streets, but not every
  parcel boundary: services along the main road take the front 30 m of the
  plots (the rest of them stays housing), and at the plan's edge housing
  ends 35 m from the street and farmland begins, so some parcels lie in two
  zones, as they do in real plans.
- The general plan (plan ogólny gminy, art. 13a-13m of the spatial planning
  act, ustawa z dnia 27 marca 2003 r. o planowaniu i zagospodarowaniu
  przestrzennym, as amended by the act of 7 July 2023, Dz.U. 2023 poz. 1688)
  divides the whole gmina into planning zones (strefy planistyczne) of the 13
  kinds of art. 13c ust. 1, with the symbols the regulation on the general
  plan's draft gives them (rozporządzenie Ministra Rozwoju i Technologii z
  dnia 8 grudnia 2023 r. w sprawie projektu planu ogólnego gminy ...). The
  zones are painted in order of precedence — the explicit small zones, the
  main road, rivers and forests, the settlements by the kind of their
  blocks — and what remains is farmland (SR).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from infostrada.geo.demo_cadastre import Cadastre, PrecinctData, rng_for
from infostrada.geo.demo_layout import Quad, SuperBlock

DASH = "\N{EN DASH}"
DEMO_NOTE = "Dane demonstracyjne: plan fikcyjny, nie jest aktem prawa miejscowego."


@dataclass
class ZoneData:
    symbol: str  # 1MN, 3SJ
    zone_type: str  # MN, SJ
    designation: str
    provisions: str
    geometry: BaseGeometry
    parameters: dict[str, float] = field(default_factory=dict)


@dataclass
class PlanData:
    kind: str  # local, general
    slug: str  # the layer
    app_id: str
    title: str
    resolution: str
    adopted_on: datetime.date
    zones: list[ZoneData]

    @property
    def area(self) -> BaseGeometry:
        return shapely.union_all([z.geometry for z in self.zones])


# --- the local plan (MPZP) -------------------------------------------------------------------

LOCAL_TYPES = {
    "MN": "tereny zabudowy mieszkaniowej jednorodzinnej",
    "U": "tereny zabudowy usługowej",
    "ZP": "tereny zieleni urządzonej",
    "R": "tereny rolnicze",
    "KDL": "tereny dróg publicznych klasy lokalnej",
    "KDD": "tereny dróg publicznych klasy dojazdowej",
    "KDW": "tereny dróg wewnętrznych",
}
LOCAL_PRECINCT = 3  # Grębocin


def local_plan(cadastre: Cadastre) -> PlanData:
    precinct = next(p for p in cadastre.precincts if p.spec.code == LOCAL_PRECINCT)
    sb = _plan_block(precinct)
    frame = precinct.layout.frame
    rng = rng_for(cadastre.unit.slug, "mpzp")
    x0, x1 = sb.x
    assert sb.below_road is not None
    pieces: list[tuple[str, tuple[float, float], tuple[float, float], str]] = []
    pieces.append(("KDL", (x0, x1), sb.below_road, _street(precinct, sb, "below")))
    for index, street in enumerate(sb.streets):
        pieces.append(("KDD", (x0, x1), street, _street(precinct, sb, index)))
    for xs, ys in sb.crossings:
        pieces.append(("KDW", xs, ys, ""))
    bands = sorted({b.y for b in sb.blocks})
    middle = [b for b in sb.blocks if b.y not in (bands[0], bands[-1])]
    green = middle[len(middle) // 2] if middle else None
    for block in sb.blocks:
        ya, yb = block.y
        if block.y == bands[0]:  # along the main road: services in front, houses behind
            pieces.append(("U", block.x, (ya, ya + 30), ""))
            pieces.append(("MN", block.x, (ya + 30, yb), ""))
        elif block.y == bands[-1]:  # the plan's edge: houses along the street, then fields
            pieces.append(("MN", block.x, (ya, ya + 35), ""))
            pieces.append(("R", block.x, (ya + 35, yb), ""))
        else:
            pieces.append(("ZP" if block is green else "MN", block.x, block.y, ""))
    pieces.sort(key=lambda p: (_order(p[0]), p[2][0], p[1][0]))
    rings = _noded([(xs, ys) for _k, xs, ys, _s in pieces])
    counters: dict[str, int] = {}
    zones = []
    for (kind, _xs, _ys, street), ring in zip(pieces, rings, strict=True):
        counters[kind] = counters.get(kind, 0) + 1
        symbol = f"{counters[kind]}{kind}"
        text, parameters = _local_provisions(kind, symbol, street, rng)
        zones.append(
            ZoneData(symbol, kind, LOCAL_TYPES[kind], text, frame.polygon(ring), parameters)
        )
    return PlanData(
        kind="local",
        slug="mpzp-grebocin",
        app_id="PL.ZIPPZP.9001/041504-MPZP",
        title=(
            "Miejscowy plan zagospodarowania przestrzennego części wsi Grębocin "
            "(dane demonstracyjne)"
        ),
        resolution="Uchwała nr XXIV/187/2024 Rady Gminy Lubicz z dnia 26 września 2024 r.",
        adopted_on=datetime.date(2024, 9, 26),
        zones=zones,
    )


def _noded(rects: list[tuple[tuple[float, float], tuple[float, float]]]) -> list[Quad]:
    """The rectangles' rings with a vertex wherever another rectangle's corner meets an edge.

    Zones meet in T-junctions (a street's long edge touches several blocks); with
    those vertices in both rings the zones share their boundaries exactly, also
    after the turn into the world, so their union is one polygon without slivers.
    """
    corners = {(x, y) for (x0, x1), (y0, y1) in rects for x in (x0, x1) for y in (y0, y1)}
    rings = []
    for (x0, x1), (y0, y1) in rects:
        bottom = sorted(x for x, y in corners if y == y0 and x0 < x < x1)
        right = sorted(y for x, y in corners if x == x1 and y0 < y < y1)
        top = sorted((x for x, y in corners if y == y1 and x0 < x < x1), reverse=True)
        left = sorted((y for x, y in corners if x == x0 and y0 < y < y1), reverse=True)
        rings.append(
            [
                (x0, y0),
                *((x, y0) for x in bottom),
                (x1, y0),
                *((x1, y) for y in right),
                (x1, y1),
                *((x, y1) for x in top),
                (x0, y1),
                *((x0, y) for y in left),
            ]
        )
    return rings


def _order(kind: str) -> int:
    return list(LOCAL_TYPES).index(kind)


def _plan_block(precinct: PrecinctData) -> SuperBlock:
    """A housing super-block with local streets, wholly inside the precinct, near its core."""
    frame = precinct.layout.frame
    candidates = []
    for sb in precinct.layout.superblocks:
        if sb.profile != "suburban" or sb.below_road is None or len(sb.streets) < 2:
            continue
        area = frame.rect(sb.x, (sb.below_road[0], sb.y[1]))
        if precinct.region.contains(area):
            cx, cy = (sb.x[0] + sb.x[1]) / 2, (sb.y[0] + sb.y[1]) / 2
            candidates.append((cx * cx + cy * cy, sb))
    if not candidates:
        raise RuntimeError("no housing block for the demo local plan")
    return min(candidates, key=lambda c: c[0])[1]


def _street(precinct: PrecinctData, sb: SuperBlock, which: int | str) -> str:
    """The name of a street of the plan, from the addresses of the blocks along it."""
    if which == "below":
        sids = {b.below for b in sb.blocks if b.y[0] == sb.y[0]}
    else:
        assert isinstance(which, int)
        top = sb.streets[which][1]
        sids = {b.below for b in sb.blocks if b.y[0] == top}
    for sid in sids:
        if sid is not None and sid in precinct.streets:
            return precinct.streets[sid]
    return ""


def _local_provisions(
    kind: str, symbol: str, street: str, rng: random.Random
) -> tuple[str, dict[str, float]]:
    head = f"{symbol} {DASH} {LOCAL_TYPES[kind]}."
    if kind == "MN":
        height = rng.choice((9.0, 10.0, 10.5))
        cover = rng.choice((30, 35))
        bio = rng.choice((40, 50))
        plot = rng.choice((700, 800, 1000))
        params = {"max_height": height, "max_coverage": cover, "min_biological": bio}
        text = (
            f"{head}\n1. Przeznaczenie podstawowe: zabudowa mieszkaniowa jednorodzinna wolno "
            "stojąca lub bliźniacza.\n2. Przeznaczenie uzupełniające: usługi nieuciążliwe "
            "wbudowane w budynek mieszkalny, o powierzchni użytkowej do 30 % powierzchni "
            "użytkowej budynku; dojścia, dojazdy, miejsca postojowe, zieleń, sieci "
            "infrastruktury technicznej.\n3. Zasady kształtowania zabudowy i wskaźniki "
            f"zagospodarowania terenu:\na) maksymalna wysokość zabudowy: {height:g} m, nie więcej "
            "niż 2 kondygnacje nadziemne, w tym poddasze użytkowe; budynki gospodarcze i "
            "garażowe do 6 m;\nb) dachy dwuspadowe lub wielospadowe o nachyleniu połaci "
            f"od 30° do 45°;\nc) maksymalna powierzchnia zabudowy: {cover} % powierzchni działki "
            f"budowlanej;\nd) minimalny udział powierzchni biologicznie czynnej: {bio} % "
            "powierzchni działki budowlanej;\ne) intensywność zabudowy: od 0,05 do 0,6;\n"
            "f) nieprzekraczalna linia zabudowy: 6 m od linii rozgraniczającej drogi "
            "publicznej, zgodnie z rysunkiem planu;\ng) co najmniej 2 miejsca postojowe na "
            "jeden lokal mieszkalny, w tym w garażu.\n4. Zasady podziału nieruchomości: "
            f"minimalna powierzchnia nowo wydzielanej działki budowlanej {plot} m², minimalna "
            "szerokość frontu działki 18 m (dla zabudowy bliźniaczej 12 m), kąt położenia "
            "granic działki w stosunku do pasa drogowego od 70° do 110°.\n5. Obsługa "
            "komunikacyjna: z przyległych dróg publicznych klasy dojazdowej (KDD) i dróg "
            "wewnętrznych (KDW).\n6. Stawka procentowa, o której mowa w art. 36 ust. 4 "
            "ustawy: 15 %."
        )
        return text, params
    if kind == "U":
        params = {"max_height": 12.0, "max_coverage": 50, "min_biological": 20}
        text = (
            f"{head}\n1. Przeznaczenie podstawowe: usługi, w szczególności handel "
            "detaliczny o powierzchni sprzedaży do 400 m², gastronomia, usługi zdrowia, "
            "rzemiosło usługowe, biura.\n2. Przeznaczenie uzupełniające: lokal mieszkalny "
            "dla właściciela w budynku usługowym; miejsca postojowe, zieleń.\n3. Zasady "
            "kształtowania zabudowy: maksymalna wysokość zabudowy 12 m, do 3 kondygnacji "
            "nadziemnych; dachy płaskie lub o nachyleniu do 35°; maksymalna powierzchnia "
            "zabudowy 50 % powierzchni działki; minimalny udział powierzchni biologicznie "
            "czynnej 20 %; intensywność zabudowy od 0,1 do 1,2; nieprzekraczalna linia "
            "zabudowy 8 m od linii rozgraniczającej terenu 1KDL.\n4. Zakazuje się lokalizacji "
            "stacji paliw i przedsięwzięć mogących zawsze znacząco oddziaływać na "
            "środowisko.\n5. Obsługa komunikacyjna: z drogi 1KDL zjazdami istniejącymi lub "
            "jednym nowym zjazdem na każdą działkę, albo z dróg klasy dojazdowej.\n"
            "6. Stawka procentowa: 20 %."
        )
        return text, params
    if kind == "ZP":
        params = {"max_height": 5.0, "max_coverage": 5, "min_biological": 80}
        text = (
            f"{head}\n1. Przeznaczenie podstawowe: zieleń urządzona: park osiedlowy z placem "
            "zabaw i terenem rekreacji.\n2. Dopuszcza się: ścieżki piesze i rowerowe, "
            "obiekty małej architektury, urządzenia sportowe i rekreacyjne, altany o "
            "wysokości do 5 m; powierzchnia zabudowy do 5 % powierzchni terenu.\n"
            "3. Minimalny udział powierzchni biologicznie czynnej: 80 %.\n4. Nakazuje się "
            "zachowanie istniejących drzew, z wyjątkiem drzew zagrażających "
            "bezpieczeństwu.\n5. Stawka procentowa: 0 %."
        )
        return text, params
    if kind == "R":
        text = (
            f"{head}\n1. Przeznaczenie podstawowe: uprawy rolne, łąki i pastwiska.\n2. Zakazuje "
            "się zabudowy, z wyjątkiem sieci infrastruktury technicznej i dróg "
            "dojazdowych do gruntów rolnych.\n3. Dopuszcza się zalesienie gruntów rolnych "
            "klas V i VI.\n4. Stawka procentowa: 0 %."
        )
        return text, {}
    width = {"KDL": "12", "KDD": "10", "KDW": "8"}[kind]
    named = f" (ul. {street})" if street else ""
    text = (
        f"{head}{named}\n1. Przeznaczenie: droga"
        f"{' publiczna klasy lokalnej' if kind == 'KDL' else ''}"
        f"{' publiczna klasy dojazdowej' if kind == 'KDD' else ''}"
        f"{' wewnętrzna' if kind == 'KDW' else ''}.\n2. Szerokość w liniach "
        f"rozgraniczających: {width} m lub zgodnie ze stanem istniejącym, według rysunku "
        "planu.\n3. Dopuszcza się lokalizację chodników, ścieżek rowerowych, zieleni "
        "przydrożnej, miejsc postojowych i sieci infrastruktury technicznej.\n"
        "4. Stawka procentowa: 0 %."
    )
    return text, {}


# --- the general plan (plan ogólny gminy) ----------------------------------------------------

GENERAL_TYPES = {
    "SW": "strefa wielofunkcyjna z zabudową mieszkaniową wielorodzinną",
    "SJ": "strefa wielofunkcyjna z zabudową mieszkaniową jednorodzinną",
    "SZ": "strefa wielofunkcyjna z zabudową zagrodową",
    "SU": "strefa usługowa",
    "SH": "strefa handlu wielkopowierzchniowego",
    "SP": "strefa gospodarcza",
    "SR": "strefa produkcji rolniczej",
    "SI": "strefa infrastrukturalna",
    "SN": "strefa zieleni i rekreacji",
    "SC": "strefa cmentarzy",
    "SG": "strefa górnictwa",
    "SO": "strefa otwarta",
    "SK": "strefa komunikacyjna",
}
# (max. above-ground intensity, max. height m, max. built-up share %, min. biologically active %)
GENERAL_PARAMETERS = {
    "SW": (1.6, 16, 40, 30),
    "SJ": (0.6, 10, 35, 45),
    "SZ": (0.5, 10, 35, 50),
    "SU": (1.2, 14, 50, 25),
    "SH": (1.0, 15, 60, 20),
    "SP": (1.5, 18, 60, 20),
    "SR": (0.2, 12, 10, 70),
    "SI": (0.8, 15, 50, 20),
    "SN": (0.1, 8, 5, 70),
    "SC": (0.1, 8, 10, 40),
    "SG": (0.1, 12, 5, 30),
    "SO": (0.05, 8, 2, 90),
    "SK": (0.2, 10, 20, 5),
}
GENERAL_PROFILES = {
    "SW": "zabudowa mieszkaniowa wielorodzinna i jednorodzinna, usługi, zieleń urządzona, "
    "drogi i place",
    "SJ": "zabudowa mieszkaniowa jednorodzinna, usługi, zieleń urządzona, ogrody działkowe, drogi",
    "SZ": "zabudowa zagrodowa, zabudowa mieszkaniowa jednorodzinna, usługi, produkcja rolna, drogi",
    "SU": "usługi, w tym usługi publiczne (oświata, zdrowie, sport), zieleń urządzona, drogi",
    "SH": "handel wielkopowierzchniowy o powierzchni sprzedaży powyżej 2000 m², usługi, "
    "parkingi, drogi",
    "SP": "produkcja, składy i magazyny, usługi, instalacje odnawialnych źródeł energii, drogi",
    "SR": "produkcja rolnicza, zabudowa zagrodowa w istniejących siedliskach, lasy, wody, drogi",
    "SI": "infrastruktura techniczna (oczyszczalnia ścieków, ujęcie wody, stacja "
    "elektroenergetyczna), drogi",
    "SN": "zieleń urządzona, sport i rekreacja, wody, drogi",
    "SC": "cmentarz, zieleń urządzona, usługi towarzyszące (kaplica, dom pogrzebowy), drogi",
    "SG": "eksploatacja złóż kopalin (kruszywa naturalne), rekultywacja, drogi technologiczne",
    "SO": "lasy, wody, zieleń naturalna, łąki, bez zabudowy",
    "SK": "drogi publiczne i urządzenia obsługi komunikacji",
}
SETTLEMENT = {"suburban": "SJ", "village": "SZ", "estate": "SW", "industrial": "SP"}
# Small zones placed by hand: (type, precinct code, offset from its core, size), metres.
SPECIAL = (
    ("SC", 3, (-300, 650), (160, 120)),  # a cemetery at Grębocin
    ("SC", 4, (380, -250), (120, 100)),  # and one at Gronowo
    ("SI", 9, (700, -350), (220, 160)),  # a sewage treatment plant by the Drwęca
    ("SU", 10, (-150, 420), (320, 240)),  # the school and sports centre of Lubicz Górny
    ("SH", 6, (-700, -520), (520, 300)),  # a retail park near Toruń, on the main road
    ("SN", 9, (-380, 380), (300, 220)),  # a park in Lubicz Dolny
    ("SG", 15, (600, 900), (700, 450)),  # a gravel pit north of Rogowo
)
SLIVER = 2_500.0  # m²: smaller pieces join the zone they share most border with


def general_plan(cadastre: Cadastre) -> PlanData:
    outline = cadastre.outline
    remaining = outline
    painted: list[tuple[str, BaseGeometry]] = []

    def paint(kind: str, shape: BaseGeometry) -> None:
        nonlocal remaining
        part = shapely.intersection(shape, remaining)
        if part.area > 0:
            painted.append((kind, part))
            remaining = shapely.difference(remaining, part)

    cores = {p.spec.code: p.spec.seed for p in cadastre.precincts}
    for kind, code, (dx, dy), (w, h) in SPECIAL:
        x, y = cores[code][0] + dx, cores[code][1] + dy
        paint(kind, shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    paint("SK", cadastre.main_road.buffer(10, join_style="mitre"))
    forests = []
    settlements: dict[str, list[BaseGeometry]] = {}
    for precinct in cadastre.precincts:
        frame = precinct.layout.frame
        for sb in precinct.layout.superblocks:
            if sb.profile == "forest":
                forests.append(frame.rect(sb.x, sb.y).buffer(12, join_style="mitre"))
            elif sb.profile == "village":
                for ys in ((sb.y[0], sb.y[0] + 95), (sb.y[1] - 95, sb.y[1])):
                    settlements.setdefault("SZ", []).append(
                        frame.rect(sb.x, ys).buffer(12, join_style="mitre")
                    )
            elif sb.profile in SETTLEMENT:
                settlements.setdefault(SETTLEMENT[sb.profile], []).append(
                    frame.rect(sb.x, sb.y).buffer(12, join_style="mitre")
                )
    paint("SO", shapely.union_all([cadastre.rivers.buffer(60), *forests]))
    for kind in ("SW", "SP", "SJ", "SZ"):
        if settlements.get(kind):
            paint(kind, shapely.union_all(settlements[kind]))
    painted.append(("SR", remaining))
    zones = _zones(painted, rng_for(cadastre.unit.slug, "pog"))
    return PlanData(
        kind="general",
        slug="plan-ogolny",
        app_id="PL.ZIPPZP.9002/041504-POG",
        title="Plan ogólny Gminy Lubicz (dane demonstracyjne)",
        resolution="Uchwała nr LI/398/2026 Rady Gminy Lubicz z dnia 25 czerwca 2026 r.",
        adopted_on=datetime.date(2026, 6, 25),
        zones=zones,
    )


def _zones(painted: list[tuple[str, BaseGeometry]], rng: random.Random) -> list[ZoneData]:
    """One zone per connected piece; slivers join the neighbour they share most border with."""
    kinds: list[str] = []
    shapes: list[BaseGeometry] = []
    small: list[BaseGeometry] = []
    for kind, shape in painted:
        for part in shapely.get_parts(shape):
            if part.geom_type != "Polygon" or part.area == 0:
                continue
            if part.area < SLIVER:
                small.append(part)
            else:
                kinds.append(kind)
                shapes.append(part)
    tree = shapely.STRtree(shapes)
    grown = list(shapes)
    for piece in small:
        best, length = None, 0.0
        for index in tree.query(piece, predicate="intersects"):
            shared = shapely.intersection(piece.boundary, shapes[index].boundary).length
            if shared > length:
                best, length = int(index), shared
        if best is not None:
            grown[best] = shapely.union(grown[best], piece)
    merged = sorted(
        zip(kinds, grown, strict=True),
        key=lambda p: (-round(p[1].centroid.y, -2), p[1].centroid.x),
    )
    counters: dict[str, int] = {}
    zones = []
    for kind, geometry in merged:
        counters[kind] = counters.get(kind, 0) + 1
        symbol = f"{counters[kind]}{kind}"
        intensity, height, cover, bio = GENERAL_PARAMETERS[kind]
        text = (
            f"{symbol} {DASH} {GENERAL_TYPES[kind]}.\n1. Profil funkcjonalny strefy: "
            f"{GENERAL_PROFILES[kind]}.\n2. Maksymalna nadziemna intensywność zabudowy: "
            f"{intensity:g}.\n3. Maksymalna wysokość zabudowy: {height} m.\n"
            f"4. Maksymalny udział powierzchni zabudowy: {cover} %.\n5. Minimalny udział "
            f"powierzchni biologicznie czynnej: {bio} %.\n{DEMO_NOTE}"
        )
        if kind in ("SJ", "SZ", "SW") and rng.random() < 0.5:
            text += "\nStrefa obejmuje w części obszar uzupełnienia zabudowy."
        zones.append(
            ZoneData(
                symbol,
                kind,
                GENERAL_TYPES[kind],
                text,
                geometry,
                {
                    "max_intensity": intensity,
                    "max_height": height,
                    "max_coverage": cover,
                    "min_biological": bio,
                },
            )
        )
    return zones
