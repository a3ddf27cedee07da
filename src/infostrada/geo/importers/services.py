"""Importing spatial data into a unit: the three operations and their common frame.

Each operation checks the permission (``GEO_EDIT`` in the unit), reads and
validates the whole file first (outside any transaction: a large file must not
hold the database's write lock while it is parsed), refuses a file that cannot
be used, and then writes everything in one durable transaction together with
one audit entry. So an import either completes or leaves no trace.

Features with problems of their own are skipped and reported; the rest of the
file is imported. If no feature at all is left to import, the file is refused
as a whole (with the report of why), because an import that can only do
nothing is a wrong file, not data. ``dry_run`` runs everything, transaction
included, and rolls it back: the report shows what an import would do.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import GEO_EDIT
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.geo.importers.app import AppContent, AppReader
from infostrada.geo.importers.checks import limit_to_unit
from infostrada.geo.importers.egib import EgibReader
from infostrada.geo.importers.gml import crs_from_srs_name
from infostrada.geo.importers.mapping import ZoneMapping, parcels_from_vector, zones_from_vector
from infostrada.geo.importers.plans import assign_zones, plans_by_id, write_acts, write_zones
from infostrada.geo.importers.report import ImportRefused, ImportReport
from infostrada.geo.importers.scope import terc_scope
from infostrada.geo.importers.vector import dataset_from_upload, read_vector
from infostrada.geo.importers.writing import (
    write_buildings,
    write_features,
    write_parcels,
    write_precincts,
)
from infostrada.geo.importers.xmlsafe import as_stream, looks_like_xml
from infostrada.geo.models import Feature, Layer
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import polish_slug

Source = bytes | IO[bytes]
VECTOR_TARGETS = ("layer", "parcels")


def _gml_crs(crs: str | None) -> str | None:
    """The operator's CRS for GML geometries that state none (an srsName or EPSG code)."""
    if not crs:
        return None
    if crs_from_srs_name(crs) is None:
        raise ImportRefused(
            "crs_unknown",
            _("The coordinate system %(crs)s is unknown. Nothing was imported."),
            {"crs": crs},
        )
    return crs


def _refuse_if_empty(report: ImportReport) -> None:
    if report.importable:
        return
    if report.problem_count:
        codes = sorted({p.code for p in report.problems})
        raise ImportRefused(
            "nothing_importable",
            _(
                "None of the %(count)s objects in the file can be imported (problems: "
                "%(codes)s; see the report). Nothing was imported."
            ),
            {"count": report.totals.read, "codes": ", ".join(codes)},
            report=report,
        )
    raise ImportRefused(
        "nothing_found",
        _("The file contains no objects to import. Nothing was imported."),
        report=report,
    )


def _refuse_if_no_geometry(report: ImportReport) -> None:
    """Refuse a file none of whose geometries can be used, even if some objects could be.

    Objects whose geometry is optional (a planning act's boundary) would otherwise be
    imported alone while every geometry of the file is dropped: usually the file states
    the wrong coordinate system, and such an import is half an import.
    """
    if report.geometries_usable or not report.geometries_unusable:
        return
    codes = sorted({p.code for p in report.problems})
    raise ImportRefused(
        "geometry_unusable",
        _(
            "None of the %(count)s geometries in the file can be used (problems: %(codes)s; "
            "see the report). Check the coordinate system the file states. Nothing was "
            "imported."
        ),
        {"count": report.geometries_unusable, "codes": ", ".join(codes)},
        report=report,
    )


def _write(
    *, actor: Actor, unit: Unit, report: ImportReport, action: str, write: Callable[[], None]
) -> ImportReport:
    """Run the writes and the audit entry in one transaction (rolled back for a dry run)."""
    try:
        with transaction.atomic(durable=True):
            write()
            audit.record(actor, unit, action, changes=report.summary(), object_type="geo.import")
            if report.dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        raise ImportRefused(
            "concurrent_change",
            _(
                "Another import changed the same layers at the same moment. Import the file "
                "again. Nothing was imported."
            ),
        ) from None
    except ValidationError as exc:
        if isinstance(exc, ImportRefused):
            raise
        raise ImportRefused(
            "write_refused",
            _("The data cannot be saved: %(reason)s Nothing was imported."),
            {"reason": " ".join(exc.messages)},
            report=report,
        ) from None
    return report


def import_egib(
    *,
    actor: Actor,
    unit: Unit,
    data: Source,
    filename: str,
    crs: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Parcels, precincts and buildings from an EGiB GML file into the unit's cadastre."""
    ensure_can(actor, GEO_EDIT, unit)
    report = ImportReport("egib", filename, dry_run=dry_run)
    limit_to_unit(report, unit)
    reader = EgibReader(report, scope=terc_scope(unit), default_crs=_gml_crs(crs))
    reader.read(data)
    content = reader.content
    _refuse_if_empty(report)
    _refuse_if_no_geometry(report)

    def write() -> None:
        write_precincts(actor=actor, unit=unit, precincts=content.precincts, report=report)
        write_parcels(actor=actor, unit=unit, parcels=content.parcels, report=report)
        write_buildings(actor=actor, unit=unit, buildings=content.buildings, report=report)

    return _write(actor=actor, unit=unit, report=report, action="geo.import.egib", write=write)


def import_app(
    *,
    actor: Actor,
    unit: Unit,
    data: Source,
    filename: str,
    zones: Source | None = None,
    zones_filename: str = "",
    zone_mapping: ZoneMapping | None = None,
    zone_id_field: str = "",
    crs: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Planning acts (and their zones) from an APP GML file, with an optional zone layer.

    ``zones`` is a second file with the zones of a local plan: APP 2.0 GML with
    ``StrefaPlanistyczna``, or a Shapefile/GeoPackage/GeoJSON/GML layer whose
    fields ``zone_mapping`` names; it needs an APP file with exactly one act.
    """
    ensure_can(actor, GEO_EDIT, unit)
    report = ImportReport("app", filename, dry_run=dry_run)
    limit_to_unit(report, unit)
    reader = AppReader(report, default_crs=_gml_crs(crs))
    reader.read(data)
    content = reader.content
    if zones is not None:
        known = len(content.zones)
        _read_zone_file(
            content,
            report,
            zones,
            zones_filename,
            zone_mapping or ZoneMapping(),
            zone_id_field,
            crs,
        )
        if len(content.zones) == known:  # a zone file of which nothing can be used
            codes = sorted({p.code for p in report.problems if p.section == "zones"})
            raise ImportRefused(
                "zones_unusable",
                _(
                    "None of the zones in the zone file can be imported (problems: %(codes)s; "
                    "see the report). Nothing was imported."
                ),
                {"codes": ", ".join(codes) or "-"},
                report=report,
            )
    grouped = assign_zones(unit=unit, content=content, report=report)
    _refuse_if_empty(report)
    _refuse_if_no_geometry(report)

    def write() -> None:
        written = write_acts(actor=actor, unit=unit, acts=content.acts, report=report)
        plans = plans_by_id(unit, list(grouped), written)
        for app_id, plan_zones in grouped.items():
            write_zones(unit=unit, plan=plans[app_id], zones=plan_zones, report=report)

    return _write(actor=actor, unit=unit, report=report, action="geo.import.app", write=write)


def _read_zone_file(
    content: AppContent,
    report: ImportReport,
    data: Source,
    filename: str,
    mapping: ZoneMapping,
    id_field: str,
    crs: str | None,
) -> None:
    stream = as_stream(data)
    head = stream.read(4096)
    stream.seek(0)
    if looks_like_xml(head) and b"zagospodarowanieprzestrzenne/schemas/app" in head:
        zone_reader = AppReader(report, default_crs=_gml_crs(crs))
        zone_reader.read(stream)
        content.acts.extend(zone_reader.content.acts)
        content.zones.extend(zone_reader.content.zones)
        return
    if len(content.acts) != 1:
        raise ImportRefused(
            "zones_need_one_act",
            _(
                "A zone layer can be given with an APP file of exactly one planning act; "
                "this file has %(count)s. Nothing was imported."
            ),
            {"count": len(content.acts)},
        )
    if content.acts[0].kind != "local":
        raise ImportRefused(
            "zones_for_local_plans",
            _(
                "A zone layer in another format can be given for a local plan only; the "
                "zones of a general plan come in APP (StrefaPlanistyczna). Nothing was "
                "imported."
            ),
        )
    with tempfile.TemporaryDirectory(prefix="geo-import-") as workdir:
        path = dataset_from_upload(stream, Path(workdir))
        layer = read_vector(
            path, report=report, section="zones", id_field=id_field, crs=crs, polygonal=True
        )
    content.zones.extend(zones_from_vector(layer, mapping=mapping, report=report))


def import_vector(
    *,
    actor: Actor,
    unit: Unit,
    data: Source,
    filename: str,
    target: str = "layer",
    layer_slug: str = "",
    layer_title: str = "",
    id_field: str = "",
    source_layer: str = "",
    crs: str | None = None,
    area_field: str = "",
    address_field: str = "",
    replace: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """A Shapefile (ZIP), GeoPackage, GeoJSON or GML layer into a layer of kind other,
    or with ``target="parcels"`` into the cadastre (``id_field`` holds parcel identifiers).

    A feature is identified by ``id_field``, else by the file's own identifiers
    (GeoPackage key, gml:id, GeoJSON id), never silently by its position: a file
    without identifiers may create a layer or ``replace`` one, but not update an
    existing layer feature by feature. ``replace`` removes the layer's features that
    are not in the file (counted as ``deleted`` in the report).
    """
    ensure_can(actor, GEO_EDIT, unit)
    if target not in VECTOR_TARGETS:
        raise ValueError(target)
    report = ImportReport("vector", filename, dry_run=dry_run)
    limit_to_unit(report, unit)
    if target == "parcels" and not id_field:
        raise ImportRefused(
            "id_field_required",
            _("Name the field that holds the parcel identifiers. Nothing was imported."),
        )
    scope = terc_scope(unit) if target == "parcels" else None
    section = "parcels" if target == "parcels" else "features"
    with tempfile.TemporaryDirectory(prefix="geo-import-") as workdir:
        path = dataset_from_upload(data, Path(workdir), source_layer=source_layer)
        content = read_vector(
            path,
            report=report,
            section=section,
            id_field=id_field,
            crs=crs,
            source_layer=source_layer,
            polygonal=target == "parcels",
        )
    parcels = []
    if scope is not None:
        parcels = parcels_from_vector(
            content, scope=scope, report=report, area_field=area_field, address_field=address_field
        )
    _refuse_if_empty(report)
    _refuse_if_no_geometry(report)
    slug = layer_slug.strip() or _slug_from(filename, content.layer_name)
    title = layer_title.strip() or Path(filename).stem or slug
    if scope is None and content.id_source == "position" and not replace:
        _refuse_positional_update(unit, slug, content.fields)

    def write() -> None:
        if scope is not None:
            write_parcels(actor=actor, unit=unit, parcels=parcels, report=report, replace=replace)
        else:
            write_features(
                actor=actor,
                unit=unit,
                report=report,
                slug=slug,
                title=title,
                schema=content.schema,
                records=content.records,
                replace=replace,
            )

    return _write(actor=actor, unit=unit, report=report, action="geo.import.vector", write=write)


def _refuse_positional_update(unit: Unit, slug: str, fields: list[str]) -> None:
    """A file without identifiers must not update an existing layer by feature order."""
    layer = Layer.objects.for_unit(unit).filter(slug=slug).first()
    if layer is None or not Feature.objects.for_unit(unit).filter(layer=layer).exists():
        return
    raise ImportRefused(
        "id_needed",
        _(
            "The layer %(slug)s already has features, and the file has no identifiers of its "
            "own, so it cannot tell which of them each feature updates. Name the identifier "
            "field (the file's fields: %(fields)s), or replace the layer with the file. "
            "Nothing was imported."
        ),
        {"slug": slug, "fields": ", ".join(fields) or "-"},
    )


def _slug_from(filename: str, layer_name: str) -> str:
    slug = polish_slug(Path(filename).stem) or polish_slug(layer_name) or "warstwa"
    slug = slug.replace("_", "-").strip("-")[:63]
    return slug if slug[:1].isalnum() else f"w-{slug}"[:63]
