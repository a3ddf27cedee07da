"""``infostrada backup FILE``: database, stored files and secrets in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from infostrada.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz, mode 0600) with the database (SQLite online backup or "
        "pg_dump), every stored file and the secrets the seals need. See docs/operations.md."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="Where to write the archive.")
        parser.add_argument(
            "--without-secrets",
            action="store_true",
            help="Leave the secret key and seal password out (restore then needs them "
            "in its environment).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = create_backup(options["file"], with_secrets=not options["without_secrets"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        secrets = "with" if manifest["secrets"] else "WITHOUT"
        self.stdout.write(
            f"backup written to {options['file']}: {manifest['vendor']} database, "
            f"{manifest['files']} files, {secrets} secrets"
        )
