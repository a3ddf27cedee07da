"""Following every same-origin link of the served platform as one role in one language.

**Which URLs are visited.** Every link, ``<link>``, script, image and GET
form (sent with its default values) on every HTML page is followed, but the
demo region has 164 units and tens of thousands of parcels, so each URL is
put in a *pattern*: Django's ``resolve()`` of its path gives the URL name, to
which the sorted names of its query parameters are added, and the unit slug
when the unit is one of the demo units that have data (those in
``demo-credentials.json``: the voivodeship, Toruń, Bydgoszcz, powiat toruński,
Lubicz, ...). At most ``PER_PATTERN`` (3) URLs of a pattern are visited, the
first ones found; so every page type is seen for every demo unit, and three
instances of it for the other 157 units together. Static files and public
non-HTML answers (map prints, tiles, GeoJSON) are fetched once per run, not
once per role.

**What is never followed.** Logout (it is a POST form anyway), any POST form,
and the language switch: nothing a crawl does by GET may change data. Two GET
pages record something on purpose and are followed as a person would: a
resident opening a letter in their inbox (that is its delivery), and the
workbench's unit switcher (it remembers the last unit in the session).

**What fails.** A 5xx; a 404 or 403 for a link the page offers; a page that
needs JavaScript (``pages.needs_javascript``); an HTML page in the wrong
language (``<html lang>``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import requests
from django.urls import Resolver404, resolve

from infostrada.testing_crawl import pages

PER_PATTERN = 3
MAX_PAGES = 3000  # per role and language: a crawl that finds more is running in circles
TIMEOUT = 60
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NEVER_FOLLOW = {"accounts:logout", "set_language"}
FAILING_CLIENT_ERRORS = {403, 404, 410}


@dataclass(frozen=True)
class Failure:
    role: str
    lang: str
    url: str
    status: int | None
    referrer: str | None
    reason: str


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    pattern: tuple[Any, ...]
    referrer: str | None
    seconds: float


@dataclass
class Shared:
    """What every crawler of one run shares: fetched static/public files, failures."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    fetched: dict[str, int] = field(default_factory=dict)  # URL -> status
    failures: list[Failure] = field(default_factory=list)

    def fail(self, failure: Failure) -> None:
        with self.lock:
            self.failures.append(failure)


def pattern_of(url: str, priority_units: set[str]) -> tuple[Any, ...]:
    """The pattern a URL belongs to (see the module docstring); unresolved paths are their own."""
    parts = urlsplit(url)
    keys = tuple(sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)}))
    if parts.path.startswith("/static/"):
        return ("static", parts.path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ("unresolved", parts.path, keys)
    unit = match.kwargs.get("unit_slug")
    return (match.view_name, keys, unit if unit in priority_units else None)


def new_session() -> requests.Session:
    """A browser-like session of a Polish reader: English only through the language form."""
    session = requests.Session()
    session.headers.update(
        {
            "Accept": BROWSER_ACCEPT,
            "Accept-Language": "pl,en;q=0.5",
            "User-Agent": "infostrada-crawl",
        }
    )
    return session


class Crawler:
    """One role in one language: a requests session and the pages it has seen."""

    def __init__(
        self,
        *,
        base_url: str,
        role: str,
        lang: str,
        session: requests.Session,
        priority_units: set[str],
        shared: Shared,
        per_pattern: int = PER_PATTERN,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = urlsplit(self.base_url).netloc
        self.role, self.lang, self.session = role, lang, session
        self.priority_units, self.shared, self.per_pattern = priority_units, shared, per_pattern
        self.visits: list[Visit] = []
        self.linked_views: set[str] = set()  # views reached through a link (not only a seed)
        self._seen: set[str] = set()
        self._per_pattern: dict[tuple[Any, ...], int] = {}

    # -- the crawl -----------------------------------------------------------
    def crawl(self, seeds: list[str]) -> list[Visit]:
        queue: deque[tuple[str, str | None]] = deque((self.absolute(s), None) for s in seeds)
        while queue:
            url, referrer = queue.popleft()
            if not self._admit(url, referrer):
                continue
            if len(self.visits) >= MAX_PAGES:
                self._fail(url, None, referrer, f"more than {MAX_PAGES} pages: the crawl stopped")
                break
            for found in self._visit(url, referrer):
                queue.append((found, url))
        return self.visits

    def _admit(self, url: str, referrer: str | None) -> bool:
        if urlsplit(url).netloc != self.origin:
            return False
        pattern = pattern_of(url, self.priority_units)
        # A link counts even to a page already visited (e.g. a seed such as
        # the resident's letters): "linked from nowhere" means no link at all.
        if referrer is not None and pattern[0] not in ("static", "unresolved"):
            self.linked_views.add(pattern[0])
        if url in self._seen:
            return False
        if pattern[0] in NEVER_FOLLOW:
            return False
        if self._per_pattern.get(pattern, 0) >= self.per_pattern:
            return False
        self._seen.add(url)
        self._per_pattern[pattern] = self._per_pattern.get(pattern, 0) + 1
        return True

    def _visit(self, url: str, referrer: str | None) -> list[str]:
        pattern = pattern_of(url, self.priority_units)
        once = self._fetched_once_per_run(url)
        if once:
            with self.shared.lock:
                if url in self.shared.fetched:
                    return []
                self.shared.fetched[url] = 0
        started = time.monotonic()
        try:
            response = self.session.get(url, timeout=TIMEOUT, headers=_referer(referrer))
        except requests.RequestException as error:
            self._fail(url, None, referrer, f"no answer: {error}")
            return []
        seconds = time.monotonic() - started
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        final = response.url
        self.visits.append(
            Visit(url, response.status_code, content_type, pattern, referrer, seconds)
        )
        if once:
            with self.shared.lock:
                self.shared.fetched[url] = response.status_code
        if final != url:
            self._seen.add(final)
        problem = status_problem(response.status_code)
        if problem:
            self._fail(url, response.status_code, referrer, problem)
            return []
        if content_type != "text/html" or urlsplit(final).netloc != self.origin:
            return []
        return self._read_page(final, response.content)

    def _read_page(self, url: str, content: bytes) -> list[str]:
        doc = pages.parse(content)
        lang = (doc.get("lang") or "").split("-")[0]
        if lang != self.lang:
            self._fail(url, 200, None, f"the page is in {lang or 'no language'!r}, not {self.lang}")
        for problem in pages.needs_javascript(doc, url):
            self._fail(url, 200, None, f"needs JavaScript: {problem}")
        found = [self.absolute(link) for link in pages.links(doc, url)]
        for form in pages.forms(doc, url):
            if form.method == "get" and pages.shown(form.element):
                found.append(self.absolute(form.get_url()))
        return found

    # -- helpers -------------------------------------------------------------
    def absolute(self, url: str) -> str:
        scheme, netloc, path, query, _fragment = urlsplit(urljoin(self.base_url + "/", url))
        return urlunsplit((scheme, netloc, path, query, ""))

    def _fetched_once_per_run(self, url: str) -> bool:
        """Static files and public downloads are the same for every role: fetched once."""
        path = urlsplit(url).path
        if path.startswith("/static/"):
            return True
        public = not path.startswith(("/urzad/", "/konto/", "/api/", "/admin/"))
        return (public and path.endswith((".pdf", ".png", ".json"))) or path.startswith("/ogc/")

    def _fail(self, url: str, status: int | None, referrer: str | None, reason: str) -> None:
        self.shared.fail(Failure(self.role, self.lang, url, status, referrer, reason))


def status_problem(status: int) -> str | None:
    if status >= 500:
        return f"server error {status}"
    if status in FAILING_CLIENT_ERRORS:
        return f"a link that answers {status}"
    return None


def _referer(referrer: str | None) -> dict[str, str]:
    return {"Referer": referrer} if referrer else {}
