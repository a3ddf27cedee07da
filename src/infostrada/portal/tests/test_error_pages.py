"""403, 404 and 500 pages in the portal's layout and the visitor's language; the favicon."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.urls import path

from infostrada import urls as platform_urls
from infostrada.accounts.access import public
from infostrada.accounts.roles import Role
from infostrada.testing import official


@public
def _broken(request):
    raise RuntimeError("a defect")


# A URLconf with one broken view next to the platform's, for the 500 page.
urlpatterns = [path("zepsute/", _broken), *platform_urls.urlpatterns]
handler500 = "infostrada.portal.errors.server_error"


def test_both_urlconfs_name_the_portals_handlers():
    from infostrada.portal import unit_host_urls

    for conf in (platform_urls, unit_host_urls):
        assert conf.handler404 == "infostrada.portal.errors.not_found"
        assert conf.handler403 == "infostrada.portal.errors.forbidden"
        assert conf.handler500 == handler500


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_404_is_in_the_layout_and_in_polish_by_default(client, region):
    response = client.get("/nie-ma-takiej-strony/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="pl">' in page and 'class="site-header"' in page
    assert "Nie znaleziono strony" in page and 'href="/"' in page


def test_404_in_english_when_chosen(client, region):
    page = _english(client).get("/no-such-page/x/").content.decode()
    assert '<html lang="en">' in page and "Page not found" in page


def test_404_on_the_api_stays_problem_json(client, region):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_403_is_in_the_layout(client, lubicz):
    client.force_login(official(lubicz, Role.CASE_OFFICER))
    response = client.get("/urzad/lubicz/audyt/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'class="site-header"' in page and "Brak dostępu" in page
    assert 'href="/urzad/"' in page


@pytest.mark.urls(__name__)
def test_500_is_in_the_layout_language_and_needs_no_database(region, django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/zepsute/")
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="pl">' in page and 'class="site-header"' in page and "Błąd serwera" in page
    english = _english(Client(raise_request_exception=False)).get("/zepsute/").content.decode()
    assert '<html lang="en">' in english and "Server error" in english


def test_favicon_is_linked_and_served(client, region):
    # The collected, fingerprinted names, as the production storage gives them.
    page = client.get("/").content.decode()
    assert f'rel="icon" href="{static("portal/favicon.svg")}"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("portal/favicon.ico")
    assert finders.find("portal/favicon.ico") and finders.find("portal/favicon.svg")
