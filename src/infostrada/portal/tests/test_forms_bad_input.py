"""Bad input to every HTML form: a clear message at the field, never a 500,
and nothing written."""

import pytest

from infostrada.accounts.roles import Role
from infostrada.portal.tests.test_isolation import snapshot
from infostrada.testing import official

LONG = "x" * 5000


@pytest.fixture
def admin_client(client, lubicz):
    client.force_login(official(lubicz, Role.UNIT_ADMIN, username="admin.lubicz"))
    return client


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (
            "/urzad/lubicz/urzednicy/",
            {
                "action": "create",
                "new-username": "zły login!",
                "new-first_name": "A",
                "new-last_name": "B",
                "new-email": "a@example.invalid",
                "new-role": "case_officer",
            },
            "new-username",
        ),
        (
            "/urzad/lubicz/urzednicy/",
            {
                "action": "create",
                "new-username": LONG,
                "new-first_name": LONG,
                "new-last_name": "B",
                "new-email": "nie-email",
                "new-role": "cesarz",
            },
            "new-email",
        ),
        (
            "/urzad/lubicz/urzednicy/",
            {
                "action": "create",
                "new-username": "admin.lubicz",
                "new-first_name": "A",
                "new-last_name": "B",
                "new-email": "a@example.invalid",
                "new-role": "case_officer",
            },
            "jest już zajęty",
        ),
        (
            "/urzad/lubicz/urzednicy/",
            {"action": "grant", "grant-username": "nikt", "grant-role": "case_officer"},
            "Nie ma urzędnika",
        ),
        (
            "/urzad/lubicz/urzednicy/",
            {"action": "grant", "grant-username": "admin.lubicz", "grant-role": "region_admin"},
            "grant-role",
        ),
        (
            "/urzad/lubicz/klienci-api/",
            {"action": "issue", "client-name": "", "client-scopes": []},
            "client-name",
        ),
        (
            "/urzad/lubicz/klienci-api/",
            {"action": "issue", "client-name": LONG, "client-scopes": ["root"]},
            "client-scopes",
        ),
        ("/urzad/lubicz/audyt/", {"since": "2026-13-45", "before": "-3"}, "since"),
        (
            "/urzad/lubicz/audyt/",
            {"since": "2026-05-02", "until": "2026-05-01"},
            "Data początkowa jest późniejsza",
        ),
    ],
)
def test_workbench_forms(admin_client, url, data, message):
    before = snapshot()
    method = admin_client.get if url.endswith("audyt/") else admin_client.post
    response = method(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "field-error" in body or "error-summary" in body
    assert message in body
    assert snapshot() == before


@pytest.mark.parametrize(
    "post",
    [
        {"action": "revoke", "membership": "abc"},
        {"action": "revoke", "membership": "999999"},
        {"action": "unknown"},
    ],
)
def test_bad_hidden_values_are_404_or_ignored(admin_client, post):
    before = snapshot()
    response = admin_client.post("/urzad/lubicz/urzednicy/", post)
    assert response.status_code in (200, 404)
    assert snapshot() == before


def test_login_form_with_junk(client, lubicz):
    before = snapshot()
    response = client.post("/konto/logowanie/", {"username": LONG, "password": LONG})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    response = client.post("/konto/logowanie/", {})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert snapshot() == before


def test_second_factor_form_with_junk(client, lubicz):
    response = client.post("/konto/weryfikacja/", {"token": "abc"})
    assert response.status_code == 302  # nothing pending: back to the login page


def test_password_reset_with_a_bad_address(client, db, mailoutbox):
    response = client.post("/konto/haslo/reset/", {"email": "nie-adres"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert mailoutbox == []


def test_unknown_language_is_ignored(client, db):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert client.get("/").content.decode().startswith('<!DOCTYPE html>\n<html lang="pl">')


def test_over_long_search_is_cut_not_an_error(client, region):
    response = client.get("/", {"q": LONG})
    assert response.status_code == 200


def test_unknown_unit_page_is_404(client, region):
    assert client.get("/atlantyda/").status_code == 404
    assert client.get("/atlantyda/deklaracja-dostepnosci/").status_code == 404
