"""Anonymous zoning-extract requests are limited per client address and per unit.

Each request takes a register number and a case signature; a script must not
burn them. Over the budget the form answers a 429 page and the API a 429
problem, both before anything is written.
"""

# ruff: noqa: F811 (pytest fixtures imported from other test modules)

from __future__ import annotations

import pytest

from infostrada.documents.models import IncomingItem
from infostrada.documents.tests.conftest import (  # noqa: F401 (fixtures)
    SYSTEM,
    _fast_password_hashing,
    actor,
    ezd,
)
from infostrada.geo.models import SubmissionQuota
from infostrada.geo.tests.test_extract import geo_world  # noqa: F401 (fixture)
from infostrada.geo.tests.test_extract_web import API, PAGE, bearer, body, form
from infostrada.portal.tests.test_isolation import snapshot

pytestmark = pytest.mark.django_db


def submit(client, n: int, address: str = "192.0.2.10"):  # type: ignore[no-untyped-def]
    token = f"{n:032x}"
    return client.post(
        PAGE, form(action="submit", fee_total="50.00", token=token), REMOTE_ADDR=address
    )


def test_the_form_refuses_a_client_over_its_budget_and_writes_nothing(
    client, ezd, geo_world, settings
):
    settings.GEO_EXTRACT_LIMIT_PER_CLIENT = 2
    settings.GEO_EXTRACT_LIMIT_PER_UNIT = 50
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages are Polish otherwise
    assert [submit(client, n).status_code for n in (1, 2)] == [302, 302]
    before = snapshot()
    refused = submit(client, 3)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests" in refused.content.decode()
    assert snapshot() == before  # no item, case, audit entry, nor one more count
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 2
    # another address still may
    assert submit(client, 4, address="198.51.100.7").status_code == 302


def test_the_unit_budget_holds_across_addresses(client, ezd, geo_world, settings):
    settings.GEO_EXTRACT_LIMIT_PER_CLIENT = 50
    settings.GEO_EXTRACT_LIMIT_PER_UNIT = 2
    codes = [submit(client, n, address=f"192.0.2.{n}").status_code for n in range(1, 5)]
    assert codes == [302, 302, 429, 429]
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 2
    # a refused request left no count behind in the client's budget either
    assert sorted(SubmissionQuota.objects.values_list("count", flat=True)) == [1, 1, 2]


def test_the_api_answers_429_problem_before_registering(client, ezd, geo_world, settings):
    settings.GEO_EXTRACT_LIMIT_PER_CLIENT = 1
    headers = bearer(ezd.unit, ["documents:read", "documents:write"])
    first = client.post(API, body(), content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    before = snapshot()
    second = client.post(
        API, body(source_id="eusluga-0002"), content_type="application/json", **headers
    )
    assert second.status_code == 429
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["status"] == 429 and int(second["Retry-After"]) > 0
    assert snapshot() == before


def test_invalid_requests_spend_no_budget(client, ezd, geo_world, settings):
    """Only a valid new request is counted; a bad one or a retry of a registered one is not."""
    settings.GEO_EXTRACT_LIMIT_PER_CLIENT = 1
    headers = bearer(ezd.unit, ["documents:read", "documents:write"])
    bad = client.post(
        API, body(parcels=["041504_2.0009.999"]), content_type="application/json", **headers
    )
    assert bad.status_code == 422
    assert not SubmissionQuota.objects.exists()
    assert client.post(API, body(), content_type="application/json", **headers).status_code == 201
    retry = client.post(API, body(), content_type="application/json", **headers)
    assert retry.status_code == 201  # the same source_id: answered, not counted again


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_exceed_the_budget(lubicz, settings):
    """Counts live in the database: requests racing in separate connections (as
    separate workers would) get exactly the budget, no more."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import OperationalError, connections
    from django.test import RequestFactory

    from infostrada.geo import ratelimit

    settings.GEO_EXTRACT_LIMIT_PER_CLIENT = 5
    settings.GEO_EXTRACT_LIMIT_PER_UNIT = 100
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.77")

    def one(_n: int) -> str:
        try:
            for _attempt in range(50):
                try:
                    return "ok" if ratelimit.take(request, lubicz) is None else "refused"
                except OperationalError:  # SQLite: database is locked; a worker retries
                    continue
            return "locked"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(one, range(12)))
    assert outcomes.count("ok") == 5 and outcomes.count("refused") == 7, outcomes
