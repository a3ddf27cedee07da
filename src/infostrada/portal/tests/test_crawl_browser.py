"""axe-core on every kind of page the crawl visits, for every role, in a real Chromium.

The demo is served as ``make demo`` serves it (``infostrada serve``, the
manifest storage, the demo data) and crawled as every role, with the main
forms sent (so that the document, letter and extract pages exist); then each
role's browser, logged in with the crawl's own session, opens one page of
every URL pattern the crawl reached (URL name plus query keys, whatever the
unit) and axe-core's WCAG 2.1 A/AA rules must find nothing serious or
critical. ``/api/v1/docs`` is among them (the footer links it).

Run with ``make test-browser`` (pytest -m browser).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from infostrada.testing_browser import serious_violations
from infostrada.testing_crawl.roles import ANONYMOUS, CITIZEN, REGION_ADMIN
from infostrada.testing_crawl.run import Result, report, run
from infostrada.testing_crawl.server import served_demo

pytestmark = pytest.mark.browser

ROLES = [
    ANONYMOUS,
    CITIZEN,
    "unit_admin",
    "chancellery",
    "case_officer",
    "approver",
    "secretary",
    "bip_editor",
    "register_keeper",
    "gis_operator",
    "participation_coordinator",
    "archivist",
    REGION_ADMIN,
]


@pytest.fixture(scope="module")
def crawled() -> Iterator[Result]:
    with served_demo() as served:
        result = run(served.base_url, served.data_dir, server_log=served.log)
        print(report(result))  # the crawl's own failures are the crawl's check (make crawl)
        yield result


def _one_page_per_pattern(result: Result, role: str) -> list[str]:
    chosen: dict[tuple[object, ...], str] = {}
    for visit in result.visits.get((role, "pl"), []):
        if visit.status == 200 and visit.content_type == "text/html":
            chosen.setdefault(visit.pattern[:2], visit.url)
    return list(chosen.values())


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_accessibility_violation_on_any_page_the_crawl_visits(browser, crawled, role):
    urls = _one_page_per_pattern(crawled, role)
    assert urls, f"the crawl visited no page as {role}"
    context = browser.new_context(locale="pl-PL")
    session = crawled.sessions.get(role)
    if session is not None:
        host = urlsplit(crawled.base_url).hostname
        context.add_cookies(
            [
                {"name": c.name, "value": c.value or "", "domain": host, "path": "/"}
                for c in session.cookies
            ]
        )
    own = urlsplit(crawled.base_url).netloc
    # no Internet in CI: other hosts (the map's base layers) fail at once instead of hanging
    context.route(
        "**/*",
        lambda r: r.continue_() if urlsplit(r.request.url).netloc == own else r.abort(),
    )
    page = context.new_page()
    found: list[str] = []
    try:
        for url in urls:
            # Swagger UI and the map draw after "load": wait until the page is quiet
            page.goto(url, wait_until="networkidle")
            found += [f"{urlsplit(url).path}: {v}" for v in serious_violations(page)]
    finally:
        context.close()
    assert found == [], f"{len(found)} serious violations as {role}:\n" + "\n".join(found)
