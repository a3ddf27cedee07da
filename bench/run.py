#!/usr/bin/env python3
"""Infostrada load benchmark: seed at scale, start the production server, drive
load from a second process on loopback (wrk), record the results.

Usage:  python bench/run.py [--scale N] [--duration S] [--connections C]
        [--database-url postgresql://...] [--only NAME ...]

Every run measures a bare Django view through the same server and middleware
as the ceiling, and reports each page as a ratio of it. Results are written to
bench/results/<date>-<name>.json and .md with a description of the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.cookiejar
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
UNIT = "lubicz"  # the bench unit: `seed-demo --scale` puts most EZD data there


@dataclass(frozen=True)
class Target:
    """One thing to measure.

    ``auth`` is "" (anonymous), "token" (the unit's demo API token with all
    scopes) or a role whose demo official's session is used (logged in once
    through the login form). ``body`` names a request body built by
    ``bodies()``. ``limit`` is the acceptance threshold, e.g. ("p95_ms", 150).
    ``connections`` overrides --connections (writes, see README). ``paths``
    names a list of paths built by ``path_lists()``: each request takes the
    next one (``path`` then only describes them). ``new_layer_version``: a
    layer of the bench unit whose version changes before the warm-up and
    before the measurement, so that none of its tiles is cached (cold tiles).
    ``also_connections``: measure it also with these numbers of connections
    (a latency threshold, see README).
    """

    name: str
    path: str
    auth: str = ""
    method: str = "GET"
    body: str = ""
    limit: tuple[str, float] | None = None
    connections: int | None = None
    paths: str = ""
    new_layer_version: str = ""
    also_connections: tuple[int, ...] = ()


# Later issues append their own targets here; the first is the ceiling.
SEARCH = "warunki zabudowy Grębocin"  # a JRWA matter and a place: ~1 % of the unit's cases
# Geoportal: the synthetic parcels of `seed-demo --scale` (geo/scale.py), 10,000 per
# precinct, precincts 1001.. in rows of 20 from 495 000 E, 585 000 N (EPSG:2180).
PARCELS = f"{UNIT}.dzialki-syntetyczne"
PRECINCTS = f"{UNIT}.obreby-syntetyczne"
# ~500 x 500 m (CRS84, lon/lat) around the middle of precinct 1051 (row 3, column 11 of
# the grid; 524 825 E, 575 625 N): a dense suburban grid, ~300 parcels meet it, 60 %
# built up.
BBOX = "19.3667,53.0432,19.3742,53.0477"
TILE = "16/36294/21334"  # the z16 tile holding the centre of BBOX
TILE_3857 = "2156135.69,6991236.36,2156747.19,6991847.85"  # its bounds (EPSG:3857)
OGC = f"/ogc/collections/{PARCELS}"
# The thresholds of the EZD and geo issues are latencies: measured also with one
# connection, where a request waits for nothing (one server worker busy, wrk on the
# other core of the two).
GEO_LATENCY = LATENCY = (1,)
TARGETS: list[Target] = [
    Target("ceiling (bare Django view)", "/_bench/bare"),
    Target("regional home", "/"),
    Target("unit home", f"/{UNIT}/"),
    Target("GET /api/v1/units", "/api/v1/units"),
    Target(
        "GET /api/v1/units/lubicz/audit-events (token)",
        f"/api/v1/units/{UNIT}/audit-events",
        auth="token",
    ),
    # EZD (documents): the acceptance of the EZD issue
    Target(
        "EZD my tasks (case officer)",
        f"/urzad/{UNIT}/ezd/",
        "case_officer",
        limit=("p95_ms", 150),
        also_connections=LATENCY,
    ),
    Target(
        "EZD case search page: matter and place (case officer)",
        f"/urzad/{UNIT}/ezd/sprawy/?q=" + urllib.parse.quote(SEARCH),
        "case_officer",
        limit=("p95_ms", 200),
        also_connections=LATENCY,
    ),
    Target(
        "EZD case search page: surname and place (case officer)",
        f"/urzad/{UNIT}/ezd/sprawy/?q=" + urllib.parse.quote("Kowalczyk Złotoria"),
        "case_officer",
        limit=("p95_ms", 200),
        also_connections=LATENCY,
    ),
    Target(
        "EZD case search page: one common word (case officer)",
        f"/urzad/{UNIT}/ezd/sprawy/?q=wypis",
        "case_officer",
        limit=("p95_ms", 200),
        also_connections=LATENCY,
    ),
    Target(
        "EZD case search API: matter and place (token)",
        f"/api/v1/units/{UNIT}/cases?q=" + urllib.parse.quote(SEARCH),
        "token",
        limit=("p95_ms", 200),
        also_connections=LATENCY,
    ),
    # Geoportal: the acceptance of the geoportal issue, at 1,000,000 parcels (--scale 100)
    Target(
        "GEO items in a 500 m bbox, limit 100",
        f"{OGC}/items?bbox={BBOX}&limit=100",
        limit=("p99_ms", 50),
        also_connections=GEO_LATENCY,
    ),
    Target(
        "GEO feature by id",
        f"{OGC}/items/041504_2.{{precinct}}.{{number}}",
        limit=("p99_ms", 20),
        paths="parcel_ids",
        also_connections=GEO_LATENCY,
    ),
    Target(
        "GEO z16 vector tile, cold",
        f"{OGC}/tiles/WebMercatorQuad/16/{{x}}/{{y}}",
        limit=("p99_ms", 50),
        paths="cold_tiles",
        new_layer_version="dzialki-syntetyczne",
        also_connections=GEO_LATENCY,
    ),
    Target(
        "GEO z16 vector tile, cached",
        f"{OGC}/tiles/WebMercatorQuad/{TILE}",
        limit=("p99_ms", 5),
        also_connections=GEO_LATENCY,
    ),
    Target(
        "GEO WMS GetMap 256x256 PNG",
        "/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS="
        + PARCELS
        + "&STYLES=&CRS=EPSG:3857&BBOX="
        + TILE_3857
        + "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE",
        limit=("p99_ms", 200),
        also_connections=GEO_LATENCY,
    ),
    # writes last: they add rows the reads above would otherwise see
    Target(
        "EZD register an incoming item (POST API, token)",
        f"/api/v1/units/{UNIT}/incoming-items",
        "token",
        method="POST",
        body="incoming",
        limit=("p99_ms", 100),
    ),
    Target(
        "EZD open a case (POST API, token)",
        f"/api/v1/units/{UNIT}/cases",
        "token",
        method="POST",
        body="case",
        limit=("p99_ms", 100),
    ),
]

# Rows in the benchmark database, recorded with the results (scale of the data).
COUNT_ROWS = """
import json
from infostrada.accounts.models import User
from infostrada.audit.models import AuditEvent
from infostrada.documents.models import (
    Assignment, Case, CaseParty, IncomingItem, SearchEntry,
)
from infostrada.geo.models import Feature, Layer, Parcel
from infostrada.tenancy.models import Unit
why = "benchmark"
print(json.dumps({
    "units": Unit.objects.count(),
    "users": User.objects.count(),
    "audit_events": AuditEvent.objects.unscoped(why).count(),
    "incoming_items": IncomingItem.objects.unscoped(why).count(),
    "cases": Case.objects.unscoped(why).count(),
    "case_parties": CaseParty.objects.unscoped(why).count(),
    "assignments": Assignment.objects.unscoped(why).count(),
    "search_entries": SearchEntry.objects.unscoped(why).count(),
    "lubicz_incoming_items": IncomingItem.objects.unscoped(why).filter(unit__slug="lubicz").count(),
    "lubicz_cases": Case.objects.unscoped(why).filter(unit__slug="lubicz").count(),
    "geo_layers": Layer.objects.unscoped(why).count(),
    "geo_features": Feature.objects.unscoped(why).count(),
    "parcels": Parcel.objects.unscoped(why).count(),
    "lubicz_synthetic_parcels": Feature.objects.unscoped(why)
    .filter(layer__unit__slug="lubicz", layer__slug="dzialki-syntetyczne").count(),
}))
"""
BOUNDARY = "----infostrada-bench-0b7c"


def bodies() -> dict[str, tuple[str, bytes]]:
    """Request bodies of the write targets: name -> (Content-Type, bytes).

    The same body every time: registration without ``source_id`` registers a
    new letter per request (with it, a repeat would return the first one).
    """
    yesterday = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Warsaw")).date()
    yesterday -= datetime.timedelta(days=1)
    letter = {
        "channel": "paper",
        "received_on": yesterday.isoformat(),
        "subject": "Wniosek o wydanie wypisu i wyrysu z planu miejscowego, działka nr 12/3",
        "party_kind": "person",
        "first_name": "Jan",
        "last_name": "Benchmarkowy",
        "street": "ul. Polna 3",
        "postal_code": "87-162",
        "city": "Grębocin",
    }
    multipart = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="data"\r\n'
        "Content-Type: application/json\r\n\r\n"
        f"{json.dumps(letter, ensure_ascii=False)}\r\n"
        f"--{BOUNDARY}--\r\n"
    ).encode()
    case = {
        "department": "ZP",
        "file_class": "6727",
        "title": "Wypis i wyrys z planu miejscowego, działka nr 12/3, obręb Grębocin",
        "parties": [
            {
                "role": "applicant",
                "party_kind": "person",
                "first_name": "Jan",
                "last_name": "Benchmarkowy",
                "city": "Grębocin",
            }
        ],
    }
    return {
        "incoming": (f"multipart/form-data; boundary={BOUNDARY}", multipart),
        "case": ("application/json", json.dumps(case, ensure_ascii=False).encode()),
    }


def _precincts(base: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(identifier, CRS84 box) of every synthetic precinct, read through the OGC API."""
    found = []
    url: str | None = base + f"/ogc/collections/{PRECINCTS}/items?limit=1000&f=json"
    while url:
        with urllib.request.urlopen(url, timeout=60) as r:
            page = json.load(r)
        for feature in page["features"]:
            ring = feature["geometry"]["coordinates"][0]
            lons, lats = [p[0] for p in ring], [p[1] for p in ring]
            box = (min(lons), min(lats), max(lons), max(lats))
            found.append((feature["properties"]["identifier"], box))
        url = next((x["href"] for x in page["links"] if x["rel"] == "next"), None)
    if not found:
        raise SystemExit(f"no synthetic precincts in {PRECINCTS}: seed with --scale")
    return found


def _tile_xy(lon: float, lat: float, z: int) -> tuple[float, float]:
    """WebMercatorQuad column and row (fractional) of a point."""
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return (lon + 180) / 360 * n, y


def path_lists(base: str) -> dict[str, list[str]]:
    """Lists of paths for targets that take a different path per request (``Target.paths``).

    ``cold_tiles``: every z16 tile whose centre lies in a synthetic precinct
    (about 70 a precinct: 7,000 at --scale 100), in a fixed shuffled order
    (neighbouring tiles would share the database pages just read).
    ``parcel_ids``: 100,000 identifiers of synthetic parcels across all
    precincts (plain numbers; geo/scale.py numbers plots 1..10,000 and splits
    every tenth, so numbers ending in 5 or 6 are not plain).
    """
    precincts = _precincts(base)
    tiles = []
    for _identifier, (west, south, east, north) in precincts:
        x0, y0 = _tile_xy(west, north, 16)
        x1, y1 = _tile_xy(east, south, 16)
        for x in range(math.floor(x0), math.ceil(x1)):
            for y in range(math.floor(y0), math.ceil(y1)):
                if x0 <= x + 0.5 <= x1 and y0 <= y + 0.5 <= y1:
                    tiles.append(f"/ogc/collections/{PARCELS}/tiles/WebMercatorQuad/16/{x}/{y}")
    tiles = sorted(set(tiles))
    random.Random(16).shuffle(tiles)
    shuffle = random.Random(1)
    numbers = [n for n in range(1, 10_001) if n % 10 not in (5, 6)]
    ids = [
        f"/ogc/collections/{PARCELS}/items/{shuffle.choice(precincts)[0]}.{shuffle.choice(numbers)}"
        for _ in range(100_000)
    ]
    return {"cold_tiles": tiles, "parcel_ids": ids}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        # other work on the machine skews the numbers: the 1/5/15-minute load
        # average when the load started (2 cores: 2.0 is a busy machine)
        "load_average": load,
    }


def new_layer_version(infostrada: str, env: dict[str, str], layer: str) -> None:
    """Give a layer of the bench unit a new version: none of its tiles is cached any more.

    Tiles are cached under the layer's version (its ``updated_at``), in whatever
    cache the server uses: after a change of the layer every tile is drawn anew,
    which is what a cold tile is.
    """
    code = (
        "from django.utils import timezone; from infostrada.geo.models import Layer; "
        "Layer.objects.unscoped('benchmark: cold tiles')"
        f".filter(unit__slug={UNIT!r}, slug={layer!r}).update(updated_at=timezone.now())"
    )
    subprocess.run([infostrada, "shell", "--no-imports", "-c", code], env=env, check=True)


def run(cmd: list[str], env: dict[str, str]) -> float:
    started = time.time()
    subprocess.run(cmd, env=env, check=True)
    return round(time.time() - started, 1)


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of the machine's CPU time that was busy during ``seconds`` (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values), idle

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_quiet(limit: float, timeout: float) -> float:
    """Wait until other work on the machine uses less than ``limit`` of the CPU.

    Other work shares the 2 cores with the server and wrk and skews the
    numbers; between targets the server is idle, so what is busy is someone
    else. Gives up after ``timeout`` seconds; returns the last share seen.
    """
    deadline = time.time() + timeout
    busy = cpu_busy()
    while busy > limit and time.time() < deadline:
        busy = cpu_busy(2.0)
    return round(busy, 2)


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not become healthy")


def login(base: str, username: str, password: str) -> str:
    """Log in through the login form (with its CSRF token); the Cookie header to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = base + "/konto/logowanie/"
    page = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(), headers={"Referer": url}
    )
    opener.open(request, timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"login of {username} failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def probe(url: str, headers: dict[str, str]) -> str:
    """One GET before the load: it must answer 200 (not a redirect to the login page)."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=60) as r:
            raw = r.read()
            status = r.status
            content_type = r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{url} answered {e.code}") from None
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    if not content_type.startswith(("text/", "application/json", "application/geo+json")):
        return f"{len(raw)} bytes of {content_type}"  # a tile, a map image
    body = raw.decode()
    if "geo+json" in content_type:
        data = json.loads(body)
        return f"{len(data.get('features', [data]))} features"
    if "/api/" in url:
        data = json.loads(body)
        return f"{len(data.get('items', data))} items" if isinstance(data, dict) else ""
    rows = len(re.findall(r"<tr>\s*<td>", body))
    return f"{rows} table rows"


def wrk(
    url: str,
    duration: int,
    connections: int,
    headers: dict[str, str],
    body: tuple[str, bytes] | None = None,
    method: str = "GET",
    check: bool = True,
    paths: list[str] | None = None,
) -> dict[str, float]:
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_CHECK": "1" if check else "0"}
    with (
        tempfile.NamedTemporaryFile(suffix=".body") as body_file,
        tempfile.NamedTemporaryFile("w", suffix=".paths") as paths_file,
    ):
        if body is not None:
            body_file.write(body[1])
            body_file.flush()
            env["BENCH_BODY_FILE"] = body_file.name
            env["BENCH_CONTENT_TYPE"] = body[0]
        if paths:
            paths_file.write("\n".join(paths) + "\n")
            paths_file.flush()
            env["BENCH_PATHS_FILE"] = paths_file.name
        options = ["-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
        options += ["-s", str(WRK_SCRIPT)]
        options += [a for k, v in headers.items() for a in ("-H", f"{k}: {v}")]
        out = subprocess.run(
            ["wrk", *options, url],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{out}")
    s = json.loads(line.removeprefix("BENCH "))
    errors = sum(s["errors"].values())
    return {
        "rps": round(s["requests"] / (s["duration_us"] / 1e6), 2),
        "requests": s["requests"],
        "p50_ms": round(s["p50_us"] / 1000, 2),
        "p90_ms": round(s["p90_us"] / 1000, 2),
        "p95_ms": round(s["p95_us"] / 1000, 2),
        "p99_ms": round(s["p99_us"] / 1000, 2),
        "max_ms": round(s["max_us"] / 1000, 2),
        "mean_ms": round(s["mean_us"] / 1000, 3),
        # wrk counts 4xx/5xx as status errors; with the check every non-2xx counts
        "non_2xx": s["non_2xx"] if s["checked"] else s["errors"]["status"],
        "socket_errors": errors - s["errors"]["status"],
    }


def wanted_target(target: Target, args: argparse.Namespace) -> bool:
    """Picked by --only (a part of its name); the ceiling always runs."""
    return "ceiling" in target.name or not args.only or any(o in target.name for o in args.only)


def connection_counts(target: Target, args: argparse.Namespace) -> list[int]:
    """The numbers of connections a target is measured with, its own first."""
    counts = [target.connections or args.connections]
    extra = list(target.also_connections)
    if target.method != "GET" and args.write_connections:
        extra += args.write_connections
    return counts + [c for c in dict.fromkeys(extra) if c not in counts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--write-connections",
        type=int,
        nargs="*",
        default=None,
        help="Measure the write targets also with these numbers of connections.",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--name", default="foundation")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument(
        "--quiet",
        type=float,
        default=0.1,
        help="Before each target, wait (up to --quiet-timeout s) until the machine's CPU "
        "is busy less than this share (other work skews the numbers); 1 = do not wait.",
    )
    parser.add_argument("--quiet-timeout", type=float, default=300)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="infostrada-bench-")
    env = {**os.environ, "INFOSTRADA_DATA_DIR": data_dir, "INFOSTRADA_BENCH_CEILING": "1"}
    if args.database_url:
        env["INFOSTRADA_DATABASE_URL"] = args.database_url
    infostrada = str(BIN / "infostrada")
    fresh = not (Path(data_dir) / "demo-credentials.json").exists()
    seed_load = machine()["load_average"]
    phases = {
        "migrate": run([infostrada, "migrate", "--noinput", "-v0"], env),
        "collectstatic": run([infostrada, "collectstatic", "--noinput", "-v0"], env),
        "seed-demo": run([infostrada, "seed-demo", "--scale", str(args.scale)], env),
    }
    seed_seconds = round(sum(phases.values()), 1)
    rows = json.loads(
        subprocess.run(
            [infostrada, "shell", "--no-imports", "-c", COUNT_ROWS],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    credentials = json.loads((Path(data_dir) / "demo-credentials.json").read_text())
    unit = credentials["units"][UNIT]

    host = machine()
    port = free_port()
    env["INFOSTRADA_BIND"] = f"127.0.0.1:{port}"
    server = subprocess.Popen([infostrada, "serve"], env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    payloads = bodies()
    results = []
    try:
        wait_healthy(base)
        sessions: dict[str, str] = {}
        lists: dict[str, list[str]] | None = None
        for target in TARGETS:
            if not wanted_target(target, args):
                continue
            headers: dict[str, str] = {}
            if target.auth == "token":
                headers["Authorization"] = f"Bearer {unit['api_token']}"
            elif target.auth:
                if target.auth not in sessions:
                    login_data = unit["officials"][target.auth]
                    sessions[target.auth] = login(
                        base, login_data["username"], login_data["password"]
                    )
                headers["Cookie"] = sessions[target.auth]
            counts = connection_counts(target, args)
            if "ceiling" in target.name:  # at every number of connections of the run
                counts += sorted(
                    {
                        c
                        for t in TARGETS
                        if wanted_target(t, args)
                        for c in connection_counts(t, args)
                    }
                    - set(counts)
                )
            path, paths = target.path, None
            if target.paths:
                if lists is None:
                    lists = path_lists(base)
                paths = lists[target.paths]
                path = paths[0]
            found = probe(base + path, headers) if target.method == "GET" else ""
            check = "ceiling" not in target.name
            body = payloads[target.body] if target.body else None
            for connections in counts:
                url = base + path
                busy = wait_quiet(args.quiet, args.quiet_timeout) if args.quiet < 1 else None
                if target.new_layer_version:
                    new_layer_version(infostrada, env, target.new_layer_version)
                wrk(url, 3, connections, headers, body, target.method, check, paths)  # warm-up
                if target.new_layer_version:
                    new_layer_version(infostrada, env, target.new_layer_version)
                measured = wrk(
                    url, args.duration, connections, headers, body, target.method, check, paths
                )
                if paths is not None:
                    # more requests than paths: some were asked for again (a cached tile)
                    measured["distinct_paths"] = len(paths)
                    measured["repeated"] = max(0, int(measured["requests"]) - len(paths))
                result = {
                    "name": target.name,
                    "path": target.path,
                    "method": target.method,
                    "auth": target.auth or "anonymous",
                    "connections": connections,
                    "found": found,
                    # CPU share busy with other work just before the load started
                    "cpu_busy_before": busy,
                    **measured,
                }
                if target.limit:
                    metric, limit = target.limit
                    result["limit"] = f"{metric.removesuffix('_ms')} < {limit:g} ms"
                    result["passes"] = measured[metric] < limit and measured["non_2xx"] == 0
                results.append(result)
                print(f"{target.name:58s} c={connections} {measured}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    # each target against the ceiling at its own number of connections
    ceilings = {r["connections"]: r["rps"] for r in results if "ceiling" in r["name"]}
    for r in results:
        ceiling = ceilings.get(r["connections"]) or results[0]["rps"]
        r["ratio_to_ceiling"] = round(r["rps"] / ceiling, 3) if ceiling else None
    db = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "name": args.name,
        "database": db,
        "scale": args.scale,
        "seed_seconds": seed_seconds,
        "seed_phases_seconds": phases,
        # False: the data dir was seeded by an earlier run; this run's seed-demo
        # only checked that everything is there (it is idempotent)
        "seeded_fresh": fresh,
        "load_average_before_seeding": seed_load,
        "rows": rows,
        "load": {
            "tool": "wrk",
            "threads": 1,
            "connections": args.connections,
            "duration_s": args.duration,
            "warm_up_s": 3,
            "from": "second process on loopback",
        },
        "server": "infostrada serve (granian WSGI, one worker per core)",
        "machine": host,
        "results": results,
    }
    stem = RESULTS / f"{datetime.date.today().isoformat()}-{args.name}-{db}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    stem.with_suffix(".md").write_text(markdown(report))
    print(f"results: {stem}.md")


def markdown(report: dict) -> str:  # type: ignore[type-arg]
    rows, m = report["rows"], report["machine"]
    phases = ", ".join(f"{k} {v} s" for k, v in report["seed_phases_seconds"].items())
    lines = [
        f"# {report['name']} benchmark — {report['date']} "
        f"({report['database']}, scale {report['scale']})",
        "",
        "Data: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in rows.items()) + ".",
        f"Seeded in {report['seed_seconds']} s ({phases}; load average "
        f"{report['load_average_before_seeding']} before)"
        + ("." if report["seeded_fresh"] else "; data seeded by an earlier run, re-checked."),
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, Python {m['python']}; "
        f"load average {m['load_average']} when the load started.",
        f"Load: wrk, 1 thread, {report['load']['connections']} connections unless the table "
        f"says otherwise, {report['load']['duration_s']} s per target after a 3 s warm-up, "
        "from a second process on loopback; server and load share the machine. "
        "Ratio = req/s of the target / req/s of the ceiling with as many connections in this run. "
        "CPU busy before = share of the machine busy with other work just before the target "
        "(the run waits for it to drop below its --quiet limit).",
        "",
        "| target | path | conn. | req/s | p50 ms | p95 ms | p99 ms | ratio to ceiling "
        "| non-2xx | threshold | passes | CPU busy before |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for r in report["results"]:
        passes = {True: "yes", False: "**no**", None: ""}[r.get("passes")]
        path = r["path"] if r["method"] == "GET" else f"{r['method']} {r['path']}"
        lines.append(
            f"| {r['name']} | `{path}` | {r['connections']} | {r['rps']:.0f} | "
            f"{r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['ratio_to_ceiling']:.3f} | {r['non_2xx']} | {r.get('limit', '')} | {passes} | "
            f"{'' if r.get('cpu_busy_before') is None else format(r['cpu_busy_before'], '.0%')} |"
        )
    # wrk corrects for coordinated omission: an answer that took S ms adds samples for
    # the requests a steady client would have sent meanwhile (S - i x the mean
    # interval), so one stall of the server lifts p99 far above p95. Then the
    # latencies add up to more than the connections had time for.
    stalled = [
        r
        for r in report["results"]
        if r.get("mean_ms", 0) / 1000 * r["rps"] > 1.1 * r["connections"]
    ]
    rotated = [r for r in report["results"] if "distinct_paths" in r]
    if rotated or stalled:
        lines.append("")
    for r in stalled:
        lines.append(
            f"{r['name']} (c={r['connections']}): the server stalled (longest answer "
            f"{r['max_ms']:.0f} ms); with wrk's correction for coordinated omission the "
            f"latencies add up to {r['mean_ms'] / 1000 * r['rps'] / r['connections']:.1f} x "
            "the connections' time, and the percentiles count the requests a steady client "
            "would have sent during the stall."
        )
    for r in rotated:
        lines.append(
            f"{r['name']}: each request a different path of {r['distinct_paths']:,} "
            f"({r['requests']:,} requests"
            + (f", {r['repeated']:,} of them repeats)." if r["repeated"] else ", none repeated).")
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
