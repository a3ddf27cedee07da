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
import os
import platform
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
    ``connections`` overrides --connections (writes, see README).
    """

    name: str
    path: str
    auth: str = ""
    method: str = "GET"
    body: str = ""
    limit: tuple[str, float] | None = None
    connections: int | None = None


# Later issues append their own targets here; the first is the ceiling.
SEARCH = "warunki zabudowy Grębocin"  # a JRWA matter and a place: ~1 % of the unit's cases
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
        "EZD my tasks (case officer)", f"/urzad/{UNIT}/ezd/", "case_officer", limit=("p95_ms", 150)
    ),
    Target(
        "EZD case search page: matter and place (case officer)",
        f"/urzad/{UNIT}/ezd/sprawy/?q=" + urllib.parse.quote(SEARCH),
        "case_officer",
        limit=("p95_ms", 200),
    ),
    Target(
        "EZD case search page: surname and place (case officer)",
        f"/urzad/{UNIT}/ezd/sprawy/?q=" + urllib.parse.quote("Kowalczyk Złotoria"),
        "case_officer",
        limit=("p95_ms", 200),
    ),
    Target(
        "EZD case search page: one common word (case officer)",
        f"/urzad/{UNIT}/ezd/sprawy/?q=wypis",
        "case_officer",
        limit=("p95_ms", 200),
    ),
    Target(
        "EZD case search API: matter and place (token)",
        f"/api/v1/units/{UNIT}/cases?q=" + urllib.parse.quote(SEARCH),
        "token",
        limit=("p95_ms", 200),
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
            body = r.read().decode()
            status = r.status
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{url} answered {e.code}") from None
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
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
) -> dict[str, float]:
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_CHECK": "1" if check else "0"}
    with tempfile.NamedTemporaryFile(suffix=".body") as body_file:
        if body is not None:
            body_file.write(body[1])
            body_file.flush()
            env["BENCH_BODY_FILE"] = body_file.name
            env["BENCH_CONTENT_TYPE"] = body[0]
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
        # wrk counts 4xx/5xx as status errors; with the check every non-2xx counts
        "non_2xx": s["non_2xx"] if s["checked"] else s["errors"]["status"],
        "socket_errors": errors - s["errors"]["status"],
    }


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
        for target in TARGETS:
            wanted = not args.only or any(o in target.name for o in args.only)
            if not wanted and "ceiling" not in target.name:
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
            found = probe(base + target.path, headers) if target.method == "GET" else ""
            check = "ceiling" not in target.name
            body = payloads[target.body] if target.body else None
            counts = [target.connections or args.connections]
            if target.method != "GET" and args.write_connections:
                counts += [c for c in args.write_connections if c not in counts]
            for connections in counts:
                url = base + target.path
                busy = wait_quiet(args.quiet, args.quiet_timeout) if args.quiet < 1 else None
                wrk(url, 3, connections, headers, body, target.method, check)  # warm-up
                measured = wrk(url, args.duration, connections, headers, body, target.method, check)
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

    ceiling = results[0]["rps"]
    for r in results:
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
        "Ratio = req/s of the target / req/s of the ceiling in this run. "
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
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
