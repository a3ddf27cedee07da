"""The zoning extract request through the API and the plain page (no JavaScript)."""

# ruff: noqa: F811 (pytest fixtures imported from other test modules)

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from infostrada.accounts.services import issue_api_client
from infostrada.documents.models import Case, CaseParty, Document, IncomingItem
from infostrada.documents.services import drafting
from infostrada.documents.tests.conftest import (  # noqa: F401 (fixtures)
    SYSTEM,
    _fast_password_hashing,
    actor,
    ezd,
)
from infostrada.geo import services_extract as se
from infostrada.geo.tests.test_extract import geo_world  # noqa: F401 (fixture)
from infostrada.portal.tests.test_isolation import snapshot
from infostrada.testing import official

pytestmark = pytest.mark.django_db
API = "/api/v1/units/lubicz/zoning-extracts"
PAGE = "/lubicz/geoportal/wypis/"


def bearer(unit: Any, scopes: list[str]) -> dict[str, str]:
    _client, token = issue_api_client(actor=SYSTEM, unit=unit, name="e-usługi", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "parcels": ["041504_2.0001.12"],
        "kind": "both",
        "purpose": "Kredyt hipoteczny",
        "applicant": {
            "first_name": "Anna",
            "last_name": "Nowak",
            "street": "ul. Leśna 1",
            "postal_code": "87-162",
            "city": "Lubicz",
            "email": "anna.nowak@example.invalid",
        },
        "source_id": "eusluga-0001",
    }
    values.update(overrides)
    return values


# --- API ----------------------------------------------------------------------------------


def test_the_api_registers_a_request_and_reports_its_status(client, ezd, geo_world):
    headers = bearer(ezd.unit, ["documents:read", "documents:write"])
    response = client.post(API, body(), content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    data = response.json()
    year = timezone.localdate().year
    assert data["item_number"] == f"1/{year}" and data["case_signature"] == f"ZP.6727.1.{year}"
    assert data["status"] == "prepared" and data["parcels"] == ["041504_2.0001.12"]
    assert data["fee"]["map_pages"] == 1 and data["fee"]["wyrys"] == "20.00"
    fee = {k: Decimal(data["fee"][k]) for k in ("wypis", "wyrys", "total")}
    assert fee["total"] == fee["wypis"] + fee["wyrys"] == Decimal("50.00")
    assert "część I pkt 51" in data["fee"]["legal_basis"]
    # a retry of the same submission answers the same
    again = client.post(API, body(), content_type="application/json", **headers)
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 1
    # status follows the EZD
    document = Document.objects.for_unit(ezd.unit).get(kind="extract")
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=ezd.unit, document=document, approvers=[ezd.kierownik]
    )
    status = client.get(f"{API}/{data['id']}", **headers)
    assert status.status_code == 200 and status.json()["status"] == "in_approval"
    assert status.json()["purpose"] == "Kredyt hipoteczny"


def test_the_api_refuses_bad_input_and_changes_nothing(client, ezd, geo_world):
    headers = bearer(ezd.unit, ["documents:write"])
    before = snapshot()
    cases = [
        (body(parcels=["041504_2.0001.99"]), "parcels", "zaświadczenie"),
        (body(parcels=["041508_2.0001.1"]), "parcels", "Gmina Lubicz"),
        (body(parcels=[]), "body.data.parcels", ""),
        (body(parcels=[f"041504_2.0001.{n}" for n in range(1, 30)]), "body.data.parcels", ""),
        (body(kind="plan"), "body.data.kind", ""),
        (body(applicant={"last_name": "Nowak"}), "applicant.first_name", ""),
        (body(applicant={"first_name": "A", "last_name": "B"}), "applicant.email", ""),
    ]
    for payload, field, text in cases:
        response = client.post(API, payload, content_type="application/json", **headers)
        assert response.status_code == 422, (payload, response.content)
        problem = response.json()
        assert response["Content-Type"] == "application/problem+json"
        fields = {e["field"] for e in problem["errors"]}
        assert field in fields, (field, problem)
        assert text in " ".join(e["message"] for e in problem["errors"])
    assert snapshot() == before


def test_the_api_needs_the_write_scope_and_the_right_unit(client, ezd, geo_world):
    read_only = bearer(ezd.unit, ["documents:read"])
    assert client.post(API, body(), content_type="application/json", **read_only).status_code == 403
    other = bearer(ezd.other.unit, ["documents:write", "documents:read"])
    assert client.post(API, body(), content_type="application/json", **other).status_code == 403
    assert client.post(API, body(), content_type="application/json").status_code == 401
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()
    # the status of something that is not an extract request, or does not exist: 404
    own = bearer(ezd.unit, ["documents:read", "documents:write"])
    first = client.post(API, body(), content_type="application/json", **own).json()
    letter = Document.objects.for_unit(ezd.unit).filter(kind="extract").get()
    assert client.get(f"{API}/{first['id'] + 1000}", **own).status_code == 404
    assert client.get(f"{API}/{letter.pk}abc", **own).status_code in (404, 422)
    assert client.get(f"{API}/{first['id']}", **other).status_code == 403
    # an official of the unit sees it through the session, as the EZD lets them
    client.force_login(ezd.referent)
    assert client.get(f"{API}/{first['id']}").json()["case_signature"].startswith("ZP.6727.")


def test_the_operations_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units/{slug}/zoning-extracts" in spec["paths"]
    get = spec["paths"]["/api/v1/units/{slug}/zoning-extracts/{request_id}"]["get"]
    assert {p["name"] for p in get["parameters"]} == {"slug", "request_id"}


# --- the page ------------------------------------------------------------------------------------


def form(**overrides: str) -> dict[str, str]:
    values = {
        "parcels": "041504_2.0001.12",
        "kind": "both",
        "purpose": "",
        "first_name": "Anna",
        "last_name": "Nowak",
        "street": "ul. Leśna 1",
        "postal_code": "87-162",
        "city": "Lubicz",
        "email": "anna.nowak@example.invalid",
        "token": "0123456789abcdef0123456789abcdef",
        "action": "preview",
    }
    values.update(overrides)
    return values


def test_the_page_shows_the_fee_then_registers_the_request(client, ezd, geo_world):
    page = client.get(PAGE + "?dzialki=041504_2.0001.12")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="parcels"' in html and "041504_2.0001.12" in html
    assert re.search(r'name="token" value="[0-9a-f]{32}"', html)
    assert 'value="submit"' not in html  # no submitting before the fee is shown
    preview = client.post(PAGE, form())
    html = preview.content.decode()
    assert preview.status_code == 200 and 'value="submit"' in html
    assert "50,00 zł" in html and 'name="fee_total" value="50.00"' in html
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()
    sent = client.post(PAGE, form(action="submit", fee_total="50.00"))
    assert sent.status_code == 302 and "potwierdzenie=" in sent["Location"]
    done = client.get(sent["Location"])
    year = timezone.localdate().year
    assert done.status_code == 200 and f"ZP.6727.1.{year}" in done.content.decode()
    assert f"1/{year}" in done.content.decode()
    # pressing submit twice registers once
    client.post(PAGE, form(action="submit", fee_total="50.00"))
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 1
    party = CaseParty.objects.for_unit(ezd.unit).get()
    assert party.citizen is None and party.email == "anna.nowak@example.invalid"


def test_a_changed_fee_is_shown_again_instead_of_submitting(client, ezd, geo_world):
    response = client.post(PAGE, form(action="submit", fee_total="30.00"))
    assert (
        response.status_code == 200
        and 'name="fee_total" value="50.00"' in response.content.decode()
    )
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()


def test_a_logged_in_resident_gets_the_extract_in_their_account(client, ezd, geo_world):
    client.force_login(ezd.citizen)
    page = client.get(PAGE).content.decode()
    assert 'value="Kowalski"' in page
    client.post(
        PAGE,
        form(
            first_name="Jan",
            last_name="Kowalski",
            email="",
            city="",
            action="submit",
            fee_total="50.00",
        ),
    )
    case = Case.objects.for_unit(ezd.unit).get()
    assert CaseParty.objects.for_unit(ezd.unit).get(case=case).citizen == ezd.citizen
    request = se.get_request(
        SYSTEM, ezd.unit, IncomingItem.objects.for_unit(ezd.unit).get(case=case).pk
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        document=request.document,
        approvers=[ezd.kierownik],
    )
    drafting.decide(
        actor=actor(ezd.kierownik), unit=ezd.unit, document=request.document, approve=True
    )
    se.seal_extract(actor=actor(ezd.kierownik), unit=ezd.unit, document=request.document)
    out = se.dispatch_extract(actor=actor(ezd.referent), unit=ezd.unit, document=request.document)
    assert out.channel == "portal" and out.citizen == ezd.citizen


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"parcels": "041504_2.0001.99"}, "parcels"),
        ({"parcels": "041504_2.0001.777"}, "parcels"),
        ({"parcels": ""}, "parcels"),
        ({"last_name": ""}, "last_name"),
        ({"email": "", "street": ""}, "email"),
        ({"email": "x"}, "email"),
        ({"token": "../../etc"}, "token"),
    ],
)
def test_bad_input_on_the_page_is_shown_next_to_the_field(client, ezd, geo_world, overrides, field):
    before = snapshot()
    for action in ("preview", "submit"):
        response = client.post(PAGE, form(action=action, fee_total="50.00", **overrides))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="field-error"' in html or 'class="error-summary"' in html
        assert 'value="submit"' not in html
    assert snapshot() == before


def test_the_desk_seals_and_sends_approved_extracts(client, ezd, geo_world):
    request = se.request_extract(
        unit=ezd.unit,
        applicant=se.Applicant(first_name="Jan", last_name="Kowalski", email="jan@example.invalid"),
        parcels=["041504_2.0001.12"],
        kind="wypis",
        source_id="desk-1",
    )
    document = request.document
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=ezd.unit, document=document, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=ezd.unit, document=document, approve=True)
    desk = "/urzad/lubicz/geoportal/wypisy/"
    client.force_login(ezd.kierownik)
    page = client.get(desk).content.decode()
    assert request.case.signature in page and 'value="seal"' in page
    client.post(desk, {"action": "seal", "document": document.pk})
    document.refresh_from_db()
    assert document.status == "signed"
    client.post(desk, {"action": "dispatch", "document": document.pk})
    document.refresh_from_db()
    assert document.status == "dispatched"
    # another unit's official does not reach the desk
    stranger = official(ezd.other.unit, "case_officer", username="obcy")
    client.force_login(stranger)
    assert client.get(desk).status_code == 404


def test_the_desk_reads_a_fixed_number_of_queries(
    client, ezd, geo_world, django_assert_max_num_queries
):
    def add(n: int) -> None:
        se.request_extract(
            unit=ezd.unit,
            applicant=se.Applicant(first_name="J", last_name="K", email="j@example.invalid"),
            parcels=["041504_2.0001.14"],
            kind="wypis",
            source_id=f"q-{n}",
        )

    desk = "/urzad/lubicz/geoportal/wypisy/"
    client.force_login(ezd.kierownik)
    add(1)
    client.get(desk)  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(desk).status_code == 200
    add(2)
    add(3)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(desk)
    assert page.content.decode().count("ZP.6727.") >= 3


def test_the_desk_links_only_what_the_official_may_open(client, ezd, geo_world):
    """The chancellery sees every request, not the case files: no link that answers 404.

    Found by the CI crawl: the desk linked the chancellery to cases and drafts
    it cannot open.
    """
    request = se.request_extract(
        unit=ezd.unit,
        applicant=se.Applicant(first_name="Jan", last_name="Kowalski", email="jan@example.invalid"),
        parcels=["041504_2.0001.12"],
        kind="wypis",
        source_id="desk-links",
    )
    desk = "/urzad/lubicz/geoportal/wypisy/"
    case_url = f"/urzad/lubicz/ezd/sprawy/{request.case.pk}/"
    document_url = f"/urzad/lubicz/ezd/dokumenty/{request.document.pk}/"
    client.force_login(ezd.kancelaria)
    page = client.get(desk).content.decode()
    assert request.case.signature in page
    for url in (case_url, document_url):
        if url in page:
            assert client.get(url).status_code == 200, url
    assert case_url not in page and client.get(case_url).status_code == 404
    client.force_login(ezd.kierownik)
    page = client.get(desk).content.decode()
    assert case_url in page and document_url in page
