"""Zone types of planning acts and the map styles of their layers.

General plan (plan ogólny gminy): the thirteen kinds of planning zone listed in
art. 13c ust. 1 of the Act of 27 March 2003 on spatial planning and development
(ustawa o planowaniu i zagospodarowaniu przestrzennym), added by the Act of
7 July 2023 (Dz.U. 2023 poz. 1688). The two-letter symbols are those of the
regulation on the draft general plan (rozporządzenie Ministra Rozwoju i
Technologii w sprawie projektu planu ogólnego gminy, 2023, annex on the
drawing) and of the APP 2.0 code list ``RodzajStrefyPlanistycznejKod``, whose
values are the names in camelCase (``strefaWielofunkcyjnaZZabudowaMieszkaniowaJednorodzinna``).
The colours here are ours, chosen to be told apart on the map; they are not
the regulation's print colours.

Local plans (MPZP): the usual basic symbols of land designation (MN, MW, U,
P, R, ZL, ZP, KD, ...) for a plan's zones, used for colours only; a zone's
own designation always comes from the data.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

# symbol: (statutory name, fill colour)
GENERAL_PLAN_ZONES: Final[dict[str, tuple[str, str]]] = {
    "SW": ("strefa wielofunkcyjna z zabudową mieszkaniową wielorodzinną", "#b3472d"),
    "SJ": ("strefa wielofunkcyjna z zabudową mieszkaniową jednorodzinną", "#f0a35e"),
    "SZ": ("strefa wielofunkcyjna z zabudową zagrodową", "#d9b86c"),
    "SU": ("strefa usługowa", "#d7263d"),
    "SH": ("strefa handlu wielkopowierzchniowego", "#8e1b4d"),
    "SP": ("strefa gospodarcza", "#7b6aa8"),
    "SR": ("strefa produkcji rolniczej", "#c9c46a"),
    "SI": ("strefa infrastrukturalna", "#8c8c8c"),
    "SN": ("strefa zieleni i rekreacji", "#5fb35f"),
    "SC": ("strefa cmentarzy", "#3f6e4a"),
    "SG": ("strefa górnictwa", "#6b4f3a"),
    "SO": ("strefa otwarta", "#cfe8b0"),
    "SK": ("strefa komunikacyjna", "#bdbdbd"),
}

# basic symbol: (designation, fill colour) — the common MPZP symbols
LOCAL_PLAN_ZONES: Final[dict[str, tuple[str, str]]] = {
    "MN": ("teren zabudowy mieszkaniowej jednorodzinnej", "#f6c85f"),
    "MW": ("teren zabudowy mieszkaniowej wielorodzinnej", "#c1752c"),
    "MU": ("teren zabudowy mieszkaniowo-usługowej", "#e39c4a"),
    "RM": ("teren zabudowy zagrodowej", "#d9b86c"),
    "U": ("teren zabudowy usługowej", "#d7263d"),
    "P": ("teren zabudowy produkcyjnej, składów i magazynów", "#7b6aa8"),
    "R": ("teren rolniczy", "#f1eeb0"),
    "ZL": ("teren lasu", "#2e7d32"),
    "ZP": ("teren zieleni urządzonej", "#66bb6a"),
    "ZC": ("teren cmentarza", "#3f6e4a"),
    "ZD": ("teren ogrodów działkowych", "#9ccc65"),
    "ZN": ("teren zieleni naturalnej", "#a5d6a7"),
    "WS": ("teren wód powierzchniowych", "#4fc3f7"),
    "W": ("teren wód powierzchniowych", "#4fc3f7"),
    "KD": ("teren drogi publicznej", "#bdbdbd"),
    "KDW": ("teren drogi wewnętrznej", "#d6d6d6"),
    "KK": ("teren kolei", "#9e9e9e"),
    "K": ("teren komunikacji", "#bdbdbd"),
    "E": ("teren infrastruktury technicznej - elektroenergetyka", "#8c8c8c"),
    "I": ("teren infrastruktury technicznej", "#8c8c8c"),
}

_POLISH: Final = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def normalize(text: str) -> str:
    """Letters only, lower case, without diacritics: names and camelCase codes compare equal."""
    plain = unicodedata.normalize("NFKD", (text or "").translate(_POLISH))
    return re.sub(r"[^a-z]", "", plain.encode("ascii", "ignore").decode().lower())


_BY_NAME: Final = {normalize(name): symbol for symbol, (name, _c) in GENERAL_PLAN_ZONES.items()}


def general_zone_type(*candidates: str) -> str:
    """The symbol (``SJ``) of a general-plan zone from a code, name or symbol; '' if none."""
    for value in candidates:
        if not value:
            continue
        upper = value.strip().upper()
        if upper in GENERAL_PLAN_ZONES:
            return upper
        symbol = _BY_NAME.get(normalize(value))
        if symbol:
            return symbol
        # a zone's label such as "1SJ" or "SJ.12"
        letters = re.sub(r"[^A-Z]", "", upper)
        if letters in GENERAL_PLAN_ZONES:
            return letters
    return ""


def local_zone_type(symbol: str) -> str:
    """The basic designation of an MPZP zone label: ``1MN`` → ``MN``, ``2MN/U`` → ``MN/U``."""
    text = (symbol or "").strip().upper()
    text = re.sub(r"^[\d.\s-]+", "", text)
    text = re.sub(r"[\d.\s-]+$", "", text)
    return text[:60]


def local_designation(zone_type: str) -> str:
    first = re.split(r"[/,]", zone_type)[0]
    return LOCAL_PLAN_ZONES.get(first, ("", ""))[0]


def _classes(table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    # longest symbols first: render.style_for takes the first class a value starts or
    # ends with, so "KDW" must be tried before "KD" and "K"
    ordered = sorted(table.items(), key=lambda item: (-len(item[0]), item[0]))
    return {symbol: {"fill": colour, "label": name} for symbol, (name, colour) in ordered}


def plan_style(kind: str) -> dict[str, Any]:
    """The style of a plan's zone layer: a class per zone type (``geo.render.style_for``)."""
    table = GENERAL_PLAN_ZONES if kind == "general" else LOCAL_PLAN_ZONES
    return {
        "fill": "#e0e0e0",
        "stroke": "#333333",
        "width": 1.0,
        "opacity": 0.55,
        "by": "zone_type",
        "classes": _classes(table),
    }


PARCEL_STYLE: Final = {"fill": "#fff4d6", "stroke": "#8a4b08", "width": 1.0, "opacity": 0.15}
PRECINCT_STYLE: Final = {"stroke": "#c62828", "width": 2.0, "opacity": 0.0}
BUILDING_STYLE: Final = {"fill": "#b5523b", "stroke": "#5a1f10", "width": 1.0, "opacity": 0.6}
BOUNDARY_STYLE: Final = {"stroke": "#6a1b9a", "width": 2.0, "opacity": 0.0}
