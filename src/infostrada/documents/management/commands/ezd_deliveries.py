"""``infostrada ezd-deliveries``: apply the 14-day delivery fiction (run it daily).

Portal letters a resident has not opened within 14 days of being made
available count as delivered on the fourteenth day; this records that
delivery and puts its confirmation (UPD) into the case file. Run it from cron
or a systemd timer once a day (more often does no harm; it is idempotent).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infostrada.documents.services.dispatch import apply_delivery_fiction


class Command(BaseCommand):
    help = "Deem delivered the portal letters left unopened for 14 days (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = apply_delivery_fiction()
        self.stdout.write(f"deemed delivered: {done}")
