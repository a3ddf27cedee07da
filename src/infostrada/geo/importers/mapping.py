"""Features of a generic file mapped onto the cadastre or a plan's zones.

A Shapefile/GeoPackage/GeoJSON of parcels (e.g. from a county's GIS) becomes
parcels when the operator names the field with the parcel identifier; a zone
layer of a local plan (the plan's drawing, not part of APP 1.0) becomes plan
zones through the fields for the symbol, the designation and the provisions.
The same checks as for EGiB apply (identifier form, the unit's TERC).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from infostrada.geo.identifiers import IdentifierError, parse_parcel_id
from infostrada.geo.importers.app import ZoneRecord
from infostrada.geo.importers.egib import CENT, MAX_AREA, ParcelRecord
from infostrada.geo.importers.report import WARNING, ImportRefused, ImportReport
from infostrada.geo.importers.scope import TercScope
from infostrada.geo.importers.vector import VectorContent
from infostrada.geo.importers.zones import local_designation, local_zone_type


@dataclass(frozen=True)
class ZoneMapping:
    """Which fields of a local plan's zone layer hold what (names are case-insensitive)."""

    symbol: str = "symbol"
    designation: str = "przeznaczenie"
    provisions: str = "ustalenia"


def _field(content: VectorContent, name: str) -> str | None:
    lowered = {f.lower(): f for f in content.fields}
    return lowered.get(name.strip().lower()) if name.strip() else None


def _text(properties: dict[str, Any], name: str | None) -> str:
    value = properties.get(name) if name else None
    return "" if value is None else str(value).strip()


def parcels_from_vector(
    content: VectorContent,
    *,
    scope: TercScope,
    report: ImportReport,
    area_field: str = "",
    address_field: str = "",
) -> list[ParcelRecord]:
    """Parcels from features whose identifier (the id field) is a parcel identifier."""
    area_name = _field(content, area_field)
    address_name = _field(content, address_field)
    for asked, found in ((area_field, area_name), (address_field, address_name)):
        if asked and found is None:
            report.note(_("The file has no field %(field)s; it was left out.") % {"field": asked})
    parcels = []
    seen: set[str] = set()
    for record in content.records:
        try:
            parcel_id = parse_parcel_id(record.fid)
        except IdentifierError:
            report.problem(
                "parcels",
                record.fid,
                "id_malformed",
                _(
                    "the identifier %(id)s does not follow the cadastre's form "
                    "WWPPGG_R.OOOO.NR (TERC, precinct, parcel number)"
                )
                % {"id": record.fid},
            )
            continue
        identifier = str(parcel_id)
        if not scope.accepts(parcel_id.gmina_terc):
            report.problem(
                "parcels",
                identifier,
                "other_unit",
                _("the object lies in another municipality (TERC %(terc)s), not in %(unit)s")
                % {"terc": parcel_id.gmina_terc, "unit": scope.unit_name},
            )
            continue
        if identifier in seen:  # "1/2" and " 1/2 " are the same parcel
            report.problem(
                "parcels",
                identifier,
                "id_duplicate",
                _("the identifier %(id)s appears more than once; the first object was kept")
                % {"id": identifier},
            )
            continue
        seen.add(identifier)
        area = None
        raw = _text(record.properties, area_name)
        if raw:
            try:
                area = Decimal(raw.replace(",", ".")).quantize(CENT)
                if not area.is_finite() or area < 0 or area >= MAX_AREA:
                    raise InvalidOperation
            except InvalidOperation:
                area = None
                report.problem(
                    "parcels",
                    identifier,
                    "area_malformed",
                    _("the area %(value)s is not a number of square metres; left out")
                    % {"value": raw[:40]},
                    WARNING,
                )
        parcels.append(
            ParcelRecord(
                id=parcel_id,
                geometry=record.geometry,
                area=area,
                land_register="",
                address_refs=[],
                gml_id="",
                lokalny_id="",
                address=_text(record.properties, address_name)[:300],
            )
        )
    return parcels


def zones_from_vector(
    content: VectorContent, *, mapping: ZoneMapping, report: ImportReport
) -> list[ZoneRecord]:
    """Zones of a local plan from its zone layer."""
    symbol_name = _field(content, mapping.symbol)
    if symbol_name is None:
        raise ImportRefused(
            "zone_field_missing",
            _(
                "The zone layer has no field %(field)s with the zone symbols; its fields are: "
                "%(fields)s. Name the right field and import again. Nothing was imported."
            ),
            {"field": mapping.symbol, "fields": ", ".join(content.fields) or "-"},
        )
    designation_name = _field(content, mapping.designation)
    provisions_name = _field(content, mapping.provisions)
    for asked, found in (
        (mapping.designation, designation_name),
        (mapping.provisions, provisions_name),
    ):
        if asked and found is None:
            report.note(
                _("The zone layer has no field %(field)s; it was left out.") % {"field": asked}
            )
    zones = []
    for record in content.records:
        symbol = _text(record.properties, symbol_name)
        if not symbol:
            report.problem(
                "zones",
                record.fid,
                "symbol_missing",
                _("the zone has no symbol (field %(field)s)") % {"field": symbol_name},
            )
            continue
        zone_type = local_zone_type(symbol)
        designation = _text(record.properties, designation_name) or local_designation(zone_type)
        zones.append(
            ZoneRecord(
                fid=record.fid,
                namespace_id="",
                local_id="",
                plan_ref="",
                symbol=symbol[:40],
                zone_type=zone_type,
                designation=(designation or symbol)[:300],
                provisions=_text(record.properties, provisions_name)[:50_000],
                geometry=record.geometry,
            )
        )
    return zones
