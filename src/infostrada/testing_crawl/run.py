"""One crawl run against a served demo: every person in both languages, the writes, again.

The order: log everyone in; crawl every (person, language) in parallel; send
the scripted writes (``scripted``); crawl everything again, so that every page
is also seen with the new letters, cases, extracts and dispatches in it; then
check that the pages the issue names are reachable by links for the people
who need them. The result lists pages per person and language and every
failure with the page that linked to it and, for a 5xx, the server's
traceback line.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from infostrada.testing_crawl import scripted
from infostrada.testing_crawl.crawler import Crawler, Failure, Shared, Visit
from infostrada.testing_crawl.roles import (
    ANONYMOUS,
    CITIZEN,
    LoginFailed,
    Person,
    load_credentials,
    log_in,
    people,
    switch_language,
)

LANGUAGES = ("pl", "en")
UNIT = "lubicz"  # the gmina with cadastre, plans and EZD: its officials are crawled
EXTRA_SEEDS = {CITIZEN: ["/konto/skrzynka/"]}
OFFICIAL_SEEDS = ["/urzad/"]
# Pages the issue says must be linked for the people who use them.
MUST_BE_LINKED = {
    ANONYMOUS: ["zoning_extract:request"],
    CITIZEN: ["documents:citizen_letters"],
    "gis_operator": ["geo_import:import"],
}


@dataclass
class Result:
    base_url: str
    pages: dict[tuple[str, str, str], int] = field(default_factory=dict)  # phase, role, lang
    visits: dict[tuple[str, str], list[Visit]] = field(default_factory=dict)  # role, lang
    failures: list[Failure] = field(default_factory=list)
    tracebacks: dict[str, str] = field(default_factory=dict)  # path -> last lines
    seconds: float = 0.0
    sessions: dict[str, requests.Session] = field(default_factory=dict)  # role -> Polish session

    @property
    def ok(self) -> bool:
        return not self.failures


def run(
    base_url: str,
    data_dir: Path,
    *,
    server_log: Path | None = None,
    unit: str = UNIT,
    threads: int = 3,
    writes: bool = True,
) -> Result:
    started = time.monotonic()
    base_url = base_url.rstrip("/")
    credentials = load_credentials(data_dir)
    result = Result(base_url)
    shared = Shared()
    named = (credentials.get("base_url") or "").rstrip("/")
    if named != base_url:
        shared.fail(
            Failure(
                "-", "-", "demo-credentials.json", None, None, f"names {named!r}, not {base_url}"
            )
        )
    priority = set(credentials["units"])
    persons = people(credentials, unit)
    sessions, seeds = _log_everyone_in(base_url, persons, shared)
    result.sessions = {role: s for (role, lang), s in sessions.items() if lang == "pl"}
    print(f"crawling {base_url} as {len(persons)} people in {len(LANGUAGES)} languages", flush=True)
    crawlers = _phase("before the writes", result, shared, sessions, seeds, priority, threads)
    if writes:
        print("scripted writes:", flush=True)
        _writes(base_url, unit, credentials, sessions, shared)
        # new sessions: a session remembers the workbench's last unit, and the region
        # administrator would land there instead of on the list of every unit
        sessions, seeds = _log_everyone_in(base_url, persons, shared)
        result.sessions = {role: s for (role, lang), s in sessions.items() if lang == "pl"}
        crawlers = _phase("after the writes", result, shared, sessions, seeds, priority, threads)
    for role, views in MUST_BE_LINKED.items():
        linked = set().union(*(c.linked_views for (r, _l), c in crawlers.items() if r == role))
        for view in views:
            if (role, "pl") in sessions and view not in linked:
                shared.fail(Failure(role, "-", view, None, None, "no page links to it"))
    result.failures = shared.failures
    if server_log is not None:
        result.tracebacks = tracebacks(server_log)
    result.seconds = time.monotonic() - started
    return result


def _log_everyone_in(
    base_url: str, persons: list[Person], shared: Shared
) -> tuple[dict[tuple[str, str], requests.Session], dict[str, list[str]]]:
    """A Polish and an English session per person, and where each starts crawling."""
    sessions: dict[tuple[str, str], requests.Session] = {}
    seeds: dict[str, list[str]] = {}
    for person in persons:
        try:
            # one login per language: the two crawls run at once and a session keeps
            # state (the workbench's last unit) that one would change under the other
            session, landed = log_in(base_url, person)
            english, _landed = log_in(base_url, person)
            switch_language(base_url, english, "en")
        except (LoginFailed, requests.RequestException, StopIteration) as error:
            shared.fail(Failure(person.role, "-", "/konto/logowanie/", None, None, str(error)))
            continue
        sessions[person.role, "pl"], sessions[person.role, "en"] = session, english
        seeds[person.role] = ["/", *([landed] if landed else []), *_extra_seeds(person)]
    return sessions, seeds


def _extra_seeds(person: Person) -> list[str]:
    if person.role in (ANONYMOUS, CITIZEN):
        return EXTRA_SEEDS.get(person.role, [])
    return OFFICIAL_SEEDS


def _phase(
    name: str,
    result: Result,
    shared: Shared,
    sessions: dict[tuple[str, str], requests.Session],
    seeds: dict[str, list[str]],
    priority: set[str],
    threads: int,
) -> dict[tuple[str, str], Crawler]:
    started = time.monotonic()
    shared.fetched.clear()
    crawlers = {
        key: Crawler(
            base_url=result.base_url,
            role=key[0],
            lang=key[1],
            session=session,
            priority_units=priority,
            shared=shared,
        )
        for key, session in sessions.items()
    }
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = {key: pool.submit(crawler.crawl, seeds[key[0]]) for key, crawler in crawlers.items()}
        for key, future in done.items():
            visits = future.result()
            result.pages[(name, *key)] = len(visits)
            result.visits[key] = visits
    total = sum(result.pages[(name, *key)] for key in crawlers)
    print(f"{name}: {total} pages in {time.monotonic() - started:.0f} s", flush=True)
    return crawlers


def _writes(
    base_url: str,
    unit: str,
    credentials: dict,  # type: ignore[type-arg]
    sessions: dict[tuple[str, str], requests.Session],
    shared: Shared,
) -> None:
    def actor(role: str) -> scripted.Actor:
        return scripted.Actor(role, sessions[role, "pl"])

    missing = {"anonymous", "citizen", "chancellery", "case_officer"} - {r for r, _ in sessions}
    if missing:
        shared.fail(Failure("-", "pl", "scripted writes", None, None, f"no session for {missing}"))
        return
    parcel = scripted.run_step(
        shared,
        ANONYMOUS,
        "find a parcel",
        lambda: scripted.parcel_in(actor(ANONYMOUS), base_url, unit, "Grębocin"),
    )
    if parcel:
        for role in (ANONYMOUS, CITIZEN):
            scripted.run_step(
                shared,
                role,
                "zoning-extract request",
                lambda role=role: scripted.request_extract(actor(role), base_url, unit, parcel),
            )
    scripted.run_step(
        shared,
        "chancellery",
        "registered paper letter",
        lambda: scripted.register_letter(actor("chancellery"), base_url, unit),
    )
    approvers = [actor(r) for r in ("approver", "secretary") if (r, "pl") in sessions]
    # the dispatch form lists residents by name; the demo's first citizen is Jan Kowalski
    # The dispatch form finds a resident by PESEL or e-mail; it lists nobody.
    citizen = credentials["citizens"][0]["pesel"]
    scripted.run_step(
        shared,
        "case_officer",
        "draft, approval, seal and dispatch",
        lambda: scripted.draft_and_dispatch(
            base_url,
            unit,
            actor("case_officer"),
            approvers,
            [actor("chancellery"), actor("case_officer"), *approvers],
            citizen,
        ),
    )


def tracebacks(log: Path) -> dict[str, str]:
    """path -> the exception and its innermost line, from Django's error log of the server."""
    text = log.read_text(encoding="utf-8", errors="replace")
    found: dict[str, str] = {}
    for block in re.split(r"\n(?=Internal Server Error: )", text):
        match = re.match(r"Internal Server Error: (\S+)", block)
        if not match:
            continue
        lines = [line for line in block.splitlines() if line.strip()]
        where = [line.strip() for line in lines if line.strip().startswith('File "')]
        exception = next(
            (line for line in reversed(lines) if re.match(r"^[\w.]+(Error|Exception)\b", line)),
            lines[-1] if lines else "",
        )
        own = [line for line in where if "site-packages" not in line]
        frames = [*own[-1:], *where[-1:]] if where and own[-1:] != where[-1:] else where[-1:]
        found[urlsplit(match.group(1)).path] = " | ".join([*frames, exception])
    return found


def report(result: Result) -> str:
    """The summary printed at the end: pages per person and language, then every failure."""
    lines = ["", "pages crawled (phase / person / language):"]
    for (phase, role, lang), count in sorted(result.pages.items()):
        lines.append(f"  {phase:18} {role:26} {lang}  {count:5}")
    total = sum(result.pages.values())
    lines.append(f"  total {total} pages in {result.seconds:.0f} s")
    if not result.failures:
        lines.append("no failures")
        return "\n".join(lines)
    grouped = Counter((f.url, f.status, f.reason) for f in result.failures)
    lines.append(f"{len(result.failures)} failures ({len(grouped)} distinct):")
    seen: set[tuple[str, int | None, str]] = set()
    for failure in result.failures:
        key = (failure.url, failure.status, failure.reason)
        if key in seen:
            continue
        seen.add(key)
        who = sorted(
            {f"{f.role}/{f.lang}" for f in result.failures if (f.url, f.status, f.reason) == key}
        )
        lines.append(f"- {failure.url} [{failure.status or '-'}] {failure.reason}")
        lines.append(f"    as: {', '.join(who[:6])}{' ...' if len(who) > 6 else ''}")
        if failure.referrer:
            lines.append(f"    linked from: {failure.referrer}")
        trace = result.tracebacks.get(urlsplit(failure.url).path)
        if trace and (failure.status or 0) >= 500:
            lines.append(f"    traceback: {trace}")
    return "\n".join(lines)
