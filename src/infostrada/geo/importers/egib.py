"""Reading the cadastre's GML exchange format (EGiB) into checked records.

Rozporządzenie Ministra Rozwoju, Pracy i Technologii z dnia 27 lipca 2021 r. w
sprawie ewidencji gruntów i budynków (Dz.U. 2021 poz. 1390), the annex with the
GML application schema (namespace
``urn:gugik:specyfikacje:gmlas:ewidencjaGruntowBudynkow:1.0``, GML 3.2). Read:

* ``EGB_DzialkaEwidencyjna`` — ``idDzialki`` (``WWPPGG_R.OOOO.NR``, checked with
  ``geo.identifiers.parse_parcel_id``), ``numerKW``, ``poleEwidencyjne`` (the
  register area in hectares, 4 decimals; older exports call it
  ``powierzchniaEwidencyjna``) stored in m², ``geometria``, and its addresses
  (``adresDzialki``, links to ``EGB_AdresNieruchomosci``; best effort);
* ``EGB_ObrebEwidencyjny`` — ``idObrebu`` (``WWPPGG_R.OOOO``), ``nazwaWlasna``,
  ``geometria``;
* ``EGB_Budynek`` — ``idBudynku``, ``rodzajWgKST``,
  ``liczbaKondygnacjiNadziemnych`` / ``Podziemnych``, ``geometria``, the parcels
  it stands on (``dzialkaZabudowana``);
* ``EGB_AdresNieruchomosci`` — ``nazwaMiejscowosci``, ``nazwaUlicy``,
  ``numerPorzadkowy``, ``numerLokalu``.

Exports may carry the history of objects: versions with ``koniecWersjaObiekt``
(or ``koniecObiekt``) set are archival and are counted, not imported. Every
other problem of one object (identifier, geometry, CRS, another unit's TERC)
skips that object with an entry in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Final

from django.utils.translation import gettext as _
from lxml import etree
from shapely.geometry.base import BaseGeometry

from infostrada.geo.identifiers import IdentifierError, ParcelId, parse_parcel_id
from infostrada.geo.importers.gml import XLINK_HREF, XLINK_TITLE, gml_id, href_key
from infostrada.geo.importers.gmlfile import (
    EGIB_NAMESPACES,
    GmlFileReader,
    child,
    iip,
    refs,
    text,
)
from infostrada.geo.importers.report import WARNING, ImportReport
from infostrada.geo.importers.scope import TercScope
from infostrada.tenancy.teryt import TercError, parse_terc

_PRECINCT: Final = re.compile(r"^(?P<terc>\d{6}_\d)\.\d{4}$")
_BUILDING: Final = re.compile(
    r"^(?P<terc>\d{6}_\d)\.\d{4}(?:\.AR_\d{1,4})?\.[0-9A-Za-z_./-]{1,40}$"
)
HECTARE: Final = Decimal(10_000)
CENT: Final = Decimal("0.01")
MAX_AREA: Final = Decimal("1e11")  # m²; the column holds 12 digits before the point


@dataclass
class ParcelRecord:
    id: ParcelId
    geometry: BaseGeometry  # EPSG:2180
    area: Decimal | None  # register area, m²
    land_register: str  # numer księgi wieczystej
    address_refs: list[str]
    gml_id: str
    lokalny_id: str
    address: str = ""

    @property
    def identifier(self) -> str:
        return str(self.id)

    def properties(self) -> dict[str, Any]:
        return {
            "idDzialki": self.identifier,
            "obreb": self.id.precinct_id,
            "numer": self.id.number,
            "numerKW": self.land_register,
            "poleEwidencyjne": float(self.area) if self.area is not None else None,
            "adres": self.address,
        }


@dataclass
class PrecinctRecord:
    identifier: str
    name: str
    geometry: BaseGeometry

    def properties(self) -> dict[str, Any]:
        return {"idObrebu": self.identifier, "nazwa": self.name}


@dataclass
class BuildingRecord:
    identifier: str
    geometry: BaseGeometry
    properties: dict[str, Any]
    parcel_refs: list[str] = field(default_factory=list)


@dataclass
class EgibContent:
    parcels: list[ParcelRecord] = field(default_factory=list)
    precincts: list[PrecinctRecord] = field(default_factory=list)
    buildings: list[BuildingRecord] = field(default_factory=list)


def _terc(prefix: str) -> str | None:
    """``041504_2`` → ``0415042`` when it is a valid TERC (gmina parts included)."""
    code = prefix.replace("_", "")
    try:
        parse_terc(code, allow_parts=True)
    except TercError:
        return None
    return code


class EgibReader(GmlFileReader):
    namespaces: ClassVar[frozenset[str]] = EGIB_NAMESPACES
    schema_name: ClassVar[str] = "EGiB"

    def __init__(
        self, report: ImportReport, *, scope: TercScope, default_crs: str | None = None
    ) -> None:
        super().__init__(report, default_crs=default_crs)
        self.scope = scope
        self.content = EgibContent()
        self.addresses: dict[str, str] = {}
        self._parcel_ids: set[str] = set()
        self._precinct_ids: set[str] = set()
        self._building_ids: set[str] = set()

    def handlers(self):  # type: ignore[no-untyped-def]
        return {
            "EGB_DzialkaEwidencyjna": self.parcel,
            "EGB_ObrebEwidencyjny": self.precinct,
            "EGB_Budynek": self.building,
            "EGB_AdresNieruchomosci": self.address,
        }

    # --- common checks --------------------------------------------------------------

    def _archival(self, element: etree._Element, section: str) -> bool:
        if text(element, "koniecWersjaObiekt") or text(element, "koniecObiekt"):
            self.report.section(section).historical += 1
            return True
        return False

    def _identifier(
        self,
        element: etree._Element,
        section: str,
        prop: str,
        pattern: re.Pattern[str],
        seen: set[str],
        shape: str,
    ) -> str | None:
        """The object's identifier when present, well-formed, the unit's and not repeated."""
        counts = self.report.section(section)
        value = text(element, prop)
        label = value or gml_id(element) or f"#{counts.read}"
        if not value:
            self.report.problem(
                section,
                label,
                "id_missing",
                _("the object has no identifier (%(prop)s)") % {"prop": prop},
            )
            return None
        match = pattern.match(value)
        terc = _terc(match["terc"]) if match else None
        if terc is None:
            self.report.problem(
                section,
                value,
                "id_malformed",
                _("the identifier %(id)s does not have the form %(shape)s")
                % {"id": value, "shape": shape},
            )
            return None
        return self._own_and_new(section, value, terc, seen)

    def _own_and_new(self, section: str, value: str, terc: str, seen: set[str]) -> str | None:
        if not self.scope.accepts(terc):
            self.report.problem(
                section,
                value,
                "other_unit",
                _("the object lies in another municipality (TERC %(terc)s), not in %(unit)s")
                % {"terc": terc, "unit": self.scope.unit_name},
            )
            return None
        if value in seen:
            self.report.problem(
                section,
                value,
                "id_duplicate",
                _("the identifier %(id)s appears more than once; the first object was kept")
                % {"id": value},
            )
            return None
        return value

    # --- objects --------------------------------------------------------------------

    def parcel(self, element: etree._Element) -> None:
        section = "parcels"
        counts = self.report.section(section)
        counts.read += 1
        if self._archival(element, section):
            return
        value = text(element, "idDzialki")
        if not value:
            label = gml_id(element) or f"#{counts.read}"
            self.report.problem(
                section, label, "id_missing", _("the parcel has no identifier (idDzialki)")
            )
            return
        try:
            parcel_id = parse_parcel_id(value)
        except IdentifierError:
            self.report.problem(
                section,
                value,
                "id_malformed",
                _(
                    "the identifier %(id)s does not follow the cadastre's form "
                    "WWPPGG_R.OOOO.NR (TERC, precinct, parcel number)"
                )
                % {"id": value},
            )
            return
        identifier = str(parcel_id)
        if self._own_and_new(section, identifier, parcel_id.gmina_terc, self._parcel_ids) is None:
            return
        geometry = self.geometry(element, "geometria", section, identifier)
        if geometry is None:
            return
        self._parcel_ids.add(identifier)
        address_refs = refs(element, "adresDzialki") + refs(element, "adresNieruchomosci")
        self.content.parcels.append(
            ParcelRecord(
                id=parcel_id,
                geometry=geometry,
                area=self._area(element, identifier),
                land_register=text(element, "numerKW")[:40],
                address_refs=address_refs,
                gml_id=gml_id(element),
                lokalny_id=iip(element)[1],
            )
        )

    def _area(self, element: etree._Element, identifier: str) -> Decimal | None:
        node = child(element, "poleEwidencyjne")
        if node is None:
            node = child(element, "powierzchniaEwidencyjna")
        if node is None or not (node.text or "").strip():
            return None
        raw = (node.text or "").strip()
        unit = (node.get("uom") or "ha").strip().lower()
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            value = None
        factor = HECTARE if unit == "ha" else Decimal(1) if unit in ("m2", "m^2", "m²") else None
        if value is None or not value.is_finite() or value < 0 or factor is None:
            self.report.problem(
                "parcels",
                identifier,
                "area_malformed",
                _(
                    "the register area %(value)s %(unit)s is not a number of hectares; the "
                    "parcel was imported without it"
                )
                % {"value": raw, "unit": unit},
                WARNING,
            )
            return None
        area = (value * factor).quantize(CENT)
        return area if area < MAX_AREA else None

    def precinct(self, element: etree._Element) -> None:
        section = "precincts"
        self.report.section(section).read += 1
        if self._archival(element, section):
            return
        identifier = self._identifier(
            element, section, "idObrebu", _PRECINCT, self._precinct_ids, "WWPPGG_R.OOOO"
        )
        if identifier is None:
            return
        geometry = self.geometry(element, "geometria", section, identifier)
        if geometry is None:
            return
        self._precinct_ids.add(identifier)
        name = text(element, "nazwaWlasna") or identifier.rsplit(".", 1)[-1]
        self.content.precincts.append(PrecinctRecord(identifier, name[:200], geometry))

    def building(self, element: etree._Element) -> None:
        section = "buildings"
        self.report.section(section).read += 1
        if self._archival(element, section):
            return
        identifier = self._identifier(
            element,
            section,
            "idBudynku",
            _BUILDING,
            self._building_ids,
            "WWPPGG_R.OOOO.NR.NB",
        )
        if identifier is None:
            return
        geometry = self.geometry(element, "geometria", section, identifier)
        if geometry is None:
            return
        self._building_ids.add(identifier)
        kind_node = child(element, "rodzajWgKST")
        kind = ""
        if kind_node is not None:
            kind = (
                (kind_node.text or "").strip()
                or (kind_node.get(XLINK_TITLE) or "").strip()
                or href_key(kind_node.get(XLINK_HREF)).rsplit("/", 1)[-1]
            )
        properties: dict[str, Any] = {"idBudynku": identifier, "rodzajWgKST": kind[:100]}
        for prop in ("liczbaKondygnacjiNadziemnych", "liczbaKondygnacjiPodziemnych"):
            raw = text(element, prop)
            if not raw:
                continue
            try:
                properties[prop] = int(raw)
            except ValueError:
                self.report.problem(
                    section,
                    identifier,
                    "attribute_malformed",
                    _("%(prop)s is %(value)s, not a whole number; left out")
                    % {"prop": prop, "value": raw[:40]},
                    WARNING,
                )
        self.content.buildings.append(
            BuildingRecord(
                identifier, geometry, properties, parcel_refs=refs(element, "dzialkaZabudowana")
            )
        )

    def address(self, element: etree._Element) -> None:
        place = text(element, "nazwaMiejscowosci") or text(element, "miejscowosc")
        street = text(element, "nazwaUlicy") or text(element, "ulica")
        number = text(element, "numerPorzadkowy")
        flat = text(element, "numerLokalu")
        if flat and number:
            number = f"{number}/{flat}"
        if street:
            line = f"{street} {number}".strip() + (f", {place}" if place else "")
        else:
            line = f"{place} {number}".strip()
        if not line:
            return
        for key in (gml_id(element), iip(element)[1]):
            if key:
                self.addresses[key] = line

    # --- after the whole file --------------------------------------------------------

    def finish(self) -> None:
        super().finish()
        self._link_addresses()
        self._link_buildings()

    def _link_addresses(self) -> None:
        linked = [p for p in self.content.parcels if p.address_refs]
        if linked and not self.addresses:
            self.report.note(
                _(
                    "Parcels refer to addresses (EGB_AdresNieruchomosci) that the file does "
                    "not contain; the parcels were imported without addresses."
                )
            )
            return
        for parcel in linked:
            lines = []
            for ref in parcel.address_refs:
                line = self.addresses.get(ref) or self.addresses.get(ref.rsplit(":", 1)[-1])
                if line is None:
                    self.report.problem(
                        "parcels",
                        parcel.identifier,
                        "address_missing",
                        _("the address %(ref)s is not in the file; left out") % {"ref": ref},
                        WARNING,
                    )
                elif line not in lines:
                    lines.append(line)
            parcel.address = "; ".join(lines)[:300]

    def _link_buildings(self) -> None:
        by_ref: dict[str, str] = {}
        for parcel in self.content.parcels:
            for key in (parcel.gml_id, parcel.lokalny_id):
                if key:
                    by_ref[key] = parcel.identifier
        for building in self.content.buildings:
            parcels = [by_ref[r] for r in building.parcel_refs if r in by_ref]
            if parcels:
                building.properties["dzialki"] = parcels
