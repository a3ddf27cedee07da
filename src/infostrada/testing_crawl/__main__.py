"""``python -m infostrada.testing_crawl``: serve the demo as ``make demo`` does, crawl it, stop it.

With ``--base-url`` (and ``--data-dir`` for its ``demo-credentials.json``)
it crawls a server that is already running instead. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infostrada.testing_crawl", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=0, help="port to serve on (default: a free one)"
    )
    parser.add_argument("--base-url", default="", help="crawl this running server instead")
    parser.add_argument("--data-dir", type=Path, default=None, help="its data directory")
    parser.add_argument("--threads", type=int, default=3, help="people crawled at once")
    parser.add_argument("--no-writes", action="store_true", help="only crawl, send no form")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infostrada.settings")
    if args.data_dir:
        os.environ["INFOSTRADA_DATA_DIR"] = str(args.data_dir)
    from infostrada.testing_crawl.server import served_demo

    if args.base_url:
        return _crawl(args.base_url, args.data_dir or _default_data_dir(), None, args)
    with served_demo(port=args.port or None, data_dir=args.data_dir) as served:
        os.environ["INFOSTRADA_DATA_DIR"] = str(served.data_dir)
        return _crawl(served.base_url, served.data_dir, served.log, args)


def _default_data_dir() -> Path:
    from infostrada.conf import BASE_DIR

    return Path(os.environ.get("INFOSTRADA_DATA_DIR") or BASE_DIR / "var")


def _crawl(base_url: str, data_dir: Path, log: Path | None, args: argparse.Namespace) -> int:
    import django

    django.setup()  # resolve() needs the URLconf; settings read the served data directory
    from infostrada.testing_crawl.run import report, run

    result = run(
        base_url, data_dir, server_log=log, threads=args.threads, writes=not args.no_writes
    )
    print(report(result), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
