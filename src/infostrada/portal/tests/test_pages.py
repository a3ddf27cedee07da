import pytest
from django.db import transaction

from infostrada.accounts.roles import Role
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.tenancy.models import UnitDomain
from infostrada.testing import official


def test_regional_home_lists_powiaty_and_searches(client, region):
    page = client.get("/").content.decode()
    assert "Powiat Toruński" in page and "Miasto Toruń" in page
    found = client.get("/", {"q": "0415"}).content.decode()
    assert "Gmina Lubicz" in found and "Gmina Wielka Nieszawka" in found


def test_unit_home_shows_contact_data_and_children(client, region, lubicz):
    lubicz.email = "kancelaria@lubicz.example.pl"
    lubicz.ade_address = "AE:PL-12345-67890-ABCDE-12"
    lubicz.save()
    page = client.get("/lubicz/").content.decode()
    assert "kancelaria@lubicz.example.pl" in page and "AE:PL-12345-67890-ABCDE-12" in page
    assert 'href="/lubicz/deklaracja-dostepnosci/"' in page
    powiat = client.get("/powiat-torunski/").content.decode()
    assert "Gmina Lubicz" in powiat


def test_a_unit_on_its_own_host(client, lubicz, settings):
    settings.ALLOWED_HOSTS = ["bip.lubicz.example.pl", "testserver"]
    UnitDomain.objects.create(host="bip.lubicz.example.pl", unit=lubicz)
    page = client.get("/", HTTP_HOST="bip.lubicz.example.pl")
    assert page.status_code == 200 and "<h1>Gmina Lubicz</h1>" in page.content.decode()
    statement = client.get("/deklaracja-dostepnosci/", HTTP_HOST="bip.lubicz.example.pl")
    assert "Gmina Lubicz" in statement.content.decode()
    # the platform host still shows the region
    assert "<h1>Gmina Lubicz</h1>" not in client.get("/").content.decode()


def _event(unit, action):
    with transaction.atomic():
        audit.record(
            Actor(kind="user", id="1", name="jan.test"), unit, action, changes={"field": "value"}
        )


def test_audit_trail_shows_the_units_events_to_who_may_see_them(client, lubicz, nieszawka):
    _event(lubicz, "demo.lubicz.thing")
    _event(nieszawka, "demo.nieszawka.thing")
    client.force_login(official(lubicz, Role.SECRETARY))
    page = client.get("/urzad/lubicz/audyt/").content.decode()
    assert "demo.lubicz.thing" in page and "demo.nieszawka.thing" not in page
    filtered = client.get("/urzad/lubicz/audyt/", {"action": "nothing"}).content.decode()
    assert "demo.lubicz.thing" not in filtered
    client.force_login(official(lubicz, Role.CASE_OFFICER))
    assert client.get("/urzad/lubicz/audyt/").status_code == 403


def test_region_admin_sees_every_units_events(client, region, lubicz, nieszawka):
    _event(lubicz, "demo.lubicz.thing")
    _event(nieszawka, "demo.nieszawka.thing")
    client.force_login(official(region, Role.REGION_ADMIN))
    page = client.get(f"/urzad/{region.slug}/audyt/").content.decode()
    assert "demo.lubicz.thing" in page and "demo.nieszawka.thing" in page
    only = client.get(f"/urzad/{region.slug}/audyt/", {"unit": "lubicz"}).content.decode()
    assert "demo.lubicz.thing" in only and "demo.nieszawka.thing" not in only


def test_workbench_entry_goes_to_the_only_unit_or_asks(client, lubicz, nieszawka):
    one = official(lubicz, Role.CASE_OFFICER)
    client.force_login(one)
    assert client.get("/urzad/")["Location"] == "/urzad/lubicz/"
    two = official(lubicz, Role.CASE_OFFICER)
    official(nieszawka, Role.CASE_OFFICER, username=two.username)
    client.force_login(two)
    page = client.get("/urzad/")
    assert page.status_code == 200 and "Gmina Wielka Nieszawka" in page.content.decode()
    assert (
        client.get("/urzad/przelacz/", {"unit": "wielka-nieszawka"})["Location"]
        == "/urzad/wielka-nieszawka/"
    )
    assert client.get("/urzad/przelacz/", {"unit": "torun"})["Location"] == "/urzad/"


def test_citizens_do_not_enter_the_workbench(client, db):
    from infostrada.accounts.services import create_citizen

    citizen = create_citizen(
        actor=Actor.system(),
        username="jan",
        email="j@example.invalid",
        first_name="Jan",
        last_name="K",
    )
    client.force_login(citizen.user)
    assert client.get("/urzad/").status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_pages_are_polish_whatever_the_browser_asks(client, region):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="pl">' in body and "Znajdź swój urząd" in body
    # each language is offered in its own name, so that anyone can find theirs
    assert 'lang="en">English</option>' in body and 'lang="pl" selected>Polski</option>' in body
    assert response["Content-Language"] == "pl"
    assert "Cookie" in response["Vary"]


def test_the_language_switch_gives_english_pages(client, region):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/lubicz/"})
    assert response.status_code == 302 and response["Location"] == "/lubicz/"
    body = client.get("/lubicz/").content.decode()
    assert '<html lang="en">' in body and "Contact the office" in body
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    assert "Kontakt z urzędem" in client.get("/lubicz/").content.decode()


def test_the_api_negotiates_the_language_of_its_messages(client, region):
    english = client.get("/api/v1/units/atlantyda", HTTP_ACCEPT_LANGUAGE="en")
    polish = client.get("/api/v1/units/atlantyda", HTTP_ACCEPT_LANGUAGE="de, pl;q=0.5")
    default = client.get("/api/v1/units/atlantyda")
    assert english.json()["title"] == "Not found"
    assert polish.json()["title"] == default.json()["title"] == "Nie znaleziono"
    assert "Accept-Language" in english["Vary"]


@pytest.mark.parametrize("path", ["/", "/lubicz/", "/konto/logowanie/", "/konto/haslo/reset/"])
def test_every_page_footer_links_an_accessibility_statement(client, region, path):
    body = client.get(path).content.decode()
    footer = body[body.index('<footer class="site-footer">') :]
    assert "/deklaracja-dostepnosci/" in footer, path


def test_the_workbench_footer_links_the_units_statement(client, lubicz):
    client.force_login(official(lubicz, Role.CASE_OFFICER))
    body = client.get("/urzad/lubicz/").content.decode()
    footer = body[body.index('<footer class="site-footer">') :]
    assert "/lubicz/deklaracja-dostepnosci/" in footer
