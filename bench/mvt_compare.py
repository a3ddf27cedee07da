"""One tile per zoom level rendered by two versions of ``geo/ogc/tiles.py``: bytes and time.

    git show d63b45a:src/infostrada/geo/ogc/tiles.py > /tmp/tiles_before.py  # before generalisation
    INFOSTRADA_DATA_DIR=var .venv/bin/python bench/mvt_compare.py \\
        --before /tmp/tiles_before.py torun.dzialki 5 7 8 9 10 11 12 14

The tile is the middle one of those over the collection's extent; each
version renders it three times, alternately, and the best time counts (the
machine may be shared). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, help="the earlier tiles.py")
    parser.add_argument("collection")
    parser.add_argument("zooms", nargs="+", type=int)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infostrada.settings")
    import django

    django.setup()
    from infostrada.geo.ogc import tiles as after
    from infostrada.geo.ogc.catalog import get_collection

    spec = importlib.util.spec_from_file_location("tiles_before", args.before)
    assert spec is not None and spec.loader is not None
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    collection = get_collection(args.collection)
    extent = collection.extent_in("OGC:CRS84")
    assert extent is not None, "an empty collection"
    print("| z | tile | before KiB | after KiB | before ms | after ms |")
    print("|---:|---|---:|---:|---:|---:|")
    for z in args.zooms:
        found = list(after.tms().tiles(*extent, [z]))
        t = found[len(found) // 2]
        sizes, best = {}, {"before": 1e9, "after": 1e9}
        for _round in range(3):
            for name, module in (("before", before), ("after", after)):
                started = time.perf_counter()
                sizes[name] = len(module.render_tile(collection, t.z, t.x, t.y))
                best[name] = min(best[name], time.perf_counter() - started)
        print(
            f"| {z} | {t.x}/{t.y} | {sizes['before'] / 1024:.1f} | {sizes['after'] / 1024:.1f} "
            f"| {best['before'] * 1000:.0f} | {best['after'] * 1000:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
