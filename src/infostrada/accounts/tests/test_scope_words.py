"""API scopes are shown in words; tokens keep their machine names (issue 8)."""

from __future__ import annotations

import pytest
from django.utils import translation

from infostrada.accounts.models import ApiClient
from infostrada.accounts.roles import API_SCOPES, Role, scope_label
from infostrada.accounts.services import issue_api_client
from infostrada.audit.context import Actor
from infostrada.testing import official

pytestmark = pytest.mark.django_db


def test_every_scope_has_words_in_both_languages():
    for language in ("pl", "en"):
        with translation.override(language):
            for scope in API_SCOPES:
                assert ":" not in scope_label(scope), scope
    with translation.override("pl"):
        assert (
            scope_label("documents:read") == "Odczyt korespondencji, spraw i dokumentów jednostki"
        )
    assert scope_label("nothing:known") == "nothing:known"


def test_the_api_clients_page_lists_scopes_in_words(client, lubicz):
    issue_api_client(
        actor=Actor.system("test"),
        unit=lubicz,
        name="e-usługi",
        scopes=["documents:read", "documents:write"],
    )
    client.force_login(official(lubicz, Role.UNIT_ADMIN))
    page = client.get("/urzad/lubicz/klienci-api/").content.decode()
    assert "Odczyt korespondencji, spraw i dokumentów jednostki" in page
    assert "Rejestrowanie korespondencji, zakładanie spraw, dodawanie dokumentów" in page
    assert "documents:read" not in page.split("<tbody>")[1].split("</tbody>")[0]
    # the form offers them in words too, with the machine names as values
    assert 'value="documents:read"' in page
    assert ApiClient.objects.for_unit(lubicz).get(name="e-usługi").scopes == [
        "documents:read",
        "documents:write",
    ]
