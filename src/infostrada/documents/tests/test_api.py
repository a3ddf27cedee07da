"""The EZD API as integrators and officials' programs use it (/api/v1/units/{slug}/...)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from infostrada.accounts.services import issue_api_client
from infostrada.audit.models import AuditEvent
from infostrada.documents import schemas
from infostrada.documents.models import (
    Case,
    CaseEvent,
    Channel,
    DeadlineKind,
    Document,
    DocumentVersion,
    FileClass,
    IncomingItem,
    PartyKind,
)
from infostrada.documents.services import cases, correspondence
from infostrada.documents.services.correspondence import IncomingData

from .conftest import SYSTEM, actor, open_case, pdf_bytes, register

pytestmark = pytest.mark.django_db

BASE = "/api/v1/units/lubicz"
RW = ["documents:read", "documents:write"]


def bearer(unit: Any, scopes: list[str]) -> dict[str, str]:
    _client, token = issue_api_client(actor=SYSTEM, unit=unit, name="ERP", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def rw(ezd) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return bearer(ezd.unit, RW)


def letter_data(**overrides: Any) -> dict[str, Any]:
    values = {
        "channel": "epuap",
        "received_on": str(timezone.localdate()),
        "subject": "Wniosek o wypis z planu miejscowego dla działki 123/4",
        "party_kind": "person",
        "first_name": "Jan",
        "last_name": "Kowalski",
        "pesel": "80051401111",
        "city": "Lubicz",
    }
    values.update(overrides)
    return values


def post_item(client, headers, data=None, files=(), raw=None, slug="lubicz"):  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {"data": raw if raw is not None else json.dumps(data or letter_data())}
    if files:
        body["files"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(f"/api/v1/units/{slug}/incoming-items", body, **headers)


def post_json(client, url, body, headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def problem(response, status: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def fields(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def state(unit: Any) -> dict[str, int]:
    """What a refused request must leave unchanged."""
    return {
        "items": IncomingItem.objects.for_unit(unit).count(),
        "cases": Case.objects.for_unit(unit).count(),
        "documents": Document.objects.for_unit(unit).count(),
        "versions": DocumentVersion.objects.for_unit(unit).count(),
        "events": CaseEvent.objects.for_unit(unit).count(),
        "audit": AuditEvent.objects.for_unit(unit).count(),
    }


def stored_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# --- registering incoming items -------------------------------------------


def test_an_item_is_registered_with_its_files(client, ezd, rw):
    scan, second = pdf_bytes("Wniosek o wypis"), pdf_bytes("Załącznik: mapa")
    response = post_item(client, rw, files=[("wniosek.pdf", scan), ("mapa.pdf", second)])
    assert response.status_code == 201, response.content
    item = response.json()
    year = timezone.localdate().year
    assert item["register_number"] == f"1/{year}"
    assert (item["year"], item["number"], item["status"]) == (year, 1, "registered")
    assert item["sender"]["name"] == "Jan Kowalski" and item["sender"]["pesel"] == "80051401111"
    assert [d["versions"][0]["filename"] for d in item["documents"]] == ["wniosek.pdf", "mapa.pdf"]
    first = item["documents"][0]
    assert first["format"] == "application/pdf" and first["kind"] == "letter"
    assert first["creator"] == {"name": "Jan Kowalski", "kind": "person"}
    assert first["grouping"] == f"1/{year}" and first["recipient"] == "Gmina Lubicz"
    assert first["identifier"].startswith("urn:uuid:")
    assert first["signature_status"] == "no_signature"
    assert first["versions"][0]["sha256"] == hashlib.sha256(scan).hexdigest()
    assert first["versions"][0]["size"] == len(scan)
    assert [e["kind"] for e in item["history"]] == ["registered"]
    stored = IncomingItem.objects.for_unit(ezd.unit).get(pk=item["id"])
    assert stored.registered_by is None and stored.subject.startswith("Wniosek o wypis")
    assert (
        AuditEvent.objects.for_unit(ezd.unit)
        .filter(action="documents.incoming.registered", object_id=str(stored.pk))
        .exists()
    )


def test_a_retry_from_the_same_source_returns_the_first_registration(client, ezd, rw):
    data = letter_data(source_system="epuap", source_id="msg-2026-0001")
    first = post_item(client, rw, data, files=[("wniosek.pdf", pdf_bytes())])
    again = post_item(client, rw, data, files=[("wniosek.pdf", pdf_bytes())])
    assert (first.status_code, again.status_code) == (201, 201)  # answered like the first
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["register_number"] == first.json()["register_number"]
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 1
    assert Document.objects.for_unit(ezd.unit).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_register_the_letter_once(ezd):
    headers = bearer(ezd.unit, RW)
    data = letter_data(source_system="epuap", source_id="msg-race")
    answers: list[tuple[int, int]] = []
    start = threading.Barrier(6)

    def send() -> None:
        try:
            start.wait(timeout=30)
            response = post_item(Client(), headers, data, files=[("w.pdf", pdf_bytes())])
            answers.append((response.status_code, response.json().get("id", 0)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    item = IncomingItem.objects.for_unit(ezd.unit).get(source_id="msg-race")
    assert answers == [(201, item.pk)] * 6
    assert item.number == 1 and Document.objects.for_unit(ezd.unit).count() == 1


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [
        ('{"channel": "epuap", "subject": ', 400, None),
        ("[1, 2]", 422, "body.data"),
        (json.dumps(letter_data(received_on="wczoraj")), 422, "body.data.received_on"),
        (json.dumps(letter_data(channel="fax")), 422, "body.data.channel"),
        (json.dumps(letter_data(subject=12)), 422, "body.data.subject"),
        (json.dumps(letter_data(subject="")), 422, "body.data.subject"),
        (json.dumps(letter_data(subject="x" * 501)), 422, "body.data.subject"),
        (json.dumps(letter_data(last_name="K" * 151)), 422, "body.data.last_name"),
        (json.dumps(letter_data(subject="a\u0000b")), 422, "body.data.subject"),
        (json.dumps(letter_data(unknown="x")), 422, "body.data.unknown"),
        (json.dumps(letter_data(source_id="m-1")), 422, "body.data"),
        (json.dumps(letter_data(pesel="80051401112")), 422, "pesel"),
        (json.dumps(letter_data(party_kind="institution")), 422, "institution"),
        (json.dumps(letter_data(received_on="2999-01-01")), 422, "received_on"),
    ],
)
def test_bad_item_data_is_refused_and_nothing_is_stored(
    client, ezd, rw, settings, raw, status, field
):
    before = state(ezd.unit)
    response = post_item(client, rw, raw=raw, files=[("wniosek.pdf", pdf_bytes())])
    body = problem(response, status)
    if field:
        assert field in fields(body)
    assert state(ezd.unit) == before
    assert stored_files(settings) == []


def test_a_missing_data_part_names_the_field(client, ezd, rw):
    response = client.post(f"{BASE}/incoming-items", {}, **rw)
    assert fields(problem(response, 422)) == ["body.data"]


def test_a_file_whose_content_does_not_match_its_name_refuses_the_whole_item(
    client, ezd, rw, settings
):
    before = state(ezd.unit)
    response = post_item(
        client, rw, files=[("wniosek.pdf", pdf_bytes()), ("skan.pdf", png_bytes())]
    )
    body = problem(response, 422)
    assert fields(body) == ["files"]
    assert "PNG" in body["errors"][0]["message"]
    assert state(ezd.unit) == before
    assert stored_files(settings) == []
    # the same letter with the file named for what it is goes through
    ok = post_item(client, rw, files=[("wniosek.pdf", pdf_bytes()), ("skan.png", png_bytes())])
    assert ok.status_code == 201
    assert [d["type"] for d in ok.json()["documents"]] == ["Text", "StillImage"]


def test_too_many_files_are_refused(client, ezd, rw, monkeypatch):
    from infostrada.documents.api import items

    monkeypatch.setattr(items, "MAX_FILES", 2)
    files = [(f"p{n}.pdf", pdf_bytes(f"strona {n}")) for n in range(3)]
    assert fields(problem(post_item(client, rw, files=files), 422)) == ["files"]
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 0


def test_a_request_over_the_servers_limits_is_a_problem_not_a_page(client, ezd, rw, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = post_item(client, rw, data={**letter_data(), "description": "x" * 4000})
    assert problem(response, 413)["type"].endswith("/too-large")
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    files = [(f"p{n}.pdf", pdf_bytes(f"strona {n}")) for n in range(2)]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    assert problem(post_item(client, rw, files=files), 400)["type"].endswith("/malformed")
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 0


def test_the_chancellery_registers_with_its_session_a_case_officer_may_not(client, ezd):
    client.force_login(ezd.kancelaria)
    response = post_item(client, {})
    assert response.status_code == 201
    item = IncomingItem.objects.for_unit(ezd.unit).get(pk=response.json()["id"])
    assert item.registered_by == ezd.kancelaria
    client.force_login(ezd.referent)
    problem(post_item(client, {}), 403)
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 1


# --- reading incoming items -------------------------------------------------


def test_items_are_listed_newest_first_with_filters_and_keyset_pages(client, ezd):
    reader = bearer(ezd.unit, ["documents:read"])
    items = [register(ezd, f"Pismo {n}") for n in range(5)]
    correspondence.register_incoming(
        actor=actor(ezd.kancelaria),
        unit=ezd.unit,
        data=IncomingData(
            channel="email",
            received_on=timezone.localdate(),
            subject="E-mail",
            party_kind="person",
            last_name="Nowak",
        ),
    )
    correspondence.assign(
        actor=actor(ezd.kancelaria), unit=ezd.unit, item=items[1], department=ezd.ZP
    )
    seen: list[int] = []
    url = f"{BASE}/incoming-items?limit=2"
    while url:
        page = client.get(url, **reader).json()
        seen += [i["id"] for i in page["items"]]
        nxt = page["next_before_id"]
        url = f"{BASE}/incoming-items?limit=2&before_id={nxt}" if nxt else ""
    ids = [i.pk for i in items]
    assert seen == sorted([*ids, max(ids) + 1], reverse=True)

    def listed(query: str) -> list[str]:
        response = client.get(f"{BASE}/incoming-items?{query}", **reader)
        assert response.status_code == 200, response.content
        return [i["subject"] for i in response.json()["items"]]

    assert listed("channel=email") == ["E-mail"]
    assert listed("department=ZP") == ["Pismo 1"]
    assert listed("status=assigned") == ["Pismo 1"]
    assert listed(f"year={timezone.localdate().year - 1}") == []
    assert len(listed(f"year={timezone.localdate().year}")) == 6
    for bad in ("limit=0", "limit=201", "status=lost", "before_id=0", "year=abc"):
        problem(client.get(f"{BASE}/incoming-items?{bad}", **reader), 422)


def test_an_item_with_its_documents_and_history(client, ezd, rw):
    item = register(ezd, "Skarga")
    correspondence.assign(
        actor=actor(ezd.kancelaria),
        unit=ezd.unit,
        item=item,
        department=ezd.ZP,
        assignee=ezd.referent,
    )
    body = client.get(f"{BASE}/incoming-items/{item.pk}", **rw).json()
    assert body["subject"] == "Skarga" and body["department"] == "ZP"
    assert body["assignee"] == {"id": ezd.referent.pk, "name": ezd.referent.get_full_name()}
    assert [e["kind"] for e in body["history"]] == ["registered", "assigned"]
    assert body["documents"][0]["versions"][0]["filename"] == "pismo.pdf"
    problem(client.get(f"{BASE}/incoming-items/999999", **rw), 404)
    problem(client.get(f"{BASE}/incoming-items/{2**70}", **rw), 404)


# --- opening cases ----------------------------------------------------------


def test_a_case_is_opened_from_an_item(client, ezd, rw):
    item_id = post_item(client, rw, files=[("wniosek.pdf", pdf_bytes())]).json()["id"]
    response = post_json(
        client,
        f"{BASE}/cases",
        {
            "department": "ZP",
            "file_class": "6727",
            "title": "Wypis dla działki 123/4",
            "item_id": item_id,
        },
        rw,
    )
    assert response.status_code == 201, response.content
    case = response.json()
    year = timezone.localdate().year
    assert case["signature"] == f"ZP.6727.1.{year}"
    assert (case["status"], case["department"], case["category"]) == ("open", "ZP", "B5")
    assert case["file_class"]["symbol"] == "6727"
    assert case["deadline_kind"] == "one_month" and case["deadline"] is not None
    deadline = datetime.date.fromisoformat(case["deadline"])
    assert case["days_remaining"] == (deadline - timezone.localdate()).days > 0
    assert case["overdue"] is False
    assert [(p["role"], p["name"]) for p in case["parties"]] == [("applicant", "Jan Kowalski")]
    assert [i["id"] for i in case["items"]] == [item_id]
    assert [(d["position"], d["grouping"], d["qualification"]) for d in case["documents"]] == [
        (1, case["signature"], "B5")
    ]
    assert IncomingItem.objects.for_unit(ezd.unit).get(pk=item_id).status == "in_case"


def test_a_case_with_parties_and_a_custom_deadline(client, ezd, rw):
    response = post_json(
        client,
        f"{BASE}/cases",
        {
            "department": "OR",
            "file_class": "1431",
            "title": "Udostępnienie informacji publicznej",
            "deadline_kind": "custom",
            "custom_deadline": str(timezone.localdate() + datetime.timedelta(days=14)),
            "parties": [
                {"role": "applicant", "party_kind": "institution", "institution": "Fundacja"},
                {"party_kind": "person", "first_name": "Ewa", "last_name": "Nowak"},
            ],
        },
        rw,
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["signature"].startswith("OR.1431.1.")
    assert [(p["role"], p["name"]) for p in case["parties"]] == [
        ("applicant", "Fundacja"),
        ("party", "Ewa Nowak"),
    ]
    assert case["deadline_kind"] == "custom" and case["days_remaining"] >= 14
    # the answer to the opening (built without reading the empty lists back)
    # is the case as reading it returns it
    read = client.get(f"{BASE}/cases/{case['id']}", **rw)
    assert read.status_code == 200
    assert read.json() == case
    assert (case["items"], case["documents"], case["related"]) == ([], [], [])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"department": "XX"}, "department"),
        ({"file_class": "9999"}, "file_class"),
        ({"file_class": "6"}, "file_class"),  # a class above the lowest level
        ({"title": "x" * 501}, "body.payload.title"),
        ({"title": "   "}, "title"),
        ({"department": 5}, "body.payload.department"),
        ({"item_id": 999999}, "item_id"),
        ({"item_id": 0}, "body.payload.item_id"),
        ({"deadline_kind": "custom"}, "custom_deadline"),
        ({"deadline_kind": "ages"}, "body.payload.deadline_kind"),
        ({"started_on": "2999-01-01"}, "started_on"),
        ({"parties": [{"party_kind": "person", "pesel": "123"}]}, "pesel"),
        ({"colour": "red"}, "body.payload.colour"),
    ],
)
def test_bad_case_input_is_refused_and_nothing_is_written(client, ezd, rw, change, field):
    before = state(ezd.unit)
    body = {"department": "ZP", "file_class": "6727", "title": "Wypis", **change}
    response = post_json(client, f"{BASE}/cases", body, rw)
    assert field in fields(problem(response, 422))
    assert state(ezd.unit) == before


def test_an_item_already_in_a_case_cannot_open_another(client, ezd, rw):
    item = register(ezd)
    open_case(ezd, item=item)
    before = state(ezd.unit)
    body = {"department": "ZP", "file_class": "6727", "title": "Drugi raz", "item_id": item.pk}
    assert fields(problem(post_json(client, f"{BASE}/cases", body, rw), 422)) == ["item_id"]
    assert state(ezd.unit) == before


def test_a_malformed_json_body_is_a_400(client, ezd, rw):
    response = client.post(
        f"{BASE}/cases", '{"department": "ZP",', content_type="application/json", **rw
    )
    problem(response, 400)


def test_a_case_officer_opens_cases_only_in_their_department(client, ezd):
    client.force_login(ezd.referent)  # works in ZP
    body = {"department": "OR", "file_class": "1431", "title": "Cudza sprawa"}
    problem(post_json(client, f"{BASE}/cases", body, {}), 403)
    ok = post_json(client, f"{BASE}/cases", {**body, "department": "ZP"}, {})
    assert ok.status_code == 201
    assert ok.json()["assignee"]["id"] == ezd.referent.pk


# --- listing and searching cases ---------------------------------------------


@pytest.fixture
def some_cases(ezd):  # type: ignore[no-untyped-def]
    zp1 = open_case(ezd, title="Wypis dla działki 12/3")
    zp2 = open_case(ezd, symbol="6730", title="Warunki zabudowy: hala magazynowa")
    or1 = open_case(ezd, department=ezd.OR, symbol="1431", title="Informacja publiczna")
    zp3 = open_case(ezd, title="Wypis dla działek w Grębocinie", deadline_kind=DeadlineKind.NONE)
    Case.objects.for_unit(ezd.unit).filter(pk=zp2.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    cases.close_case(actor=actor(ezd.referent), unit=ezd.unit, case=zp3, note="Wydano wypis")
    return {"zp1": zp1, "zp2": zp2, "or1": or1, "zp3": zp3}


def signatures(client, query: str, headers) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(f"{BASE}/cases?{query}", **headers)
    assert response.status_code == 200, response.content
    return [c["signature"] for c in response.json()["items"]]


def test_cases_are_filtered(client, ezd, some_cases):
    reader = bearer(ezd.unit, ["documents:read"])
    sig = {k: c.signature for k, c in some_cases.items()}
    assert signatures(client, "", reader) == [sig["zp3"], sig["or1"], sig["zp2"], sig["zp1"]]
    assert signatures(client, "department=OR", reader) == [sig["or1"]]
    assert signatures(client, "status=closed", reader) == [sig["zp3"]]
    assert signatures(client, "status=open&department=ZP", reader) == [sig["zp2"], sig["zp1"]]
    assert signatures(client, "file_class=6730", reader) == [sig["zp2"]]
    assert signatures(client, "overdue=true", reader) == [sig["zp2"]]
    assert signatures(client, f"assignee={ezd.referent_or.pk}", reader) == [sig["or1"]]
    assert signatures(client, f"year={timezone.localdate().year + 1}", reader) == []
    rows = client.get(f"{BASE}/cases?overdue=true", **reader).json()["items"]
    assert rows[0]["overdue"] is True and rows[0]["days_remaining"] == -3
    closed = client.get(f"{BASE}/cases?status=closed", **reader).json()["items"][0]
    assert closed["days_remaining"] is None and closed["closed_at"] is not None
    for bad in ("status=lost", "overdue=maybe", "limit=500", "assignee=-1", "q=" + "x" * 201):
        problem(client.get(f"{BASE}/cases?{bad}", **reader), 422)


def test_cases_are_paged_by_keyset_without_gaps_or_repeats(client, ezd):
    reader = bearer(ezd.unit, ["documents:read"])
    opened = [open_case(ezd, title=f"Sprawa {n}").pk for n in range(7)]
    seen: list[int] = []
    query = "limit=3"
    while query:
        page = client.get(f"{BASE}/cases?{query}", **reader).json()
        seen += [c["id"] for c in page["items"]]
        query = f"limit=3&before_id={page['next_before_id']}" if page["next_before_id"] else ""
    assert seen == sorted(opened, reverse=True)


def test_full_text_search_gives_relevance_order_within_the_filters(client, ezd, some_cases):
    reader = bearer(ezd.unit, ["documents:read"])
    sig = {k: c.signature for k, c in some_cases.items()}
    found = signatures(client, "q=wypis+działki", reader)
    assert sorted(found) == sorted([sig["zp1"], sig["zp3"]])
    assert signatures(client, "q=wypis+działki&status=open", reader) == [sig["zp1"]]
    assert signatures(client, "q=hala+magazynowa", reader) == [sig["zp2"]]
    assert signatures(client, "q=nieistniejące+słowo", reader) == []
    page = client.get(f"{BASE}/cases?q=wypis&limit=1", **reader).json()
    assert len(page["items"]) == 1 and page["next_before_id"] is None


def test_the_case_list_runs_a_fixed_number_of_queries(client, ezd, django_assert_max_num_queries):
    reader = bearer(ezd.unit, ["documents:read"])
    for n in range(12):
        open_case(
            ezd,
            department=(ezd.ZP, ezd.OR)[n % 2],
            symbol=("6727", "1431")[n % 2],
            title=f"Sprawa {n}",
        )
    client.get(f"{BASE}/cases", **reader)  # the token's first use is recorded once

    def count(query: str, headers) -> int:  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}/cases?{query}", **headers).status_code == 200
        return len(ctx.captured_queries)

    assert count("limit=2", reader) == count("limit=12", reader)
    assert count("q=sprawa&limit=2", reader) == count("q=sprawa&limit=12", reader)
    with django_assert_max_num_queries(6):
        client.get(f"{BASE}/cases?limit=200", **reader)
    client.force_login(ezd.referent)
    assert count("limit=2", {}) == count("limit=12", {})


def test_the_item_list_runs_a_fixed_number_of_queries(client, ezd):
    reader = bearer(ezd.unit, ["documents:read"])
    for n in range(6):
        item = register(ezd, f"Pismo {n}")
        if n % 2:
            open_case(ezd, item=item)
    client.get(f"{BASE}/incoming-items", **reader)

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{BASE}/incoming-items?limit={limit}", **reader)
        assert len(response.json()["items"]) == limit
        return len(ctx.captured_queries)

    assert count(2) == count(6)


# --- visibility ---------------------------------------------------------------


def test_a_case_officer_sees_only_their_departments_cases(client, ezd, some_cases):
    zp = {some_cases[k].signature for k in ("zp1", "zp2", "zp3")}
    client.force_login(ezd.referent)
    assert set(signatures(client, "", {})) == zp
    problem(client.get(f"{BASE}/cases/{some_cases['or1'].pk}"), 404)
    problem(client.get(f"{BASE}/cases/{some_cases['or1'].pk}/history"), 404)
    assert client.get(f"{BASE}/cases/{some_cases['zp1'].pk}").status_code == 200
    client.force_login(ezd.referent_or)
    assert signatures(client, "", {}) == [some_cases["or1"].signature]
    assert signatures(client, "q=wypis", {}) == []
    problem(client.get(f"{BASE}/cases/{some_cases['zp1'].pk}"), 404)
    client.force_login(ezd.sekretarz)
    assert set(signatures(client, "", {})) == zp | {some_cases["or1"].signature}


def test_the_chancellery_sees_an_item_but_not_the_case_it_went_into(client, ezd):
    item = register(ezd, "Wniosek")
    case = open_case(ezd, item=item)
    client.force_login(ezd.kancelaria)
    body = client.get(f"{BASE}/incoming-items/{item.pk}").json()
    assert body["status"] == "in_case" and body["case"] is None
    listed = client.get(f"{BASE}/incoming-items").json()["items"]
    assert [(i["id"], i["case"]) for i in listed] == [(item.pk, None)]
    problem(client.get(f"{BASE}/cases/{case.pk}"), 404)
    client.force_login(ezd.referent)
    assert client.get(f"{BASE}/incoming-items/{item.pk}").json()["case"]["id"] == case.pk


def test_an_official_without_ezd_work_sees_nothing(client, ezd, some_cases):
    client.force_login(ezd.archiwista)  # a role in the unit, in no department
    assert signatures(client, "", {}) == []
    assert client.get(f"{BASE}/incoming-items").json()["items"] == []


# --- credentials and units ----------------------------------------------------


def test_credentials_are_required(client, ezd):
    response = client.get(f"{BASE}/cases")
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem(post_item(client, {}), 401)
    problem(client.get(f"{BASE}/cases", HTTP_AUTHORIZATION="Bearer inf_nonsense"), 401)


def test_scopes_decide_what_a_token_may_do(client, ezd, some_cases):
    audit_only = bearer(ezd.unit, ["audit:read"])
    reader = bearer(ezd.unit, ["documents:read"])
    writer = bearer(ezd.unit, ["documents:write"])
    case_id = some_cases["zp1"].pk
    before = state(ezd.unit)
    for headers in (audit_only, writer):
        problem(client.get(f"{BASE}/cases", **headers), 403)
        problem(client.get(f"{BASE}/incoming-items", **headers), 403)
        problem(client.get(f"{BASE}/cases/{case_id}", **headers), 403)
    for headers in (audit_only, reader):
        problem(post_item(client, headers), 403)
        body = {"department": "ZP", "file_class": "6727", "title": "X"}
        problem(post_json(client, f"{BASE}/cases", body, headers), 403)
        # 403 comes before the unit's data is consulted (an unknown department)
        problem(post_json(client, f"{BASE}/cases", {**body, "department": "XX"}, headers), 403)
    assert state(ezd.unit) == before


def test_another_units_token_changes_nothing(client, ezd, some_cases, settings):
    theirs = bearer(ezd.other.unit, RW)
    before, files_before = state(ezd.unit), stored_files(settings)
    problem(post_item(client, theirs, files=[("wniosek.pdf", pdf_bytes())]), 403)
    body = {"department": "ZP", "file_class": "6727", "title": "Cudza"}
    problem(post_json(client, f"{BASE}/cases", body, theirs), 403)
    problem(client.get(f"{BASE}/cases", **theirs), 403)
    problem(client.get(f"{BASE}/cases/{some_cases['zp1'].pk}", **theirs), 403)
    assert state(ezd.unit) == before
    assert stored_files(settings) == files_before


def test_another_units_case_is_not_found_through_ones_own_unit(client, ezd, rw):
    other = ezd.other
    their_case = cases.open_case(
        actor=actor(other.referent),
        unit=other.unit,
        department=other.ZP,
        file_class=FileClass.objects.for_unit(other.unit).get(symbol="6727"),
        title="Sprawa innej gminy",
    )
    their_item = register(other, "Pismo innej gminy")
    problem(client.get(f"{BASE}/cases/{their_case.pk}", **rw), 404)
    problem(client.get(f"{BASE}/incoming-items/{their_item.pk}", **rw), 404)
    document = Document.objects.for_unit(other.unit).get(incoming_item=their_item)
    problem(client.get(f"{BASE}/documents/{document.pk}/versions/1/content", **rw), 404)
    mine = open_case(ezd)
    before = state(other.unit)
    body = {"item_id": their_item.pk}
    assert fields(problem(post_json(client, f"{BASE}/cases/{mine.pk}/items", body, rw), 422)) == [
        "item_id"
    ]
    upload = {
        "data": json.dumps({"title": "Notatka"}),
        "file": SimpleUploadedFile("n.pdf", pdf_bytes()),
    }
    problem(client.post(f"{BASE}/cases/{their_case.pk}/documents", upload, **rw), 404)
    assert state(other.unit) == before


def test_an_unknown_unit_is_not_found(client, ezd, rw):
    client.force_login(ezd.sekretarz)
    problem(client.get("/api/v1/units/atlantyda/cases"), 404)
    problem(client.get("/api/v1/units/atlantyda/incoming-items/1"), 404)


# --- the case file --------------------------------------------------------------


def test_a_case_with_its_file_versions_related_cases_and_history(client, ezd, rw):
    item = register(ezd, "Wniosek o warunki zabudowy")
    case = open_case(ezd, symbol="6730", title="Warunki zabudowy", item=item)
    earlier = open_case(ezd, symbol="6730", title="Poprzedni wniosek")
    hidden = open_case(ezd, department=ezd.OR, symbol="1431", title="Sprawa referatu OR")
    cases.relate_cases(actor=actor(ezd.sekretarz), unit=ezd.unit, case=case, related=earlier)
    cases.relate_cases(actor=actor(ezd.sekretarz), unit=ezd.unit, case=case, related=hidden)
    upload = {
        "data": json.dumps({"title": "Notatka z oględzin", "kind": "note", "description": "Teren"}),
        "file": SimpleUploadedFile("notatka.pdf", pdf_bytes("Notatka z oględzin")),
    }
    added = client.post(f"{BASE}/cases/{case.pk}/documents", upload, **rw)
    assert added.status_code == 201, added.content
    document = added.json()
    assert (document["position"], document["kind"], document["title"]) == (
        2,
        "note",
        "Notatka z oględzin",
    )
    assert document["direction"] == "internal" and document["creator"]["name"] == "ERP"

    body = client.get(f"{BASE}/cases/{case.pk}", **rw).json()
    assert [d["position"] for d in body["documents"]] == [1, 2]
    assert [d["title"] for d in body["documents"]][1] == "Notatka z oględzin"
    assert {r["signature"] for r in body["related"]} == {earlier.signature, hidden.signature}
    assert body["items"] == [
        {"id": item.pk, "register_number": item.register_number, "subject": item.subject}
    ]
    client.force_login(ezd.referent)  # works in ZP: the OR case is not shown to them
    related = client.get(f"{BASE}/cases/{case.pk}").json()["related"]
    assert [r["signature"] for r in related] == [earlier.signature]

    history = client.get(f"{BASE}/cases/{case.pk}/history", **rw).json()
    # the item's documents are filed in the transaction that opens the case
    kinds = [e["kind"] for e in history]
    assert kinds == ["item_added", "opened", "related", "related", "document_added"]
    assert [e["at"] for e in history] == sorted(e["at"] for e in history)


def test_a_version_is_downloaded_with_safe_headers(client, ezd, rw):
    content = pdf_bytes("Treść wniosku")
    name = "wniosek o wypis ąę.pdf"
    item = post_item(client, rw, files=[(name, content)]).json()
    url = item["documents"][0]["versions"][0]["content_url"]
    assert url == f"{BASE}/documents/{item['documents'][0]['id']}/versions/1/content"
    response = client.get(url, **rw)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''wniosek%20o%20wypis%20%C4%85%C4%99.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    problem(client.get(url.replace("/versions/1/", "/versions/2/"), **rw), 404)
    problem(client.get(url.replace("/versions/1/", "/versions/0/"), **rw), 422)
    problem(client.get(url.replace("/versions/1/", f"/versions/{2**40}/"), **rw), 422)


def test_a_document_of_another_department_cannot_be_downloaded(client, ezd):
    item = register(ezd, "Pismo do OR")
    open_case(ezd, department=ezd.OR, symbol="1431", item=item)
    document = Document.objects.for_unit(ezd.unit).get(incoming_item=item)
    url = f"{BASE}/documents/{document.pk}/versions/1/content"
    client.force_login(ezd.referent)  # ZP
    problem(client.get(url), 404)
    client.force_login(ezd.referent_or)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("data", "file", "field"),
    [
        ({"title": "Notatka"}, ("notatka.pdf", png_bytes()), "file"),
        ({"title": "Notatka"}, ("notatka.exe", b"MZ\x90\x00"), "file"),
        ({"title": ""}, ("notatka.pdf", pdf_bytes()), "body.data.title"),
        ({"title": "N", "kind": "poem"}, ("notatka.pdf", pdf_bytes()), "body.data.kind"),
        ({"title": "N"}, None, "file"),
    ],
)
def test_a_bad_document_is_refused_and_the_case_file_is_unchanged(
    client, ezd, rw, settings, data, file, field
):
    case = open_case(ezd)
    before = state(ezd.unit)
    upload: dict[str, Any] = {"data": json.dumps(data)}
    if file:
        upload["file"] = SimpleUploadedFile(*file)
    response = client.post(f"{BASE}/cases/{case.pk}/documents", upload, **rw)
    assert any(f.endswith(field) for f in fields(problem(response, 422)))
    assert state(ezd.unit) == before
    assert stored_files(settings) == []


def test_no_document_is_added_to_a_closed_case(client, ezd, rw):
    case = open_case(ezd)
    cases.close_case(actor=actor(ezd.referent), unit=ezd.unit, case=case, note="Załatwiona")
    before = state(ezd.unit)
    upload = {
        "data": json.dumps({"title": "Spóźniona"}),
        "file": SimpleUploadedFile("a.pdf", pdf_bytes()),
    }
    problem(client.post(f"{BASE}/cases/{case.pk}/documents", upload, **rw), 422)
    assert state(ezd.unit) == before


def test_an_item_is_added_to_a_running_case(client, ezd, rw):
    case = open_case(ezd, item=register(ezd, "Wniosek"))
    supplement = register(ezd, "Uzupełnienie wniosku")
    url = f"{BASE}/cases/{case.pk}/items"
    response = post_json(client, url, {"item_id": supplement.pk}, rw)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["subject"] for i in body["items"]] == ["Wniosek", "Uzupełnienie wniosku"]
    assert [d["position"] for d in body["documents"]] == [1, 2]
    before = state(ezd.unit)
    again = post_json(client, url, {"item_id": supplement.pk}, rw)
    assert fields(problem(again, 422)) == ["item_id"]
    assert fields(problem(post_json(client, url, {"item_id": "x"}, rw), 422)) == [
        "body.payload.item_id"
    ]
    problem(post_json(client, f"{BASE}/cases/999999/items", {"item_id": supplement.pk}, rw), 404)
    assert state(ezd.unit) == before


# --- the contract ---------------------------------------------------------------


def test_the_schemas_offer_exactly_the_models_choices():
    def values(literal: Any) -> set[str]:
        return set(literal.__args__)

    assert values(schemas.ChannelName) == set(Channel.values)
    assert values(schemas.PartyKindName) == set(PartyKind.values)
    assert values(schemas.ItemStatusName) == set(IncomingItem.Status.values)
    assert values(schemas.CaseStatusName) == set(Case.Status.values)
    assert values(schemas.DeadlineKindName) == set(DeadlineKind.values)
    assert values(schemas.DocumentKindName) == set(Document.Kind.values)


def test_every_ezd_operation_is_documented(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    ours = {
        (method, path): op
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if "documents (EZD)" in op.get("tags", [])
    }
    assert len(ours) == 10
    for (method, path), op in ours.items():
        assert op["summary"] and op.get("description"), (method, path)
        assert {"401", "403", "404", "422"} <= set(op["responses"]), (method, path)
    register_op = ours[("post", "/api/v1/units/{slug}/incoming-items")]
    assert "201" in register_op["responses"]
    multipart = register_op["requestBody"]["content"]["multipart/form-data"]
    assert multipart["encoding"]["data"]["contentType"] == "application/json"
    assert set(multipart["schema"]["properties"]) == {"data", "files"}
