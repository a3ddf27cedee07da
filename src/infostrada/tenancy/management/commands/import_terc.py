"""``infostrada import-terc FILE [--voivodeship WW]``: load units from the GUS TERC file."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from infostrada.audit.context import Actor
from infostrada.tenancy.services import import_terc


class Command(BaseCommand):
    help = (
        "Create or update units from the TERC file published by GUS (CSV, "
        "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--voivodeship", default=None, help="Only this województwo (two digits, e.g. 04)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], encoding="utf-8-sig") as stream:
                report = import_terc(
                    actor=Actor.system("import-terc"),
                    stream=stream,
                    voivodeship=options["voivodeship"],
                )
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError("the file is not UTF-8 text") from exc
        except ValidationError as exc:
            raise CommandError("the file was not imported:\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged, {report.skipped} rows that are not units"
        )
