"""``infostrada check-files``: every stored document version has its file, unchanged."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from infostrada.documents.blobs import check_versions


class Command(BaseCommand):
    help = (
        "Check that every stored document version's file exists and matches the size "
        "and SHA-256 recorded for it; exit 1 listing every problem."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-hash",
            action="store_true",
            help="Check existence and size only (fast; does not read the files).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_versions(hashes=not options["no_hash"])
        for problem in report.problems:
            self.stderr.write(f"FILE PROBLEM: {problem}")
        if report.problems:
            raise CommandError(
                f"{len(report.problems)} of {report.checked} stored versions have problems",
                returncode=1,
            )
        self.stdout.write(f"stored files intact: {report.checked} versions checked")
