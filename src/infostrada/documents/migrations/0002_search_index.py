"""Full-text index of SearchEntry.body: FTS5 on SQLite, a GIN tsvector on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE documents_searchentry_fts USING fts5(
        body, content='documents_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER documents_searchentry_ai AFTER INSERT ON documents_searchentry BEGIN
        INSERT INTO documents_searchentry_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER documents_searchentry_ad AFTER DELETE ON documents_searchentry BEGIN
        INSERT INTO documents_searchentry_fts(documents_searchentry_fts, rowid, body)
        VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER documents_searchentry_au AFTER UPDATE ON documents_searchentry BEGIN
        INSERT INTO documents_searchentry_fts(documents_searchentry_fts, rowid, body)
        VALUES ('delete', old.id, old.body);
        INSERT INTO documents_searchentry_fts(rowid, body) VALUES (new.id, new.body);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER documents_searchentry_au",
    "DROP TRIGGER documents_searchentry_ad",
    "DROP TRIGGER documents_searchentry_ai",
    "DROP TABLE documents_searchentry_fts",
]
POSTGRES = [
    """ALTER TABLE documents_searchentry ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED""",
    "CREATE INDEX documents_searchentry_tsv ON documents_searchentry USING GIN (tsv)",
]
POSTGRES_REVERSE = [
    "DROP INDEX documents_searchentry_tsv",
    "ALTER TABLE documents_searchentry DROP COLUMN tsv",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor)
    for sql in statements or []:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(
        schema_editor.connection.vendor
    )
    for sql in statements or []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
