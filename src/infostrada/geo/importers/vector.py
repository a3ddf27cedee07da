"""Shapefile (zipped), GeoPackage, GeoJSON and GML read through OGR (pyogrio).

The upload is recognised by its content, not its name: a ZIP (a Shapefile's
``.shp``/``.shx``/``.dbf``/``.prj``/``.cpg``, or one GeoPackage/GeoJSON/GML
packed), an SQLite file (GeoPackage), JSON (GeoJSON) or XML (GML, checked for
a DOCTYPE first like every XML we read). A ZIP is checked by
``documents.uploads``' archive check before anything is unpacked (bombs,
``..`` and absolute paths, encryption, nested archives) and unpacked under
file names of our own. The coordinate system comes from the file (``.prj``,
the GeoPackage's SRS, CRS84 for GeoJSON) or from the operator; GDAL gives
coordinates in easting-northing / longitude-latitude order, which is how
``geo.crs`` transforms them. Each feature's identifier is the field the
operator names, or OGR's feature id.
"""

from __future__ import annotations

import datetime
import io
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import pyogrio
import shapely
from django.utils.translation import gettext as _
from pyogrio.errors import DataLayerError, DataSourceError, FieldError
from pyogrio.errors import GeometryError as OgrGeometryError
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from infostrada.documents.uploads import UploadRejected
from infostrada.documents.uploads.archives import check_zip
from infostrada.documents.uploads.limits import Budget, Limits
from infostrada.documents.uploads.names import ALLOWED
from infostrada.geo.importers.checks import to_storage_checked
from infostrada.geo.importers.geos import translate_reason
from infostrada.geo.importers.report import ImportRefused, ImportReport
from infostrada.geo.importers.xmlsafe import as_stream, check_well_formed

MiB: Final = 1024 * 1024
#: A gmina's parcels as a Shapefile or GeoPackage stay well below this.
MAX_IMPORT_BYTES: Final = 256 * MiB
MAX_UNPACKED_BYTES: Final = 1024 * MiB
MAX_ENTRIES: Final = 200
SHAPEFILE_PARTS: Final = frozenset({".shp", ".shx", ".dbf", ".prj", ".cpg", ".qpj"})
PACKED_DATASETS: Final = frozenset({".gpkg", ".geojson", ".json", ".gml"})
# Shapefile side files we leave out (indexes, metadata); anything else in the archive too.
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"


@dataclass
class VectorRecord:
    fid: str
    properties: dict[str, Any]
    geometry: BaseGeometry  # EPSG:2180


@dataclass
class VectorContent:
    layer_name: str
    crs: str
    fields: list[str]
    schema: list[dict[str, str]]
    records: list[VectorRecord] = field(default_factory=list)
    # Where the features' identifiers come from: "field" (the operator's attribute),
    # "file" (the file's own: a GeoPackage's primary key, GML's gml:id, GeoJSON's
    # feature id) or "position" (none in the file: OGR numbers the features in order,
    # which says nothing about which feature is which in another version of the file).
    id_source: str = "field"


# --- the upload to a dataset on disk -------------------------------------------------


def dataset_from_upload(data: bytes | IO[bytes], workdir: Path, *, source_layer: str = "") -> Path:
    """Write or unpack the upload under ``workdir``; the path OGR should open."""
    stream = as_stream(data)
    head = stream.read(64)
    stream.seek(0)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _unpack(stream, workdir, source_layer)
    if head.startswith(_SQLITE_MAGIC):
        suffix = ".gpkg"
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        suffix = ".geojson"
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        check_well_formed(stream)
        suffix = ".gml"
    elif head[:4] == b"\x00\x00\x27\x0a":
        raise ImportRefused(
            "shapefile_not_zipped",
            _(
                "A Shapefile is several files (.shp, .shx, .dbf, .prj); pack them into one "
                "ZIP archive and send the archive."
            ),
        )
    else:
        raise ImportRefused(
            "format_unknown",
            _(
                "The file is not a Shapefile (in a ZIP), GeoPackage, GeoJSON or GML file. "
                "Export the data in one of these formats."
            ),
        )
    path = workdir / f"data{suffix}"
    with path.open("wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)
    return path


def _unpack(stream: IO[bytes], workdir: Path, source_layer: str) -> Path:
    payload = stream.read(MAX_IMPORT_BYTES + 1)
    if len(payload) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            "too_large",
            _("The archive is larger than %(limit)s MB.") % {"limit": MAX_IMPORT_BYTES // MiB},
        )
    stems: dict[str, str] = {}  # a stem in the archive (lower case) -> our own file stem
    written: dict[str, Path] = {}  # "stem.ext" as in the archive (lower case) -> file

    def keep(entry: str, content: bytes, _limits: Limits, _budget: Budget, _depth: int) -> None:
        name = entry.replace("\\", "/").rsplit("/", 1)[-1]
        stem, dot, ext = name.rpartition(".")
        suffix = "." + ext.lower() if dot else ""
        if suffix not in SHAPEFILE_PARTS | PACKED_DATASETS or not stem:
            return  # readme, metadata, spatial indexes: not needed
        if suffix == ".gml":
            check_well_formed(io.BytesIO(content))
        key = stem.lower() + suffix
        if key in written:
            raise ImportRefused(
                "archive_duplicate",
                _("The archive contains %(name)s twice (in different folders).") % {"name": name},
            )
        # files get names of our own; parts of one Shapefile keep one stem
        target = workdir / (stems.setdefault(stem.lower(), f"layer{len(stems)}") + suffix)
        target.write_bytes(content)
        written[key] = target

    limits = Limits(MAX_IMPORT_BYTES, MAX_ENTRIES, MAX_UNPACKED_BYTES, 100, 0)
    try:
        check_zip(
            payload,
            limits,
            Budget(MAX_UNPACKED_BYTES, MAX_ENTRIES),
            0,
            expected=ALLOWED["zip"],
            extension=".zip",
            check_entry=keep,
        )
    except UploadRejected as exc:
        raise ImportRefused(exc.code or "archive_corrupt", exc.text) from None
    shapefiles = {k.rsplit(".", 1)[0]: p for k, p in written.items() if k.endswith(".shp")}
    others = [p for k, p in written.items() if p.suffix in PACKED_DATASETS]
    if shapefiles:
        if len(shapefiles) > 1 and source_layer.lower() not in shapefiles:
            raise ImportRefused(
                "several_layers",
                _(
                    "The archive contains several Shapefiles (%(names)s). Give the one to "
                    "import as the layer in the file, or send one per archive."
                ),
                {"names": ", ".join(sorted(shapefiles))},
            )
        stem = source_layer.lower() if len(shapefiles) > 1 else next(iter(shapefiles))
        missing = [part for part in (".shx", ".dbf") if f"{stem}{part}" not in written]
        if missing:
            raise ImportRefused(
                "shapefile_incomplete",
                _(
                    "The Shapefile %(name)s is incomplete: %(missing)s is missing from the "
                    "archive. Pack all its files (.shp, .shx, .dbf, .prj, .cpg)."
                ),
                {"name": stem, "missing": ", ".join(missing)},
            )
        return shapefiles[stem]
    if len(others) == 1:
        return others[0]
    raise ImportRefused(
        "archive_no_dataset",
        _(
            "The archive contains no Shapefile (.shp with .shx and .dbf) and not exactly one "
            "GeoPackage, GeoJSON or GML file."
        ),
    )


# --- reading -------------------------------------------------------------------------


def _open_options(path: Path) -> dict[str, str]:
    # GML: never fetch the application schema named in the file from the network.
    return {"DOWNLOAD_SCHEMA": "NO"} if path.suffix == ".gml" else {}


def _field_type(dtype: str) -> str:
    if dtype.startswith(("int", "uint")):
        return "integer"
    if dtype.startswith("float"):
        return "number"
    if dtype == "bool":
        return "boolean"
    if dtype.startswith("datetime"):
        return "datetime"
    return "string"


def jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return str(value)


def _identifier(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric id column read as real numbers
    return str(value).strip()


def _crs(declared: str | None, override: str | None, report: ImportReport) -> str:
    chosen = override or declared
    if not chosen:
        raise ImportRefused(
            "crs_missing",
            _(
                "The file does not state its coordinate system (a Shapefile without .prj?). "
                "Choose the coordinate system in the form and import it again. Nothing was "
                "imported."
            ),
        )
    try:
        crs = CRS.from_user_input(chosen)
    except CRSError:
        raise ImportRefused(
            "crs_unknown",
            _("The coordinate system %(crs)s is unknown. Nothing was imported."),
            {"crs": str(chosen)[:200]},
        ) from None
    # "EPSG:2180" rather than the WKT of a .prj when they are the same system
    authority = crs.to_authority(min_confidence=90)
    code = f"{authority[0]}:{authority[1]}" if authority else chosen
    if override and declared and override != declared:
        report.note(
            _("Coordinate system %(chosen)s chosen by the operator; the file states %(file)s.")
            % {"chosen": override, "file": str(declared)[:80]}
        )
    report.used_crs(code if authority else crs.name)
    return code


def _own_identifiers(path: Path, fields: list[str], fids: Any) -> tuple[int | None, str]:
    """The file's own identifiers: (field index or None for OGR's fid, their source)."""
    lowered = [f.lower() for f in fields]
    if path.suffix == ".gpkg":
        return None, "file"  # the table's primary key, stable across exports
    if "gml_id" in lowered:
        return lowered.index("gml_id"), "file"
    if path.suffix == ".geojson":
        if "id" in lowered:  # string feature ids become a field named id
            return lowered.index("id"), "file"
        # integer feature ids become OGR's fid; without any, OGR counts from 0
        if len(fids) and not np.array_equal(np.asarray(fids), np.arange(len(fids))):
            return None, "file"
    return None, "position"


def read_vector(
    path: Path,
    *,
    report: ImportReport,
    section: str,
    id_field: str = "",
    crs: str | None = None,
    source_layer: str = "",
    polygonal: bool = False,
) -> VectorContent:
    """Every feature of the dataset's layer, checked and in EPSG:2180."""
    options = _open_options(path)
    try:
        layers = [str(name) for name, _type in pyogrio.list_layers(path)]
        if not layers:
            raise ImportRefused("no_layer", _("The file contains no layer with features."))
        if len(layers) > 1 and source_layer not in layers:
            raise ImportRefused(
                "several_layers",
                _(
                    "The file contains several layers (%(names)s). Give the one to import "
                    "as the layer in the file."
                ),
                {"names": ", ".join(layers[:20])},
            )
        name = source_layer if source_layer in layers else layers[0]
        meta, fids, geometries, values = pyogrio.raw.read(
            path, layer=name, return_fids=True, **options
        )
    except (DataSourceError, DataLayerError, FieldError, OgrGeometryError) as exc:
        raise ImportRefused(
            "format_unreadable",
            _("The file cannot be read as spatial data (%(reason)s). Nothing was imported."),
            {"reason": str(exc)[:300]},
        ) from None
    code = _crs(meta.get("crs"), crs, report)
    fields = [str(f) for f in meta["fields"]]
    schema = [
        {"name": f, "type": _field_type(str(d)), "title": f}
        for f, d in zip(fields, meta["dtypes"], strict=True)
    ]
    content = VectorContent(name, code, fields, schema)
    id_index = None
    if id_field:
        lowered = [f.lower() for f in fields]
        if id_field.lower() not in lowered:
            raise ImportRefused(
                "id_field_missing",
                _(
                    "The file has no field %(field)s for the identifiers; its fields are: "
                    "%(fields)s."
                ),
                {"field": id_field, "fields": ", ".join(fields) or "-"},
            )
        id_index = lowered.index(id_field.lower())
    else:
        id_index, content.id_source = _own_identifiers(path, fields, fids)
        if content.id_source == "position":
            report.note(
                _(
                    "The file has no identifiers of its own: its features are numbered in "
                    "the order of the file. Name an identifier field so that a later import "
                    "updates the same features, or replace the layer when importing again."
                )
            )
    counts = report.section(section)
    seen: set[str] = set()
    for i in range(len(fids)):
        counts.read += 1
        properties = {f: jsonable(values[j][i]) for j, f in enumerate(fields)}
        raw_id = fids[i] if id_index is None else properties[fields[id_index]]
        fid = _identifier(raw_id)
        if not fid:
            report.problem(
                section,
                f"#{int(fids[i])}",
                "id_missing",
                _("the feature has no identifier in the field %(field)s")
                % {"field": fields[id_index] if id_index is not None else id_field},
            )
            continue
        fid = fid[:120]
        if fid in seen:
            report.problem(
                section,
                fid,
                "id_duplicate",
                _("the identifier %(id)s appears more than once; the first feature was kept")
                % {"id": fid},
            )
            continue
        wkb = geometries[i]
        try:
            geometry = shapely.from_wkb(wkb) if wkb is not None else None
        except GEOSException as exc:  # e.g. a ring that is not closed
            report.problem(
                section,
                fid,
                "geometry_malformed",
                _("the geometry cannot be built: %(reason)s")
                % {"reason": translate_reason(str(exc))},
            )
            report.geometry_read(usable=False)
            continue
        if geometry is None or geometry.is_empty:
            report.problem(section, fid, "geometry_missing", _("the feature has no geometry"))
            continue
        stored = to_storage_checked(report, section, fid, geometry, code, polygonal=polygonal)
        if stored is None:
            continue
        seen.add(fid)
        content.records.append(VectorRecord(fid, properties, stored))
    return content
