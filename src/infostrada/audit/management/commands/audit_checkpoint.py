"""``infostrada audit-checkpoint``: sign every chain head and store it outside the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from infostrada.audit.checkpoints import write_checkpoint


class Command(BaseCommand):
    help = (
        "Check the audit chains since the last checkpoint, then write a signed checkpoint of "
        "every chain head to the file storage. Run it periodically (docs/audit.md); exit 1 "
        "without writing if a chain is broken."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        name, problems = write_checkpoint()
        if problems:
            for problem in problems:
                self.stderr.write(f"AUDIT CHAIN BROKEN: {problem}")
            raise CommandError("no checkpoint written: the audit log is not intact", returncode=1)
        self.stdout.write(f"audit checkpoint written: {name}")
