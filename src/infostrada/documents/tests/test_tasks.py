"""Moje zadania and the metryka when the system (the intake) did the routing.

Reproduces issue 8: once anyone requested a zoning extract, "Moje zadania" was
a 500 for the whole planning department (the intake's assignment has no
``assigned_by``), and the metryka named the intake by its internal name.
The request goes through the real path a resident's e-service takes: the API.
"""

# ruff: noqa: F811 (pytest fixtures imported from other test modules)

from __future__ import annotations

from typing import Any

import pytest

from infostrada.accounts.services import issue_api_client
from infostrada.documents.models import Case, IncomingItem
from infostrada.documents.tests.conftest import SYSTEM
from infostrada.geo.tests.test_extract import geo_world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TASKS = "/urzad/lubicz/ezd/"


def request_extract_through_the_api(client, unit) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    _client, token = issue_api_client(
        actor=SYSTEM, unit=unit, name="e-usługi", scopes=["documents:read", "documents:write"]
    )
    response = client.post(
        "/api/v1/units/lubicz/zoning-extracts",
        {
            "parcels": ["041504_2.0001.12"],
            "kind": "both",
            "applicant": {
                "first_name": "Anna",
                "last_name": "Nowak",
                "street": "ul. Leśna 1",
                "postal_code": "87-162",
                "city": "Lubicz",
                "email": "anna.nowak@example.invalid",
            },
            "source_id": "eusluga-tasks-1",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_tasks_routed_by_the_intake_show_the_system_as_sender(client, ezd, geo_world, language):
    request_extract_through_the_api(client, ezd.unit)
    client.cookies["django_language"] = language
    expected = {"pl": "System — wniosek elektroniczny", "en": "System — electronic application"}
    # every official of the planning department, the head and the case officer
    for official in (ezd.referent, ezd.kierownik):
        client.force_login(official)
        response = client.get(TASKS, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        page = response.content.decode()
        row = page.split('id="assigned-heading"')[1].split("</table>")[0]
        assert expected[language] in row
        assert "intake:" not in page


def test_the_case_history_names_the_system_not_its_internal_name(client, ezd, geo_world):
    request_extract_through_the_api(client, ezd.unit)
    case = Case.objects.for_unit(ezd.unit).get()
    client.force_login(ezd.kierownik)
    page = client.get(f"/urzad/lubicz/ezd/sprawy/{case.pk}/").content.decode()
    assert "System — wniosek elektroniczny" in page
    assert "intake:" not in page
    item = IncomingItem.objects.for_unit(ezd.unit).get()
    item_page = client.get(f"/urzad/lubicz/ezd/wplywy/{item.pk}/").content.decode()
    assert "System — wniosek elektroniczny" in item_page and "intake:" not in item_page
