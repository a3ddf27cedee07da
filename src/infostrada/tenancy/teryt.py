"""TERC codes of the national official register TERYT (kept by GUS).

A TERC code identifies a territorial unit: ``WW`` (województwo, an even number
02..32), ``WWPP`` (powiat; 61 and above are cities with powiat rights) or
``WWPPGGR`` (gmina, where ``R`` is the type digit). Source of the rules:
Rozporządzenie Rady Ministrów z dnia 15 grudnia 1998 r. w sprawie szczegółowych
zasad prowadzenia, stosowania i udostępniania krajowego rejestru urzędowego
podziału terytorialnego kraju (Dz.U. 1998 nr 157 poz. 1031, as amended),
and the GUS description of the TERC file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Kind:
    """Unit kinds (values as in the glossary)."""

    WOJEWODZTWO = "wojewodztwo"
    POWIAT = "powiat"
    CITY_WITH_POWIAT_RIGHTS = "miasto_na_prawach_powiatu"
    URBAN_GMINA = "gmina_miejska"
    RURAL_GMINA = "gmina_wiejska"
    URBAN_RURAL_GMINA = "gmina_miejsko_wiejska"
    PARTNER = "partner"

    CHOICES = [
        (WOJEWODZTWO, _("voivodeship")),
        (POWIAT, _("county")),
        (CITY_WITH_POWIAT_RIGHTS, _("city with county rights")),
        (URBAN_GMINA, _("urban municipality")),
        (RURAL_GMINA, _("rural municipality")),
        (URBAN_RURAL_GMINA, _("urban-rural municipality")),
        (PARTNER, _("partner institution")),
    ]
    GMINA_KINDS = frozenset({CITY_WITH_POWIAT_RIGHTS, URBAN_GMINA, RURAL_GMINA, URBAN_RURAL_GMINA})


# Type digit R of a gmina code -> kind. 4 (town of an urban-rural gmina),
# 5 (its rural area), 8 (district of Warsaw) and 9 (delegation of a city) are
# valid TERC codes but parts of a gmina, not local government units.
GMINA_TYPE_KINDS = {
    "1": Kind.URBAN_GMINA,
    "2": Kind.RURAL_GMINA,
    "3": Kind.URBAN_RURAL_GMINA,
}
PART_TYPE_DIGITS = frozenset("4589")
CITY_POWIAT_FROM = 61

_CODE = re.compile(r"^\d{2}(\d{2}(\d{3})?)?$")


class TercError(ValueError):
    """A TERC code that is malformed or does not name a local government unit."""


@dataclass(frozen=True)
class Terc:
    code: str

    @property
    def voivodeship(self) -> str:
        return self.code[:2]

    @property
    def powiat(self) -> str | None:
        return self.code[:4] if len(self.code) >= 4 else None

    @property
    def type_digit(self) -> str | None:
        return self.code[6] if len(self.code) == 7 else None

    @property
    def kind(self) -> str:
        if len(self.code) == 2:
            return Kind.WOJEWODZTWO
        city = int(self.code[2:4]) >= CITY_POWIAT_FROM
        if len(self.code) == 4:
            return Kind.CITY_WITH_POWIAT_RIGHTS if city else Kind.POWIAT
        if city and self.type_digit == "1":
            return Kind.CITY_WITH_POWIAT_RIGHTS
        return GMINA_TYPE_KINDS[self.type_digit or ""]

    @property
    def parent_code(self) -> str | None:
        """The code of the unit this one belongs to, or None for a województwo.

        A city with powiat rights is both a gmina and a powiat; it belongs
        directly to its województwo.
        """
        if len(self.code) == 2:
            return None
        if len(self.code) == 4 or self.kind == Kind.CITY_WITH_POWIAT_RIGHTS:
            return self.voivodeship
        return self.code[:4]


def parse_terc(value: str, *, allow_parts: bool = False) -> Terc:
    """Validate a TERC code of a unit (2, 4 or 7 digits) and return it.

    With ``allow_parts`` the codes of gmina parts (type digits 4, 5, 8, 9) are
    accepted too, as they appear in the GUS file.
    """
    code = (value or "").strip()
    if not _CODE.match(code):
        raise TercError(_("A TERC code has 2, 4 or 7 digits."))
    ww = int(code[:2])
    if ww < 2 or ww > 32 or ww % 2:
        raise TercError(_("The voivodeship part must be an even number from 02 to 32."))
    if len(code) >= 4 and code[2:4] == "00":
        raise TercError(_("The county part must not be 00."))
    if len(code) == 7:
        if code[4:6] == "00":
            raise TercError(_("The municipality part must not be 00."))
        digit = code[6]
        if digit not in GMINA_TYPE_KINDS and not (allow_parts and digit in PART_TYPE_DIGITS):
            if digit in PART_TYPE_DIGITS:
                raise TercError(
                    _("Type digit %(digit)s denotes a part of a municipality, not a unit.")
                    % {"digit": digit}
                )
            raise TercError(_("Unknown municipality type digit %(digit)s.") % {"digit": digit})
    return Terc(code)


# The Polish alphabet in its order (PN-ISO/IEC 8859-2 letters; q, v, x for loans).
_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}


def polish_sort_key(text: str) -> tuple[int, ...]:
    """Sort key putting names in Polish alphabetical order (Ś after S, Ż last).

    Code-point order puts "Świecki" after "Żniński"; the database's collation
    differs between SQLite and PostgreSQL and between servers. Lists of unit
    names are short (at most a few hundred), so they are sorted in Python.
    docs/decisions/0007-polish-collation.md says why not PyICU.
    """
    return tuple(_RANK.get(ch, 100 + ord(ch)) for ch in text.lower())


_POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def polish_slug(text: str) -> str:
    """A URL slug with Polish letters transliterated (Django's slugify drops ł)."""
    from django.utils.text import slugify

    return slugify(text.translate(_POLISH))
