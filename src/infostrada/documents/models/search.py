"""One full-text search row per case (documents.search keeps it current)."""

from __future__ import annotations

from django.db import models

from infostrada.tenancy.scoping import TenantManager


class SearchEntry(models.Model):
    """The searchable text of a case: metadata, parties, items, documents' text.

    ``body`` is normalised (lower case, no diacritics) so that both databases
    index the same words; SQLite indexes it with FTS5, PostgreSQL with a
    generated tsvector column (migration 0002).
    """

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    case = models.OneToOneField(
        "documents.Case", on_delete=models.CASCADE, related_name="search_entry"
    )
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    def __str__(self) -> str:
        return f"search:{self.case_id}"
