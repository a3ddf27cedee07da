"""``infostrada config-doc``: print docs/configuration.md, generated from settings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infostrada.conf import render_markdown


class Command(BaseCommand):
    help = "Print the configuration reference generated from the declared settings."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render_markdown(), ending="")
