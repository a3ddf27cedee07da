"""Writing checked records: layers, features, parcels, precincts (inside the import's transaction).

Features are stored with ``geo.services.store_features`` by identifier, so a
re-import updates what changed and leaves the rest; ``Parcel`` and
``Precinct`` rows are kept in step by their identifier and point at their
feature. Everything they state is also in the feature's properties, so a
feature that is unchanged has an unchanged row too, and the counts of
``store_features`` are the counts of the import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from infostrada.audit.context import Actor
from infostrada.geo.importers.egib import BuildingRecord, ParcelRecord, PrecinctRecord
from infostrada.geo.importers.report import ImportRefused, ImportReport
from infostrada.geo.importers.vector import VectorRecord
from infostrada.geo.importers.zones import BUILDING_STYLE, PARCEL_STYLE, PRECINCT_STYLE
from infostrada.geo.models import Layer, Parcel, Precinct
from infostrada.geo.services import BATCH, StoreReport, create_layer, store_features
from infostrada.tenancy.models import Unit

# Layer titles are data shown to residents (in Polish, like the register itself).
PARCEL_SCHEMA: Final = [
    {"name": "idDzialki", "type": "string", "title": "Identyfikator działki"},
    {"name": "obreb", "type": "string", "title": "Obręb"},
    {"name": "numer", "type": "string", "title": "Numer działki"},
    {"name": "numerKW", "type": "string", "title": "Numer księgi wieczystej"},
    {"name": "poleEwidencyjne", "type": "number", "title": "Pole ewidencyjne [m²]"},
    {"name": "adres", "type": "string", "title": "Adres"},
]
PRECINCT_SCHEMA: Final = [
    {"name": "idObrebu", "type": "string", "title": "Identyfikator obrębu"},
    {"name": "nazwa", "type": "string", "title": "Nazwa obrębu"},
]
BUILDING_SCHEMA: Final = [
    {"name": "idBudynku", "type": "string", "title": "Identyfikator budynku"},
    {"name": "rodzajWgKST", "type": "string", "title": "Rodzaj według KŚT"},
    {"name": "liczbaKondygnacjiNadziemnych", "type": "integer", "title": "Kondygnacje nadziemne"},
    {"name": "liczbaKondygnacjiPodziemnych", "type": "integer", "title": "Kondygnacje podziemne"},
]
EGIB_ATTRIBUTION: Final = "Ewidencja gruntów i budynków"


def ensure_layer(
    *,
    actor: Actor,
    unit: Unit,
    report: ImportReport,
    slug: str,
    title: str,
    kind: str,
    schema: list[dict[str, str]] | None = None,
    style: dict[str, Any] | None = None,
    attribution: str = "",
) -> Layer:
    """The unit's layer ``slug``, created when missing; refused if it holds something else."""
    layer = Layer.objects.for_unit(unit).filter(slug=slug).first()
    if layer is None:
        try:
            layer = create_layer(
                actor=actor,
                unit=unit,
                slug=slug,
                title=title[:200],
                kind=kind,
                schema=schema,
                style=style,
                attribution=attribution,
            )
        except ValidationError as exc:
            raise ImportRefused(
                "layer_invalid",
                _("The layer %(slug)s cannot be created: %(reason)s"),
                {"slug": slug, "reason": " ".join(exc.messages)},
            ) from None
    elif layer.kind != kind:
        raise ImportRefused(
            "layer_kind",
            _(
                "The layer %(slug)s already exists and holds %(kind)s, not %(wanted)s. Choose "
                "another layer identifier. Nothing was imported."
            ),
            {
                "slug": slug,
                "kind": layer.get_kind_display(),
                "wanted": Layer.Kind(kind).label,
            },
        )
    elif schema is not None:
        names = {f["name"] for f in layer.schema or []}
        merged = [*(layer.schema or []), *(f for f in schema if f["name"] not in names)]
        if merged != layer.schema:
            layer.schema = merged
            layer.save(update_fields=["schema", "updated_at"])
    report.used_layer(slug)
    return layer


def _store(
    layer: Layer,
    rows: Iterable[tuple[str, dict[str, Any], BaseGeometry]],
    report: ImportReport,
    section: str,
    *,
    replace: bool = False,
) -> StoreReport:
    result = store_features(layer, rows, replace=replace)
    counts = report.section(section)
    counts.created += result.created
    counts.updated += result.updated
    counts.unchanged += result.unchanged
    counts.deleted += result.deleted
    return result


def write_parcels(
    *,
    actor: Actor,
    unit: Unit,
    parcels: Sequence[ParcelRecord],
    report: ImportReport,
    replace: bool = False,
) -> None:
    """The parcels' features and rows; with ``replace`` the layer's other parcels are removed
    (their ``Parcel`` rows go with their features)."""
    if not parcels:
        return
    layer = ensure_layer(
        actor=actor,
        unit=unit,
        report=report,
        slug="dzialki",
        title="Działki ewidencyjne",
        kind=Layer.Kind.PARCELS,
        schema=PARCEL_SCHEMA,
        style=PARCEL_STYLE,
        attribution=EGIB_ATTRIBUTION,
    )
    result = _store(
        layer,
        ((p.identifier, p.properties(), p.geometry) for p in parcels),
        report,
        "parcels",
        replace=replace,
    )
    existing = _existing(Parcel, unit, [p.identifier for p in parcels])
    new: list[Parcel] = []
    changed: list[Parcel] = []
    fields = ["feature_id", "precinct", "number", "area", "address"]
    for parcel in parcels:
        values = {
            "feature_id": result.feature_ids[parcel.identifier],
            "precinct": parcel.id.precinct_id,
            "number": parcel.id.number,
            "area": parcel.area,
            "address": parcel.address,
        }
        row = existing.get(parcel.identifier)
        if row is None:
            new.append(Parcel(unit=unit, identifier=parcel.identifier, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    Parcel.objects.bulk_create(new, batch_size=BATCH)
    Parcel.objects.for_unit(unit).bulk_update(changed, fields, batch_size=BATCH)


def write_precincts(
    *, actor: Actor, unit: Unit, precincts: Sequence[PrecinctRecord], report: ImportReport
) -> None:
    if not precincts:
        return
    layer = ensure_layer(
        actor=actor,
        unit=unit,
        report=report,
        slug="obreby",
        title="Obręby ewidencyjne",
        kind=Layer.Kind.PRECINCTS,
        schema=PRECINCT_SCHEMA,
        style=PRECINCT_STYLE,
        attribution=EGIB_ATTRIBUTION,
    )
    result = _store(
        layer,
        ((p.identifier, p.properties(), p.geometry) for p in precincts),
        report,
        "precincts",
    )
    existing = _existing(Precinct, unit, [p.identifier for p in precincts])
    new: list[Precinct] = []
    changed: list[Precinct] = []
    for precinct in precincts:
        feature_id = result.feature_ids[precinct.identifier]
        row = existing.get(precinct.identifier)
        if row is None:
            new.append(
                Precinct(
                    unit=unit,
                    identifier=precinct.identifier,
                    name=precinct.name,
                    feature_id=feature_id,
                )
            )
        elif row.name != precinct.name or row.feature_id != feature_id:
            row.name, row.feature_id = precinct.name, feature_id
            changed.append(row)
    Precinct.objects.bulk_create(new, batch_size=BATCH)
    Precinct.objects.for_unit(unit).bulk_update(changed, ["name", "feature_id"], batch_size=BATCH)


def write_buildings(
    *, actor: Actor, unit: Unit, buildings: Sequence[BuildingRecord], report: ImportReport
) -> None:
    if not buildings:
        return
    layer = ensure_layer(
        actor=actor,
        unit=unit,
        report=report,
        slug="budynki",
        title="Budynki",
        kind=Layer.Kind.BUILDINGS,
        schema=BUILDING_SCHEMA,
        style=BUILDING_STYLE,
        attribution=EGIB_ATTRIBUTION,
    )
    rows = ((b.identifier, b.properties, b.geometry) for b in buildings)
    _store(layer, rows, report, "buildings")


def write_features(
    *,
    actor: Actor,
    unit: Unit,
    report: ImportReport,
    slug: str,
    title: str,
    schema: list[dict[str, str]],
    records: Sequence[VectorRecord],
    replace: bool = False,
) -> None:
    """A generic layer (kind other): the file's attributes as they are; with ``replace``
    the layer's features that the file does not have are removed."""
    layer = ensure_layer(
        actor=actor,
        unit=unit,
        report=report,
        slug=slug,
        title=title,
        kind=Layer.Kind.OTHER,
        schema=schema,
    )
    _store(
        layer,
        ((r.fid, r.properties, r.geometry) for r in records),
        report,
        "features",
        replace=replace,
    )


def _existing(model: type[Parcel] | type[Precinct], unit: Unit, identifiers: list[str]) -> dict:
    found = {}
    for start in range(0, len(identifiers), BATCH):
        chunk = identifiers[start : start + BATCH]
        for row in model.objects.for_unit(unit).filter(identifier__in=chunk):
            found[row.identifier] = row
    return found
