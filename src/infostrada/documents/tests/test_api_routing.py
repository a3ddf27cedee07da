"""Cases and letters registered through the API carry their department and officer (issue 8)."""

from __future__ import annotations

import json

import pytest

from infostrada.accounts.roles import Role
from infostrada.documents.models import Assignment, Case, IncomingItem
from infostrada.testing import UserFactory, official

from .conftest import pdf_bytes
from .test_api import BASE, RW, bearer, fields, letter_data, post_item, post_json, problem, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(ezd) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return bearer(ezd.unit, RW)


def test_a_letter_is_registered_and_routed_in_one_request(client, ezd, rw):
    data = letter_data(department="ZP", assignee=ezd.referent.pk, instruction="Pilne")
    response = post_item(client, rw, data, files=[("wniosek.pdf", pdf_bytes())])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["department"] == "ZP" and body["assignee"]["id"] == ezd.referent.pk
    item = IncomingItem.objects.for_unit(ezd.unit).get()
    assert item.status == "assigned" and item.department == ezd.ZP
    routed = Assignment.objects.for_unit(ezd.unit).get(item=item)
    assert routed.assignee == ezd.referent and routed.instruction == "Pilne"
    # it waits in the officer's tasks
    client.force_login(ezd.referent)
    tasks = client.get("/urzad/lubicz/ezd/").content.decode()
    assert tasks.count(item.subject) == 1


def test_a_letter_routed_to_a_department_only(client, ezd, rw):
    response = post_item(client, rw, letter_data(department="OR"))
    assert response.status_code == 201, response.content
    assert response.json()["department"] == "OR" and response.json()["assignee"] is None


def test_a_case_is_opened_with_its_case_officer(client, ezd, rw):
    body = {
        "department": "ZP",
        "file_class": "6727",
        "title": "Wypis",
        "assignee": ezd.kierownik.pk,
    }
    response = post_json(client, f"{BASE}/cases", body, rw)
    assert response.status_code == 201, response.content
    assert response.json()["assignee"]["id"] == ezd.kierownik.pk
    assert Case.objects.for_unit(ezd.unit).get().assignee == ezd.kierownik


@pytest.fixture
def strangers(ezd):  # type: ignore[no-untyped-def]
    """Officials who may not be named: of another unit, without EZD rights, a resident."""
    return {
        "another unit": ezd.other.referent.pk,
        "BIP editor": official(ezd.unit, Role.BIP_EDITOR, username="lubicz.bip").pk,
        "resident": ezd.citizen.pk,
        "nobody": 999_999,
        "inactive": official(
            ezd.unit, Role.CASE_OFFICER, username=UserFactory(is_active=False).username
        ).pk,
    }


def test_bad_routing_of_a_letter_is_a_field_error_and_stores_nothing(client, ezd, rw, strangers):
    before = state(ezd.unit)
    for name, user_id in strangers.items():
        response = post_item(client, rw, letter_data(assignee=user_id))
        assert fields(problem(response, 422)) == ["assignee"], name
    for symbol in ("XX", ""):
        response = post_item(client, rw, letter_data(department=symbol))
        assert response.status_code == 422
        assert any(f.endswith("department") for f in fields(response.json())), symbol
    other_units = ezd.other.ZP.symbol  # the same symbol exists there, not a unit's own problem
    assert other_units == "ZP"
    response = post_item(client, rw, raw=json.dumps(letter_data(assignee="jan")))
    assert response.status_code == 422
    assert state(ezd.unit) == before


def test_bad_case_officer_is_a_field_error_and_opens_nothing(client, ezd, rw, strangers):
    before = state(ezd.unit)
    for name, user_id in strangers.items():
        body = {"department": "ZP", "file_class": "6727", "title": "Wypis", "assignee": user_id}
        response = post_json(client, f"{BASE}/cases", body, rw)
        assert fields(problem(response, 422)) == ["assignee"], name
    assert state(ezd.unit) == before


def test_routing_needs_the_right_to_assign_in_a_session(client, ezd):
    """A case officer may register nothing; the chancellery may register and route."""
    client.force_login(ezd.kancelaria)
    response = post_item(client, {}, letter_data(department="ZP", assignee=ezd.referent.pk))
    assert response.status_code == 201, response.content
    assert response.json()["assignee"]["id"] == ezd.referent.pk


def test_the_openapi_document_describes_the_new_fields(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"department", "assignee", "instruction"} <= set(schemas["IncomingIn"]["properties"])
    assert "assignee" in schemas["CaseIn"]["properties"]
    assert "description" in schemas["CaseIn"]["properties"]["assignee"]
