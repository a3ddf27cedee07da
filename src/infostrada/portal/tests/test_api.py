import json

import pytest

from infostrada.accounts import services
from infostrada.accounts.roles import Role
from infostrada.tenancy.models import Unit
from infostrada.testing import official


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


def test_units_list_has_the_public_contract(client, region):
    response = client.get("/api/v1/units")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    first = body["items"][0]
    assert set(first) >= {"slug", "teryt", "name", "kind", "parent"}
    assert first == {**first, "slug": "kujawsko-pomorskie", "teryt": "04", "parent": None}
    lubicz = next(u for u in body["items"] if u["slug"] == "lubicz")
    assert lubicz["parent"] == "powiat-torunski" and lubicz["kind"] == "gmina_wiejska"


def test_partners_without_a_terc_code_come_last(client, region):
    from infostrada.testing import UnitFactory

    UnitFactory(teryt=None, kind="partner", name="KPODR", official_name="KPODR", slug="kpodr")
    slugs = [u["slug"] for u in client.get("/api/v1/units").json()["items"]]
    assert slugs[0] == "kujawsko-pomorskie" and slugs[-1] == "kpodr"


def test_units_list_filters(client, region):
    assert [u["slug"] for u in client.get("/api/v1/units?q=Lubi").json()["items"]] == ["lubicz"]
    kinds = client.get("/api/v1/units?kind=powiat").json()["items"]
    assert [u["teryt"] for u in kinds] == ["0415"]
    children = client.get("/api/v1/units?parent=powiat-torunski").json()["items"]
    assert {u["slug"] for u in children} == {"lubicz", "wielka-nieszawka"}
    page = client.get("/api/v1/units?limit=2&offset=1").json()
    assert len(page["items"]) == 2 and page["count"] == 5


def test_units_list_runs_a_fixed_number_of_queries(client, region, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/api/v1/units")


def test_unit_detail_and_children(client, region):
    detail = client.get("/api/v1/units/powiat-torunski").json()
    assert detail["teryt"] == "0415" and detail["children"] == 2
    children = client.get("/api/v1/units/powiat-torunski/children").json()
    assert [c["slug"] for c in children] == ["lubicz", "wielka-nieszawka"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=gmina", "query.kind"),
        ("limit=0", "query.limit"),
        ("limit=abc", "query.limit"),
        ("offset=-1", "query.offset"),
        ("q=" + "x" * 101, "query.q"),
    ],
)
def test_bad_query_parameters_give_field_errors(client, region, query, field):
    body = _problem(client.get(f"/api/v1/units?{query}"), 422)
    assert field in [e["field"] for e in body["errors"]]


def test_unknown_unit_is_a_problem_404(client, region):
    _problem(client.get("/api/v1/units/atlantyda"), 404)
    _problem(client.get("/api/v1/units/atlantyda/children"), 404)


def test_me_needs_credentials(client, region):
    response = client.get("/api/v1/me")
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    _problem(client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer inf_nonsense"), 401)


def test_me_for_official_and_token(client, lubicz):
    admin = official(lubicz, Role.UNIT_ADMIN, Role.SECRETARY)
    client.force_login(admin)
    me = client.get("/api/v1/me").json()
    assert me["kind"] == "official"
    assert me["memberships"] == [
        {"unit": "lubicz", "unit_name": "Gmina Lubicz", "roles": ["secretary", "unit_admin"]}
    ]
    client.logout()
    _c, token = services.issue_api_client(
        actor=services.actor_for_user(admin), unit=lubicz, name="ERP", scopes=["units:read"]
    )
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me == {**me, "kind": "api_client", "unit": "lubicz", "scopes": ["units:read"]}


@pytest.fixture
def writer(lubicz):
    admin = official(lubicz, Role.UNIT_ADMIN)
    _c, token = services.issue_api_client(
        actor=services.actor_for_user(admin), unit=lubicz, name="ERP", scopes=["units:write"]
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _patch(client, slug, body, headers, raw=False):
    data = body if raw else json.dumps(body)
    return client.patch(
        f"/api/v1/units/{slug}", data=data, content_type="application/json", **headers
    )


def test_contact_update_through_the_api(client, lubicz, writer):
    response = _patch(
        client,
        "lubicz",
        {"email": "kancelaria@lubicz.example.pl", "ade_address": "AE:PL-12345-67890-ABCDE-12"},
        writer,
    )
    assert response.status_code == 200, response.content
    lubicz.refresh_from_db()
    assert lubicz.email == "kancelaria@lubicz.example.pl"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", None),
        ('{"email": "kancelaria@', None),
        ([1, 2], None),
        ({"email": "nie-email"}, "email"),
        ({"email": 5}, "body.payload.email"),
        ({"address": "x" * 301}, "body.payload.address"),
        ({"ade_address": "AE:PL-1"}, "ade_address"),
        ({"phone": "call me"}, "phone"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"unknown": "x"}, "body.payload.unknown"),
    ],
)
def test_bad_contact_input_is_refused_and_changes_nothing(client, lubicz, writer, body, field):
    before = Unit.objects.filter(pk=lubicz.pk).values().get()
    raw = isinstance(body, str)
    response = _patch(client, "lubicz", body, writer, raw=raw)
    assert 400 <= response.status_code < 500
    problem = _problem(response, response.status_code)
    if field:
        assert field in [e["field"] for e in problem["errors"]]
    assert Unit.objects.filter(pk=lubicz.pk).values().get() == before


def test_openapi_document_is_served(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/units" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_healthz_checks_the_database(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
