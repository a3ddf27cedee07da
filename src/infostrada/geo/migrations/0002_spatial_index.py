"""Spatial index of feature bounding boxes: R*Tree on SQLite, GiST over box() on PostgreSQL.

R*Tree stores 32-bit floats and rounds each box outward, so it never misses a
candidate; the exact geometry test follows in geo.query.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE geo_feature_rtree USING rtree(id, minx, maxx, miny, maxy)",
    """CREATE TRIGGER geo_feature_rtree_ai AFTER INSERT ON geo_feature BEGIN
        INSERT INTO geo_feature_rtree VALUES (new.id, new.minx, new.maxx, new.miny, new.maxy);
    END""",
    """CREATE TRIGGER geo_feature_rtree_au AFTER UPDATE OF minx, miny, maxx, maxy ON geo_feature
    BEGIN
        UPDATE geo_feature_rtree SET minx = new.minx, maxx = new.maxx, miny = new.miny,
            maxy = new.maxy WHERE id = new.id;
    END""",
    """CREATE TRIGGER geo_feature_rtree_ad AFTER DELETE ON geo_feature BEGIN
        DELETE FROM geo_feature_rtree WHERE id = old.id;
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER geo_feature_rtree_ad",
    "DROP TRIGGER geo_feature_rtree_au",
    "DROP TRIGGER geo_feature_rtree_ai",
    "DROP TABLE geo_feature_rtree",
]
POSTGRES = [
    "CREATE INDEX geo_feature_box ON geo_feature "
    "USING gist (box(point(minx, miny), point(maxx, maxy)))",
]
POSTGRES_REVERSE = ["DROP INDEX geo_feature_box"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
