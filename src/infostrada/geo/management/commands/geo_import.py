"""``infostrada geo-import --unit <slug> --kind egib|app|vector FILE``: import and print the report.

For the GIS operator's bulk work (a whole county's cadastre, a directory of
plans) and for scripts: the same services as the workbench page, acting as
the system. The exit status is non-zero when the file is refused; nothing is
then written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infostrada.audit.context import Actor
from infostrada.geo.importers import (
    ImportRefused,
    ZoneMapping,
    import_app,
    import_egib,
    import_vector,
)
from infostrada.tenancy.models import Unit


class Command(BaseCommand):
    help = "Import spatial data (EGiB GML, APP GML, Shapefile/GeoPackage/GeoJSON) into a unit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", required=True, help="the unit's slug, e.g. lubicz")
        parser.add_argument("--kind", required=True, choices=["egib", "app", "vector"])
        parser.add_argument("--crs", help="for files that state none, e.g. EPSG:2177")
        parser.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        parser.add_argument("--layer", default="", help="vector: the layer's identifier")
        parser.add_argument("--title", default="", help="vector: the layer's title")
        parser.add_argument("--id-field", default="", help="the field with the identifiers")
        parser.add_argument("--source-layer", default="", help="vector: the layer in the file")
        parser.add_argument("--target", default="layer", choices=["layer", "parcels"])
        parser.add_argument(
            "--replace",
            action="store_true",
            help="vector: remove the layer's features that are not in the file",
        )
        parser.add_argument("--zones", type=Path, help="app: the plan's zone layer")
        parser.add_argument("--zone-symbol-field", default="symbol")
        parser.add_argument("--zone-designation-field", default="przeznaczenie")
        parser.add_argument("--zone-provisions-field", default="ustalenia")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(slug=options["unit"]).first()
        if unit is None:
            raise CommandError(f"no unit {options['unit']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no file {path}")
        actor = Actor.system("geo-import")
        common = {
            "actor": actor,
            "unit": unit,
            "filename": path.name,
            "crs": options["crs"],
            "dry_run": options["dry_run"],
        }
        try:
            with path.open("rb") as data:
                if options["kind"] == "egib":
                    report = import_egib(data=data, **common)
                elif options["kind"] == "app":
                    report = self._app(data, options, common)
                else:
                    report = import_vector(
                        data=data,
                        target=options["target"],
                        layer_slug=options["layer"],
                        layer_title=options["title"],
                        id_field=options["id_field"],
                        source_layer=options["source_layer"],
                        replace=options["replace"],
                        **common,
                    )
        except ImportRefused as exc:
            if exc.report is not None:
                self.stderr.write(exc.report.as_text())
            raise CommandError(exc.text) from None
        self.stdout.write(report.as_text())

    def _app(self, data: Any, options: dict[str, Any], common: dict[str, Any]) -> Any:
        mapping = ZoneMapping(
            symbol=options["zone_symbol_field"],
            designation=options["zone_designation_field"],
            provisions=options["zone_provisions_field"],
        )
        zones_path: Path | None = options["zones"]
        if zones_path is None:
            return import_app(data=data, **common)
        if not zones_path.is_file():
            raise CommandError(f"no file {zones_path}")
        with zones_path.open("rb") as zones:
            return import_app(
                data=data,
                zones=zones,
                zones_filename=zones_path.name,
                zone_mapping=mapping,
                zone_id_field=options["id_field"],
                **common,
            )
