"""``infostrada sweep-files``: remove stored files no document version names (run daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from infostrada.documents.blobs import sweep_orphans


class Command(BaseCommand):
    help = (
        "Delete stored EZD files that no document version refers to and that are older "
        "than the grace period (left by failed or interrupted uploads)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24.0,
            help="Keep unreferenced files younger than this (default 24): an upload in "
            "progress writes its file before its transaction commits.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted, delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_hours"] < 0:
            raise CommandError("--grace-hours cannot be negative")
        report = sweep_orphans(
            grace=datetime.timedelta(hours=options["grace_hours"]), dry_run=options["dry_run"]
        )
        verb = "would delete" if options["dry_run"] else "deleted"
        for name in report.removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(
            f"{report.seen} stored files, {len(report.removed)} orphans {verb}, "
            f"{report.kept_young} younger than the grace period kept"
        )
