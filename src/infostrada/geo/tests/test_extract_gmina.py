"""Only a gmina issues the zoning extract (art. 30 ust. 1 of the planning act).

A powiat, the województwo and partner institutions must neither offer the
form nor take a request through the API, and say so plainly.
"""

# ruff: noqa: F811 (pytest fixtures imported from other test modules)

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from infostrada.accounts.services import issue_api_client
from infostrada.documents.models import IncomingItem
from infostrada.documents.tests.conftest import (  # noqa: F401 (fixtures)
    SYSTEM,
    _fast_password_hashing,
    actor,
    ezd,
)
from infostrada.geo import services_extract as se
from infostrada.geo.public import offers_zoning_extract, zoning_extract_url
from infostrada.geo.tests.test_extract import geo_world  # noqa: F401 (fixture)
from infostrada.geo.tests.test_extract_web import body
from infostrada.geo.tests.test_portal import P1, geo, parcel_url  # noqa: F401 (fixture)
from infostrada.tenancy.models import Unit
from infostrada.testing import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(region):  # type: ignore[no-untyped-def]
    return UnitFactory(
        teryt=None, kind="partner", name="KPODR", official_name="KPODR Minikowo", slug="kpodr"
    )


@pytest.mark.parametrize(
    ("slug", "offered"),
    [
        ("lubicz", True),  # gmina wiejska
        ("torun", True),  # miasto na prawach powiatu: a gmina too
        ("powiat-torunski", False),
        ("kujawsko-pomorskie", False),
        ("kpodr", False),
    ],
)
def test_only_a_gmina_offers_the_extract(region, partner, slug, offered):
    unit = Unit.objects.get(slug=slug)
    assert offers_zoning_extract(unit) is offered
    url = zoning_extract_url(unit, "041504_2.0001.12")
    if offered:
        assert url == f"/{slug}/geoportal/wypis/?dzialki=041504_2.0001.12"
    else:
        assert url is None


@pytest.mark.parametrize("slug", ["powiat-torunski", "kujawsko-pomorskie", "kpodr"])
def test_the_form_of_a_unit_that_is_not_a_gmina_is_a_clear_404(
    client, region, partner, slug, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages are Polish otherwise
    response = client.get(f"/{slug}/geoportal/wypis/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "does not issue extracts from zoning plans" in text
    assert "<form" not in text.split("<main", 1)[-1].split("</main>", 1)[0]
    post = client.post(f"/{slug}/geoportal/wypis/", {"parcels": "x", "action": "submit"})
    assert post.status_code == 404


def test_the_api_refuses_a_request_to_a_powiat(client, ezd, geo_world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    powiat = Unit.objects.get(slug="powiat-torunski")
    _client, token = issue_api_client(
        actor=SYSTEM, unit=powiat, name="e-usługi", scopes=["documents:write"]
    )
    response = client.post(
        "/api/v1/units/powiat-torunski/zoning-extracts",
        body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "municipality" in response.json()["detail"]
    assert not IncomingItem.objects.for_unit(powiat).exists()


def test_the_service_refuses_a_unit_that_is_not_a_gmina(ezd, geo_world):
    powiat = Unit.objects.get(slug="powiat-torunski")
    with pytest.raises(se.NotIssuedHere):
        se.ensure_available(powiat)
    applicant = se.Applicant(first_name="Anna", last_name="Nowak", email="a@example.invalid")
    with pytest.raises((se.NotIssuedHere, ValidationError)):
        se.request_extract(
            unit=powiat,
            applicant=applicant,
            parcels=["041504_2.0001.12"],
            kind="both",
            source_id="x-1",
        )
    assert not IncomingItem.objects.for_unit(powiat).exists()


def test_the_parcel_page_and_the_viewer_link_the_extract_form(client, geo):
    """The form was linked from nowhere: now from the parcel page and the viewer."""
    form = "/lubicz/geoportal/wypis/?dzialki=041504_2.0001.123%2F4"
    page = client.get(parcel_url("lubicz", P1)).content.decode()
    assert f'href="{form}"' in page
    viewer = client.get("/lubicz/geoportal/").content.decode()
    assert 'id="extract-link"' in viewer and 'href="/lubicz/geoportal/wypis/"' in viewer
    selected = client.get("/lubicz/geoportal/", {"parcel": P1}).content.decode()
    assert f'href="{form}" id="extract-link"' in selected
    # a powiat issues none: no link, and the script is told so
    powiat = client.get("/powiat-torunski/geoportal/").content.decode()
    assert 'id="extract-link"' not in powiat and '"extractUrl": null' in powiat
