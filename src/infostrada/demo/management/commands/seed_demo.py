"""``infostrada seed-demo [--scale N]``: the demo region, idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from infostrada.audit.checkpoints import write_checkpoint
from infostrada.demo import scale, seed
from infostrada.documents import demo as documents_demo
from infostrada.geo import demo as geo_demo


class Command(BaseCommand):
    help = (
        "Create the demo region of województwo kujawsko-pomorskie (units, officials in "
        "every role, citizens, API tokens) and write demo-credentials.json. "
        "Running it again changes nothing. --scale N adds synthetic data for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Grow synthetic data: N x 10,000 audit events and "
            "N x 100 officials (0 = the demo only).",
        )

    def handle(self, *args: Any, scale_n: int = 0, **options: Any) -> None:
        n = options["scale"]
        if n < 0:
            self.stderr.write("--scale must be 0 or more")
            raise SystemExit(2)
        creds = seed.load_credentials()
        units = seed.seed_units(self.stdout.write)
        people = seed.seed_people(units, creds, self.stdout.write)
        documents_demo.seed(units, seed.SYSTEM, self.stdout.write)
        geo_demo.seed(units, seed.SYSTEM, self.stdout.write)
        path = seed.write_credentials(people)
        self.stdout.write(f"credentials: {path}")
        if n:
            scale.grow(n, units, self.stdout.write)
            geo_demo.grow(n, units, self.stdout.write)
        # A first signed anchor of the audit log (ADR 0016); operators schedule the rest.
        name, problems = write_checkpoint()
        for problem in problems:
            self.stderr.write(f"audit checkpoint not written: {problem}")
        if name:
            self.stdout.write(f"audit checkpoint: {name}")
