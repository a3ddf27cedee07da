"""The exact case signature ranks first in search (issue 8), on FTS5 and PostgreSQL.

A case's signature is what officials type most: a letter quotes it, the
phone caller reads it out. Term ranking alone puts first whichever case
mentions its numbers most often (an appeal that quotes the signature three
times, a case numbered 12 with many parcels called 12), not the case itself.
"""

from __future__ import annotations

import pytest

from infostrada.accounts.services import issue_api_client
from infostrada.documents import search
from infostrada.documents.models import Case

from .conftest import SYSTEM, actor, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def quoted(ezd) -> tuple[Case, list[Case]]:  # type: ignore[no-untyped-def]
    """The case, then newer cases whose text quotes its signature's parts again and again."""
    target = open_case(ezd, title="Wypis z planu")
    sig = target.signature
    parts = sig.replace(".", " ")
    others = [
        open_case(
            ezd,
            title=f"Odwołanie od {sig}; {parts}; dot. {parts}, {parts}, {parts}",
            description=f"{parts} {parts} {parts} {sig} {sig}",
        )
        for _n in range(3)
    ]
    return target, others


def test_search_puts_the_exact_signature_first(ezd, quoted):
    target, others = quoted
    ranked = [
        pk for pk, _score in search.search_cases(actor(ezd.referent), ezd.unit, target.signature)
    ]
    assert ranked[0] == target.pk
    assert set(ranked) == {target.pk, *(c.pk for c in others)}
    # typed in lower case, with spaces around it
    lower = f"  {target.signature.lower()} "
    assert search.search_cases(actor(ezd.referent), ezd.unit, lower)[0][0] == target.pk


def test_the_case_list_and_the_api_show_the_signature_first(client, ezd, quoted):
    target, _others = quoted
    client.force_login(ezd.referent)
    page = client.get("/urzad/lubicz/ezd/sprawy/", {"q": target.signature}).content.decode()
    body = page.split("<tbody>")[1]
    rows = [body.index(f'href="/urzad/lubicz/ezd/sprawy/{c.pk}/"') for c in (target, *_others)]
    assert rows[0] == min(rows)
    _client, token = issue_api_client(
        actor=SYSTEM, unit=ezd.unit, name="integrator", scopes=["documents:read"]
    )
    found = client.get(
        "/api/v1/units/lubicz/cases",
        {"q": target.signature},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()["items"]
    assert found[0]["signature"] == target.signature and len(found) == 4


def test_an_exact_signature_of_a_case_one_may_not_see_is_not_found(ezd, quoted):
    target, _others = quoted
    outsider = ezd.referent_or  # works in OR, the case is ZP's
    assert search.search_cases(actor(outsider), ezd.unit, target.signature) == []
