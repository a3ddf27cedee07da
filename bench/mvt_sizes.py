"""Vector tile sizes and render times per zoom level, over the demo data.

Renders tiles straight through ``geo.ogc.tiles.render_tile`` (no server, no
cache), for every public collection, at each zoom level: every tile that
covers the collection's extent, or an even sample of ``--per-zoom`` of them.
Prints a Markdown table (bytes per tile: max, mean; features; ms per tile).

    INFOSTRADA_DATA_DIR=var .venv/bin/python bench/mvt_sizes.py --zooms 5-16

Seed the data first: ``infostrada migrate && infostrada seed-demo``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zooms", default="5-16", help="a range a-b of zoom levels")
    parser.add_argument("--per-zoom", type=int, default=12, help="tiles per collection and zoom")
    parser.add_argument("--layers", default="dzialki,budynki,obreby", help="layer slugs")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infostrada.settings")
    import django

    django.setup()
    import mapbox_vector_tile

    from infostrada.geo.ogc import tiles
    from infostrada.geo.ogc.catalog import public_collections

    first, _, last = args.zooms.partition("-")
    zooms = range(int(first), int(last or first) + 1)
    wanted = set(args.layers.split(","))
    collections = [c for c in public_collections() if c.layer.slug in wanted]
    print("| collection | z | tiles | max KiB | mean KiB | max features | mean ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for collection in collections:
        extent = collection.extent_in("OGC:CRS84")
        if extent is None:
            continue
        for z in zooms:
            found = list(tiles.tms().tiles(*extent, [z]))
            step = max(1, len(found) // args.per_zoom)
            sample = found[::step][: args.per_zoom]
            sizes, counts, times = [], [], []
            for t in sample:
                started = time.perf_counter()
                body = tiles.render_tile(collection, t.z, t.x, t.y)
                times.append((time.perf_counter() - started) * 1000)
                sizes.append(len(body))
                decoded = mapbox_vector_tile.decode(body) if body else {}
                counts.append(sum(len(layer["features"]) for layer in decoded.values()))
            print(
                f"| {collection.id} | {z} | {len(sample)}/{len(found)} "
                f"| {max(sizes) / 1024:.1f} | {statistics.mean(sizes) / 1024:.1f} "
                f"| {max(counts)} | {statistics.mean(times):.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
