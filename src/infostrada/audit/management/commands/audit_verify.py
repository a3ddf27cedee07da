"""``infostrada audit-verify``: check every hash chain of the audit log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from infostrada.audit.services import verify_all


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; exit 1 naming the first bad entry."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = verify_all()
        if problems:
            for problem in problems:
                self.stderr.write(f"AUDIT CHAIN BROKEN: {problem}")
            raise CommandError(
                f"{len(problems)} of {checked} audit chains are broken", returncode=1
            )
        self.stdout.write(f"audit log intact: {checked} chains verified")
