"""Pages reachable from the shell: no page a user may open is linked from nowhere."""

import re

import pytest

from infostrada.accounts.models import User
from infostrada.accounts.roles import Role
from infostrada.portal.menu import WORKBENCH_MENU
from infostrada.testing import UserFactory, official

MENU = re.compile(r'<nav aria-label="[^"]*" class="wrap workbench-nav"><ul>(.*?)</ul></nav>', re.S)


def _menu_links(client, unit_slug):
    page = client.get(f"/urzad/{unit_slug}/").content.decode()
    return re.findall(r'href="([^"]+)"', MENU.search(page).group(1))


def test_a_gminas_portal_links_its_zoning_extract_form(client, lubicz):
    page = client.get("/lubicz/").content.decode()
    assert 'href="/lubicz/geoportal/wypis/"' in page
    assert client.get("/lubicz/geoportal/wypis/").status_code == 200


@pytest.mark.parametrize("slug", ["powiat-torunski", "kujawsko-pomorskie"])
def test_units_that_issue_no_extract_do_not_offer_it(client, region, slug):
    assert "/geoportal/wypis/" not in client.get(f"/{slug}/").content.decode()


def test_gis_operator_finds_the_import_page_in_the_menu(client, lubicz):
    client.force_login(official(lubicz, Role.GIS_OPERATOR))
    links = _menu_links(client, "lubicz")
    assert "/urzad/lubicz/geoportal/import/" in links
    assert "/urzad/lubicz/geoportal/wypisy/" not in links


def test_case_officer_finds_the_extract_desk_but_not_the_import(client, lubicz):
    client.force_login(official(lubicz, Role.CASE_OFFICER))
    links = _menu_links(client, "lubicz")
    assert "/urzad/lubicz/geoportal/wypisy/" in links
    assert "/urzad/lubicz/geoportal/import/" not in links


def test_a_powiat_has_no_extract_desk_in_its_menu(client, region):
    client.force_login(official(region.children.get(slug="powiat-torunski"), Role.SECRETARY))
    assert "/urzad/powiat-torunski/geoportal/wypisy/" not in _menu_links(client, "powiat-torunski")


@pytest.mark.parametrize("role", [r for r in Role if r != Role.REGION_ADMIN])
def test_every_menu_link_opens_for_whoever_sees_it(client, lubicz, role):
    client.force_login(official(lubicz, role))
    links = _menu_links(client, "lubicz")
    assert links, role
    for url in links:
        assert client.get(url).status_code == 200, (role, url)


def test_the_current_page_is_marked_in_the_menu(client, lubicz):
    client.force_login(official(lubicz, Role.GIS_OPERATOR))
    page = client.get("/urzad/lubicz/geoportal/import/").content.decode()
    assert 'href="/urzad/lubicz/geoportal/import/" aria-current="page"' in page


def test_menu_entries_have_distinct_keys():
    keys = [item.nav for item in WORKBENCH_MENU]
    assert len(keys) == len(set(keys))


def test_a_resident_finds_their_letters_in_the_header(client, region):
    resident = UserFactory(username="mieszkanka", kind=User.Kind.CITIZEN)
    client.force_login(resident)
    assert 'href="/konto/skrzynka/"' in client.get("/").content.decode()
    assert client.get("/konto/skrzynka/").status_code == 200


def test_an_official_has_no_residents_letters_link(client, lubicz):
    client.force_login(official(lubicz, Role.CASE_OFFICER))
    assert 'href="/konto/skrzynka/"' not in client.get("/").content.decode()
