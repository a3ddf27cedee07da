"""Which cadastral identifiers belong to the importing unit (by their TERC part).

A parcel, precinct or building identifier starts with the TERC code of its
gmina (``WWPPGG_R``). A gmina imports its own: the same code, and for an
urban-rural gmina (type 3) also its town (4) and rural area (5); a city with
county rights also its districts and delegations (8, 9: Warsaw, Kraków, Łódź,
Poznań, Wrocław). A powiat (the starosta keeps the cadastre) imports those of
its gminy as registered in the platform, or of its TERC prefix when none are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from infostrada.geo.importers.report import ImportRefused
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import Kind


def _gmina_accepts(code: str, kind: str) -> Callable[[str], bool]:
    def accepts(terc: str) -> bool:
        if terc == code:
            return True
        if terc[:6] == code[:6] and code[6] == "3" and terc[6] in "45":
            return True
        return kind == Kind.CITY_WITH_POWIAT_RIGHTS and terc[:4] == code[:4] and terc[6] in "89"

    return accepts


@dataclass(frozen=True)
class TercScope:
    """Tells whether a 7-digit TERC (``0415042``) is one of the unit's."""

    unit_name: str
    rules: tuple[Callable[[str], bool], ...]

    def accepts(self, terc: str) -> bool:
        return any(rule(terc) for rule in self.rules)


def terc_scope(unit: Unit) -> TercScope:
    code = unit.teryt or ""
    if not code:
        raise ImportRefused(
            "unit_without_terc",
            _(
                "%(unit)s has no TERC code, so cadastral data (identified by TERC) cannot "
                "be imported into it."
            ),
            {"unit": unit.official_name},
        )
    if len(code) == 7:
        return TercScope(unit.official_name, (_gmina_accepts(code, unit.kind),))
    if len(code) == 4:
        gminy = list(Unit.objects.gminy_of(unit).values_list("teryt", "kind"))
        if gminy:
            return TercScope(unit.official_name, tuple(_gmina_accepts(t, k) for t, k in gminy if t))
    return TercScope(unit.official_name, (lambda terc: terc.startswith(code),))
