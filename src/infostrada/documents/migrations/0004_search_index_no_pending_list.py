"""PostgreSQL: the GIN index of the case search is updated at each insert.

By default a GIN index collects new entries in an unsorted "pending list"
(``fastupdate``) and merges it into the index when it outgrows
``gin_pending_list_limit`` (4 MB) or when (auto)vacuum runs. The insert that
overflows the list pays for the whole merge: opening a case took 155 ms once
in every ~2,000 on the bench data instead of 17 ms, and every search reads
the whole pending list sequentially until it is merged. With ``fastupdate``
off each insert puts its ~30 words straight into the index (well under a
millisecond here), so the cost is spread evenly. The existing pending list is
merged now. PostgreSQL documentation, "GIN Fast Update Technique". SQLite:
nothing changes (FTS5 merges its segments incrementally).
"""

from django.db import migrations

INDEX = "documents_searchentry_tsv"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
    schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_search_prefix_index")]
    operations = [migrations.RunPython(forward, backward)]
