"""PostgreSQL: the case search indexes word prefixes and has no pending list.

1. **Prefixes as words.** A query word is matched by its first 4 to 6
   letters (documents.search.terms). As a ``:*`` prefix query, GIN must
   gather and merge the posting lists of every word that starts so: 29 ms
   of index work for the bench's "warunki zabudowy Grębocin" over 300,000
   cases. The generated column now also holds, for each word of five
   letters or more, its first 4, 5 and 6 letters as words of their own
   (positions stripped, so they do not grow the vector much); the query
   looks them up as exact words: 3 ms of index work, 39 → 11 ms for the
   whole query. SQLite's FTS5 has the same thing built in (its ``prefix``
   option, migration 0003).
2. **No pending list.** By default GIN collects new entries in an unsorted
   pending list (``fastupdate``) and merges it when it outgrows
   ``gin_pending_list_limit`` (4 MB) or when vacuum runs; the insert that
   overflows it pays for the merge (one case opening in ~2,000 took 155 ms
   instead of 17) and every search reads the list sequentially. With
   ``fastupdate`` off each insert updates the index directly. PostgreSQL
   documentation, "GIN Fast Update Technique".

The column and its index are rebuilt (PostgreSQL before 17 cannot change a
generated expression in place). SQLite: nothing changes.
"""

from django.db import migrations

# Every word of 5+ letters → "abcd abcde abcdef"; \m is a word start in
# PostgreSQL's regular expressions. The body is normalised to a-z by
# documents.search.normalise; words with other letters keep ":*" queries.
PREFIXES = r"regexp_replace(body, '\m([a-z]{4})([a-z]?)([a-z]?)[a-z]*', '\1 \1\2 \1\2\3', 'g')"
NEW = (
    "ALTER TABLE documents_searchentry ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    f"to_tsvector('simple', body) || strip(to_tsvector('simple', {PREFIXES}))) STORED"
)
OLD = (
    "ALTER TABLE documents_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED"
)
DROP = "ALTER TABLE documents_searchentry DROP COLUMN tsv"  # drops its index too


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)
    schema_editor.execute(NEW)
    schema_editor.execute(
        "CREATE INDEX documents_searchentry_tsv ON documents_searchentry "
        "USING GIN (tsv) WITH (fastupdate = off)"
    )
    schema_editor.execute("ANALYZE documents_searchentry")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)
    schema_editor.execute(OLD)
    schema_editor.execute(
        "CREATE INDEX documents_searchentry_tsv ON documents_searchentry USING GIN (tsv)"
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_search_prefix_index")]
    operations = [migrations.RunPython(forward, backward)]
