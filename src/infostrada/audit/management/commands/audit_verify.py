"""``infostrada audit-verify``: check every hash chain and the latest signed checkpoint."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from infostrada.audit.checkpoints import verify_latest
from infostrada.audit.services import verify_all


class Command(BaseCommand):
    help = (
        "Verify the hash chains of the audit log and the database against the latest signed "
        "checkpoint; exit 1 naming the first bad entry of each broken chain."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = verify_all()
        checkpoint, anchored = verify_latest()
        problems = problems + anchored
        if problems:
            for problem in problems:
                self.stderr.write(f"AUDIT CHAIN BROKEN: {problem}")
            raise CommandError(f"{len(problems)} problems in {checked} audit chains", returncode=1)
        self.stdout.write(f"audit log intact: {checked} chains verified")
        if checkpoint:
            self.stdout.write(f"consistent with checkpoint {checkpoint}")
        else:
            self.stdout.write("no checkpoint yet: run `infostrada audit-checkpoint` periodically")
