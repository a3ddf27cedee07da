"""A unit's area as the platform knows it, and the map of a unit without geodata.

The map of a gmina with no layers opened on the whole of Poland; it must open
on the unit's own area (geo.extents' rule: its data, the units below, the unit
above, its voivodeship).
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from shapely.geometry import box

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.geo import services
from infostrada.geo.crs import bbox_from_storage
from infostrada.geo.extents import VOIVODESHIP_LONLAT, unit_area
from infostrada.tenancy.models import Unit
from infostrada.testing import UnitFactory, official

pytestmark = pytest.mark.django_db
X0, Y0 = 478_000.0, 573_500.0  # EPSG:2180, in Gmina Lubicz east of Toruń
POLAND = [[49.0, 14.07], [54.84, 24.15]]


def gis_of(unit):  # type: ignore[no-untyped-def]
    user = official(unit, Role.GIS_OPERATOR, username=f"{unit.slug}.gis")
    return Actor(kind="user", id=str(user.pk), name=user.username, user=user)


def parcels_layer(unit, geometries, *, slug="dzialki", kind="parcels"):  # type: ignore[no-untyped-def]
    layer = services.create_layer(actor=gis_of(unit), unit=unit, slug=slug, title=slug, kind=kind)
    with transaction.atomic():
        services.store_features(layer, [(str(i), {}, g) for i, g in enumerate(geometries)])
    return layer


def initial_bounds(client, slug):  # type: ignore[no-untyped-def]
    html = client.get(f"/{slug}/geoportal/").content.decode()
    config = json.loads(
        html.split('id="geo-config" type="application/json">')[1].split("</script>")[0]
    )
    return config["bounds"]


def inside(bounds, lonlat_box) -> bool:  # type: ignore[no-untyped-def]
    (south, west), (north, east) = bounds
    minx, miny, maxx, maxy = lonlat_box
    slack = 0.1  # the box went to EPSG:2180 and back: its edges bulge a little
    return (
        minx - slack <= west < east <= maxx + slack
        and miny - slack <= south < north <= maxy + slack
    )


def test_a_gmina_without_layers_opens_on_its_voivodeship_not_on_poland(client, region):
    bounds = initial_bounds(client, "wielka-nieszawka")
    assert bounds != POLAND
    assert inside(bounds, VOIVODESHIP_LONLAT["04"])


def test_a_gmina_without_layers_opens_on_the_cadastre_its_powiat_publishes(client, region):
    powiat = Unit.objects.get(slug="powiat-torunski")
    parcels_layer(powiat, [box(X0, Y0, X0 + 500, Y0 + 400)])
    bounds = initial_bounds(client, "wielka-nieszawka")
    west, south, east, north = bbox_from_storage((X0, Y0, X0 + 500, Y0 + 400), "EPSG:4326")
    assert [*bounds[0], *bounds[1]] == pytest.approx([south, west, north, east])


def test_a_powiat_without_own_layers_takes_those_of_its_gminy(region, lubicz):
    parcels_layer(lubicz, [box(X0, Y0, X0 + 100, Y0 + 100)])
    area = unit_area(Unit.objects.get(slug="powiat-torunski"), cadastre_only=True)
    assert area.source == "below" and area.box == (X0, Y0, X0 + 100, Y0 + 100)
    assert unit_area(lubicz, cadastre_only=True).source == "own"


def test_a_partner_takes_its_parents_voivodeship_and_else_poland(region):
    woj = Unit.objects.get(slug="kujawsko-pomorskie")
    partner = UnitFactory(teryt=None, kind="partner", slug="kpodr", parent=woj)
    assert unit_area(partner).source == "voivodeship"
    alone = Unit.objects.create(kind="partner", name="F", official_name="Fundacja", slug="f")
    assert unit_area(alone).source == "poland"
