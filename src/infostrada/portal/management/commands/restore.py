"""``infostrada restore FILE``: bring a backup back into an empty installation, verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from infostrada.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive of 'infostrada backup' into an empty data directory and empty "
        "database of the same kind, then check every stored file and audit chain."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="The archive written by infostrada backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].is_file():
            raise CommandError(f"{options['file']} does not exist")
        try:
            report = restore_backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for problem in report.file_problems:
            self.stderr.write(f"FILE PROBLEM: {problem}")
        for problem in report.chain_problems:
            self.stderr.write(f"AUDIT CHAIN BROKEN: {problem}")
        if report.file_problems or report.chain_problems:
            raise CommandError("restored, but the checks above failed", returncode=1)
        self.stdout.write(
            f"restored {report.vendor} database and {report.files} files; "
            f"{report.versions_checked} stored versions and {report.chains_checked} audit "
            "chains verified"
        )
