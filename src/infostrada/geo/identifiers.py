"""Identifiers of the cadastre (EGiB): parcels and precincts.

Rozporządzenie Ministra Rozwoju, Pracy i Technologii z dnia 27 lipca 2021 r. w
sprawie ewidencji gruntów i budynków (Dz.U. 2021 poz. 1390), § 25 and annex 1:
a parcel's identifier is ``WWPPGG_R.XXXX.NDZ`` — the TERC code of the gmina
(or of its town/rural part) with an underscore before the type digit, the
4-digit number of the cadastral precinct (obręb), and the parcel's number;
where the precinct is split into map sheets, ``.AR_N`` (the sheet number)
comes before the parcel number. A parcel number is a natural number or a
fraction of two (``123`` or ``123/4``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infostrada.tenancy.teryt import TercError, parse_terc

_PARCEL = re.compile(
    r"^(?P<terc>\d{6}_\d)\.(?P<precinct>\d{4})(?:\.AR_(?P<sheet>\d{1,4}))?\.(?P<number>\d{1,6}(?:/\d{1,6})?)$"
)
_NUMBER = re.compile(r"^\d{1,6}(?:/\d{1,6})?$")


class IdentifierError(ValueError):
    """A parcel or precinct identifier that does not follow the cadastre's rules."""


@dataclass(frozen=True)
class ParcelId:
    terc: str  # WWPPGG_R
    precinct: str  # OOOO
    number: str  # 123/4
    sheet: str | None = None

    def __str__(self) -> str:
        sheet = f".AR_{self.sheet}" if self.sheet else ""
        return f"{self.terc}.{self.precinct}{sheet}.{self.number}"

    @property
    def gmina_terc(self) -> str:
        """The 7-digit TERC of the gmina (or its part) without the underscore."""
        return self.terc.replace("_", "")

    @property
    def precinct_id(self) -> str:
        return f"{self.terc}.{self.precinct}"


def parse_parcel_id(value: str) -> ParcelId:
    text = (value or "").strip()
    match = _PARCEL.match(text)
    if match is None:
        raise IdentifierError(text)
    terc = match["terc"]
    try:
        parse_terc(terc.replace("_", ""), allow_parts=True)
    except TercError as exc:
        raise IdentifierError(text) from exc
    number = match["number"]
    if number.startswith("0") or "/0" in number:
        raise IdentifierError(text)
    return ParcelId(terc=terc, precinct=match["precinct"], number=number, sheet=match["sheet"])


def valid_parcel_number(value: str) -> bool:
    text = value.strip()
    return bool(_NUMBER.match(text)) and not text.startswith("0") and "/0" not in text


def precinct_id(terc: str, code: str) -> str:
    """``WWPPGG_R.OOOO`` from a 7-digit TERC and a precinct number."""
    terc = terc.replace("_", "")
    if not re.fullmatch(r"\d{7}", terc) or not re.fullmatch(r"\d{1,4}", code):
        raise IdentifierError(f"{terc}.{code}")
    return f"{terc[:6]}_{terc[6]}.{int(code):04d}"
