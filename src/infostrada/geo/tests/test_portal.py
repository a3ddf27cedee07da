"""The geoportal pages: map viewer, parcel search, parcel pages, prints (no browser)."""

from __future__ import annotations

import io
import json

import pytest
from django.db import transaction
from django.templatetags.static import static
from django.urls import reverse
from PIL import Image
from shapely.geometry import box

from infostrada.audit.context import Actor
from infostrada.geo import services
from infostrada.geo.models import Layer, Parcel, Plan, PlanZone, Precinct
from infostrada.geo.search import identifier_from_url, search_parcels, url_identifier

pytestmark = pytest.mark.django_db
X0, Y0 = 476_000.0, 574_000.0  # EPSG:2180, Lubicz east of Toruń
P1 = "041504_2.0001.123/4"
P2 = "041504_2.0001.124"
P3 = "041504_2.0002.7/1"
NIESZAWKA_PARCEL = "041508_2.0001.1"
MPZP_STYLE = {
    "by": "symbol",
    "opacity": 0.5,
    "classes": {
        "MN": {"fill": "#f2c14e", "label": "zabudowa mieszkaniowa jednorodzinna"},
        "U": {"fill": "#e06c75", "label": "zabudowa usługowa"},
        "ZP": {"fill": "#6ab04c", "label": "zieleń urządzona"},
    },
}


def _layer(unit, slug, title, kind, **extra):
    return services.create_layer(
        actor=Actor.system(), unit=unit, slug=slug, title=title, kind=kind, **extra
    )


def _store(layer, rows):
    return services.store_features(layer, rows).feature_ids


def _parcel(unit, ids, identifier, precinct, address="", area=None):
    number = identifier.rsplit(".", 1)[1]
    return Parcel.objects.create(
        unit=unit,
        feature_id=ids[identifier],
        identifier=identifier,
        precinct=precinct,
        number=number,
        address=address,
        area=area,
    )


@pytest.fixture
def geo(lubicz, nieszawka):
    """Lubicz: two precincts, three parcels, buildings, a local plan, the general plan."""
    with transaction.atomic():
        obreby = _layer(lubicz, "obreby", "Obręby", "precincts")
        dzialki = _layer(
            lubicz,
            "dzialki",
            "Działki ewidencyjne",
            "parcels",
            style={"fill": "#ffffff", "opacity": 0, "stroke": "#333333"},
            attribution="Starostwo Powiatowe w Toruniu, EGiB",
        )
        budynki = _layer(
            lubicz,
            "budynki",
            "Budynki",
            "buildings",
            schema=[{"name": "funkcja", "title": "Funkcja"}, {"name": "kondygnacje"}],
        )
        mpzp = _layer(lubicz, "mpzp", "Plany miejscowe", "local_plan", style=MPZP_STYLE)
        ogolny = _layer(lubicz, "plan-ogolny", "Plan ogólny", "general_plan")
        hidden = _layer(lubicz, "robocza", "Warstwa robocza", "other", is_public=False)
        ids = _store(
            obreby,
            [
                ("041504_2.0001", {}, box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 100)),
                ("041504_2.0002", {}, box(X0 - 500, Y0 + 100, X0 + 500, Y0 + 600)),
            ],
        )
        Precinct.objects.create(
            unit=lubicz,
            feature_id=ids["041504_2.0001"],
            identifier="041504_2.0001",
            name="Grabowiec",
        )
        Precinct.objects.create(
            unit=lubicz,
            feature_id=ids["041504_2.0002"],
            identifier="041504_2.0002",
            name="Lubicz Dolny",
        )
        ids = _store(
            dzialki,
            [
                (P1, {}, box(X0, Y0, X0 + 100, Y0 + 100)),
                (P2, {}, box(X0 + 100, Y0, X0 + 200, Y0 + 100)),
                (P3, {}, box(X0, Y0 + 100, X0 + 50, Y0 + 150)),
            ],
        )
        _parcel(lubicz, ids, P1, "041504_2.0001", "Grabowiec, ul. Toruńska 12", area="10000.00")
        _parcel(lubicz, ids, P2, "041504_2.0001", "Grabowiec, ul. Łąkowa 5")
        _parcel(lubicz, ids, P3, "041504_2.0002")
        _store(
            budynki,
            [
                (
                    "B1",
                    {"funkcja": "mieszkalny", "kondygnacje": 2},
                    box(X0 + 10, Y0 + 10, X0 + 30, Y0 + 20),
                ),
                ("B2", {"funkcja": "garaż"}, box(X0 + 120, Y0 + 10, X0 + 130, Y0 + 20)),
                # on P2, touching P1 along its edge only: not a building of P1
                ("B3", {"funkcja": "wiata"}, box(X0 + 100, Y0 + 50, X0 + 110, Y0 + 60)),
            ],
        )
        ids = _store(
            mpzp,
            [
                ("1MN", {"symbol": "1MN"}, box(X0 - 50, Y0 - 50, X0 + 60, Y0 + 150)),
                ("2U", {"symbol": "2U"}, box(X0 + 60, Y0 - 50, X0 + 250, Y0 + 150)),
                ("3ZP", {"symbol": "3ZP"}, box(X0 - 50, Y0 - 50, X0 + 250, Y0 + 150)),
            ],
        )
        plan = Plan.objects.create(
            unit=lubicz,
            kind="local",
            app_id="PL.ZIPPZP.1/041504-MPZP/1",
            title="MPZP Grabowiec-Południe",
            resolution="Uchwała nr XII/100/2019",
            layer=mpzp,
        )
        old = Plan.objects.create(
            unit=lubicz,
            kind="local",
            app_id="PL.ZIPPZP.1/041504-MPZP/0",
            title="MPZP uchylony",
            in_force=False,
            layer=mpzp,
        )
        for fid, target, designation in (
            ("1MN", plan, "zabudowa mieszkaniowa jednorodzinna"),
            ("2U", plan, "zabudowa usługowa"),
            ("3ZP", old, "zieleń urządzona"),
        ):
            PlanZone.objects.create(
                unit=lubicz,
                plan=target,
                feature_id=ids[fid],
                symbol=fid,
                designation=designation,
                provisions=f"Ustalenia dla terenu {fid}.",
            )
        ids = _store(
            ogolny, [("SW1", {"symbol": "SW"}, box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500))]
        )
        general = Plan.objects.create(
            unit=lubicz,
            kind="general",
            app_id="PL.ZIPPOG.1/041504-POG",
            title="Plan ogólny gminy Lubicz",
            layer=ogolny,
        )
        PlanZone.objects.create(
            unit=lubicz,
            plan=general,
            feature_id=ids["SW1"],
            symbol="SW",
            designation="strefa wielofunkcyjna",
        )
        _store(hidden, [("x", {}, box(X0, Y0, X0 + 10, Y0 + 10))])

        n_dzialki = _layer(nieszawka, "dzialki", "Działki", "parcels")
        n_ids = _store(n_dzialki, [(NIESZAWKA_PARCEL, {}, box(X0 - 9000, Y0, X0 - 8900, Y0 + 100))])
        _parcel(
            nieszawka, n_ids, NIESZAWKA_PARCEL, "041508_2.0001", "Wielka Nieszawka, ul. Toruńska 12"
        )
    return {"lubicz": lubicz, "nieszawka": nieszawka, "mpzp": mpzp}


def parcel_url(unit_slug: str, identifier: str) -> str:
    return f"/{unit_slug}/geoportal/dzialki/{url_identifier(identifier)}/"


# -- the viewer -----------------------------------------------------------------


def test_the_map_page_lists_the_public_layers_with_legends_and_works_without_script(client, geo):
    response = client.get("/lubicz/geoportal/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Działki ewidencyjne", "Budynki", "Plany miejscowe", "Plan ogólny"):
        assert title in html
    assert "Warstwa robocza" not in html  # not public
    assert "zabudowa mieszkaniowa jednorodzinna" in html  # a legend class
    assert 'name="layers" value="lubicz.mpzp"' in html
    assert 'role="search"' in html and 'id="parcel-search"' in html
    assert 'action="/lubicz/geoportal/druk.pdf"' in html
    # Leaflet from the platform's static files, nothing from elsewhere
    # the fingerprinted names of the manifest storage, as the served page has them
    assert static("leaflet/leaflet.js") in html and static("geo/geoportal.js") in html
    assert static("leaflet/leaflet.js") != "/static/leaflet/leaflet.js"
    assert "unpkg" not in html and "cdn" not in html.lower()
    config = json.loads(
        html.split('id="geo-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["wms"] == "/ogc/wms"
    assert {layer["name"] for layer in config["layers"]} == {
        "lubicz.obreby",
        "lubicz.dzialki",
        "lubicz.budynki",
        "lubicz.mpzp",
        "lubicz.plan-ogolny",
    }
    south_west, north_east = config["bounds"]
    assert 52.9 < south_west[0] < north_east[0] < 53.2  # lat around Lubicz
    assert 18.5 < south_west[1] < north_east[1] < 18.9


def test_the_permalink_chooses_layers_and_view(client, geo):
    response = client.get(
        "/lubicz/geoportal/?layers=lubicz.budynki&lat=53.02&lon=18.75&zoom=16&base=none"
    )
    html = response.content.decode()
    assert (
        'value="lubicz.budynki" id="layer-lubicz--budynki" data-layer="lubicz.budynki" checked'
        in html
    )
    assert 'data-layer="lubicz.dzialki">' in html  # not checked
    config = response.context["config"]
    assert config["view"] == [53.02, 18.75, 16]
    assert config["base"] == "none"
    assert [m["name"] for m in config["layers"] if m["visible"]] == ["lubicz.budynki"]
    assert response.context["visible_names"] == "lubicz.budynki"
    # an explicit empty choice shows nothing; nonsense in the view is ignored
    response = client.get("/lubicz/geoportal/?layers=&lat=north&zoom=99")
    assert response.status_code == 200
    assert response.context["visible_names"] == ""
    assert response.context["config"]["view"] is None


def test_base_maps_come_from_the_setting(client, geo, settings):
    assert [b["key"] for b in client.get("/lubicz/geoportal/").context["config"]["baseMaps"]] == [
        "osm",
        "ortofoto",
    ]
    settings.GEO_BASE_MAPS = [
        {
            "key": "lokalna",
            "title": "Ortofoto powiatu",
            "kind": "wms",
            "url": "https://wms.example/",
            "layers": "orto",
        },
        {"key": "bad one", "kind": "tiles", "url": "https://x/"},
        {"key": "js", "kind": "tiles", "url": "javascript:alert(1)"},
    ]
    maps = client.get("/lubicz/geoportal/").context["config"]["baseMaps"]
    assert [b["key"] for b in maps] == ["lokalna"]
    settings.GEO_BASE_MAPS = []
    response = client.get("/lubicz/geoportal/")
    assert response.context["config"]["baseMaps"] == []
    assert 'id="base-map"' not in response.content.decode()


def test_base_maps_are_configured_by_the_environment(tmp_path):
    """INFOSTRADA_GEO_BASE_MAPS: a JSON list; a broken value stops the start with its name."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "INFOSTRADA_DATA_DIR": str(tmp_path)}
    show = "from django.conf import settings; print(settings.GEO_BASE_MAPS)"
    command = [sys.executable, "-m", "infostrada.cli", "shell", "--no-imports", "-c", show]
    env["INFOSTRADA_GEO_BASE_MAPS"] = "[]"
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
    env["INFOSTRADA_GEO_BASE_MAPS"] = "{not json"
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "INFOSTRADA_GEO_BASE_MAPS must be a JSON list" in done.stderr


def test_the_voivodeship_map_shows_regional_layers_and_lets_the_user_add_units(client, geo, region):
    with transaction.atomic():
        roads = _layer(region, "drogi", "Drogi wojewódzkie", "other", is_regional=True)
        services.store_features(roads, [("DW1", {}, box(X0 - 1000, Y0, X0 + 1000, Y0 + 10))])
        _layer(geo["lubicz"], "szlaki", "Szlaki rowerowe", "other", is_regional=True)
    response = client.get("/kujawsko-pomorskie/geoportal/")
    names = [m.name for m in response.context["state"].layers]
    assert names == ["kujawsko-pomorskie.drogi", "lubicz.szlaki"]  # not every layer of Lubicz
    assert [u.slug for u in response.context["state"].choosable_units] == [
        "lubicz",
        "wielka-nieszawka",
    ]
    response = client.get("/kujawsko-pomorskie/geoportal/?units=lubicz&units=torun")
    names = {m.name for m in response.context["state"].layers}
    assert "lubicz.dzialki" in names and "lubicz.mpzp" in names
    assert not any(n.startswith("wielka-nieszawka.") for n in names)
    assert 'name="units" value="lubicz"' in response.content.decode()
    # a gmina's map offers the regional layers of the units above it, not shown at first
    state = client.get("/wielka-nieszawka/geoportal/").context["state"]
    assert {m.name: m.visible for m in state.layers} == {
        "wielka-nieszawka.dzialki": True,
        "kujawsko-pomorskie.drogi": False,
    }


def test_unknown_unit_is_404(client, geo):
    assert client.get("/nie-ma-takiej/geoportal/").status_code == 404


# -- parcel pages -------------------------------------------------------------------


def test_identifiers_have_a_url_form():
    assert url_identifier(P1) == "041504_2.0001.123-4"
    assert identifier_from_url("041504_2.0001.123-4") == P1
    assert identifier_from_url("041504_2.0001.AR_3.12") == "041504_2.0001.AR_3.12"


def test_the_parcel_page_states_the_register_facts_buildings_and_plan_zones(client, geo):
    response = client.get(parcel_url("lubicz", P1))
    assert response.status_code == 200
    facts = response.context["facts"]
    assert facts.precinct_name == "Grabowiec"
    assert facts.computed_area == pytest.approx(10_000)
    assert [b.fid for b in facts.buildings] == ["B1"]  # B2 elsewhere, B3 only touches
    assert facts.buildings[0].area_on_parcel == pytest.approx(200)
    assert [(z.zone.symbol, z.percent) for z in facts.local_zones] == [("1MN", 60.0), ("2U", 40.0)]
    assert [(z.zone.symbol, z.percent) for z in facts.general_zones] == [("SW", 100.0)]
    html = response.content.decode()
    assert P1 in html and "Grabowiec" in html and "ul. Toruńska 12" in html
    assert "10 000,00 m²" in html or "10\xa0000,00 m²" in html  # the register's area, Polish style
    assert "60,0%" in html and "40,0%" in html
    assert "3ZP" not in html  # the plan is not in force
    assert "MPZP Grabowiec-Południe" in html and "Uchwała nr XII/100/2019" in html
    assert "Funkcja: mieszkalny" in html
    assert "/ogc/collections/lubicz.dzialki/items/041504_2.0001.123/4?f=json" in html
    assert "/lubicz/geoportal/dzialki/041504_2.0001.123-4/mapa.png" in html
    assert "/lubicz/geoportal/?parcel=041504_2.0001.123%2F4" in html


def test_a_parcel_outside_every_plan_says_so(client, geo):
    with transaction.atomic():
        layer = Layer.objects.for_unit(geo["lubicz"]).get(slug="dzialki")
        ids = _store(layer, [("041504_2.0003.1", {}, box(X0 + 2000, Y0, X0 + 2010, Y0 + 10))])
        _parcel(geo["lubicz"], ids, "041504_2.0003.1", "041504_2.0003")
    response = client.get(parcel_url("lubicz", "041504_2.0003.1"))
    assert response.status_code == 200
    assert response.context["facts"].local_zones == []
    assert response.context["facts"].buildings == []


def test_the_parcel_map_image_outlines_the_parcel(client, geo):
    response = client.get(f"/lubicz/geoportal/dzialki/{url_identifier(P1)}/mapa.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert image.size == (640, 400)
    assert (200, 16, 46) in {color for _n, color in image.getcolors(maxcolors=1 << 20)}


@pytest.mark.parametrize(
    "path",
    [
        parcel_url("lubicz", "041504_2.0001.999"),  # no such parcel
        parcel_url("lubicz", NIESZAWKA_PARCEL),  # another unit's parcel
        parcel_url("wielka-nieszawka", P1),  # and the other way round
        "/lubicz/geoportal/dzialki/dzialka-123/",  # not an identifier
        "/lubicz/geoportal/dzialki/041504_2.0001.0123/",  # leading zero
        "/lubicz/geoportal/dzialki/041504_2.0001.123%2F4/",  # an encoded slash
        f"/lubicz/geoportal/dzialki/{url_identifier(NIESZAWKA_PARCEL)}/mapa.png",
        "/lubicz/geoportal/dzialki/x/mapa.png",
    ],
)
def test_unknown_malformed_and_foreign_parcels_are_404(client, geo, path):
    response = client.get(path)
    assert response.status_code == 404
    if "mapa.png" not in path and "%2F" not in path:
        assert "Ulica" not in response.content.decode()
        assert response.context["message"]


def test_a_parcel_of_a_non_public_layer_is_404(client, geo):
    Layer.objects.for_unit(geo["lubicz"]).filter(slug="dzialki").update(is_public=False)
    assert client.get(parcel_url("lubicz", P1)).status_code == 404


# -- search -----------------------------------------------------------------------


def _found(client, unit_slug: str, query: str) -> list[str]:
    response = client.get(f"/{unit_slug}/geoportal/szukaj/", {"q": query})
    assert response.status_code == 200
    return [item["hit"].identifier for item in response.context["hits"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (P1, [P1]),  # the full identifier
        ("041504_2.0001.123-4", [P1]),  # its URL form
        (" 0415042.0001.124 ", [P2]),  # TERC without the underscore
        ("041504_2.0001.123", [P1]),  # the parts of divided parcel 123
        ("041504_2.0001", [P1, P2]),  # the beginning: the precinct
        ("041504_2", [P1, P2, P3]),
        ("Grabowiec 123/4", [P1]),  # precinct name and number
        ("grabowiec dz. 123", [P1]),
        ("Lubicz Dolny 7/1", [P3]),
        ("lubicz dol 7-1", [P3]),  # the beginning of the name
        ("0002 7/1", [P3]),  # precinct number and parcel number
        ("1 124", [P2]),
        ("124", [P2]),  # a number alone: in any precinct
        ("7", [P3]),
        ("torunska 12", [P1]),  # address without diacritics
        ("ŁĄKOWA", [P2]),  # upper case, diacritics
        ("ul. Łąkowa 5 Grabowiec", [P2]),
        ("grabowiec", [P1, P2]),
        ("Toruńska 1", []),  # house numbers match whole
        ("Polna 3", []),
        ("041504_2.0009.1", []),
    ],
)
def test_search_finds_parcels_by_each_kind_of_query(client, geo, query, expected):
    assert _found(client, "lubicz", query) == expected


def test_search_links_to_the_parcel_page_and_the_map(client, geo):
    response = client.get("/lubicz/geoportal/szukaj/", {"q": "Grabowiec 123/4"})
    html = response.content.decode()
    assert 'href="/lubicz/geoportal/dzialki/041504_2.0001.123-4/"' in html
    assert "/lubicz/geoportal/?parcel=041504_2.0001.123%2F4" in html
    assert 'id="search-results"' in html


def test_search_stays_in_the_unit(client, geo, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _found(client, "wielka-nieszawka", P1) == []
    assert _found(client, "wielka-nieszawka", "torunska 12") == [NIESZAWKA_PARCEL]
    assert _found(client, "lubicz", NIESZAWKA_PARCEL) == []
    response = client.get("/wielka-nieszawka/geoportal/szukaj/", {"q": P1})
    assert "outside this geoportal" in response.context["result"].problem


def test_a_county_finds_parcels_of_its_gminy_by_identifier(client, geo):
    response = client.get("/powiat-torunski/geoportal/szukaj/", {"q": P1})
    items = response.context["hits"]
    assert [i["hit"].identifier for i in items] == [P1]
    assert items[0]["url"] == parcel_url("lubicz", P1)
    assert "units=lubicz" in items[0]["map_url"]


def test_search_json_gives_links_bounds_and_outlines(client, geo, django_assert_max_num_queries):
    # unit, index stamp (2), index (3), parcels, precinct names, outlines; then cached
    with django_assert_max_num_queries(9):
        client.get("/lubicz/geoportal/szukaj.json", {"q": "grabowiec"})
    with django_assert_max_num_queries(6):
        response = client.get("/lubicz/geoportal/szukaj.json", {"q": "grabowiec"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["more"] is False
    first = data["results"][0]
    assert first["identifier"] == P1 and first["precinctName"] == "Grabowiec"
    assert first["url"] == parcel_url("lubicz", P1)
    (south, west), (north, east) = first["bounds"]
    assert 52 < south < north < 54 and 18 < west < east < 19.5
    assert first["geometry"]["type"] == "Polygon"


def test_the_address_index_follows_new_parcels(client, geo):
    assert _found(client, "lubicz", "Polna 3") == []
    with transaction.atomic():
        layer = Layer.objects.for_unit(geo["lubicz"]).get(slug="dzialki")
        ids = _store(layer, [("041504_2.0002.8", {}, box(X0 + 60, Y0 + 100, X0 + 90, Y0 + 150))])
        _parcel(geo["lubicz"], ids, "041504_2.0002.8", "041504_2.0002", "Lubicz Dolny, ul. Polna 3")
    assert _found(client, "lubicz", "Polna 3") == ["041504_2.0002.8"]


@pytest.mark.parametrize(
    "query", ["", "   ", "\u200b", "%", "_", "'; DROP TABLE geo_parcel; --", "ą" * 500, "1/0", "0"]
)
def test_odd_queries_never_fail(client, geo, query):
    assert client.get("/lubicz/geoportal/szukaj/", {"q": query}).status_code == 200
    status = client.get("/lubicz/geoportal/szukaj.json", {"q": query}).status_code
    assert status in (200, 400)


def test_an_empty_json_search_is_a_clear_400(client, geo, settings):
    response = client.get("/lubicz/geoportal/szukaj.json", {"q": " "})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "identyfikator" in response.json()["detail"]  # the map's script shows it as is
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "identifier" in client.get("/lubicz/geoportal/szukaj.json", {"q": " "}).json()["detail"]


def test_search_function_is_scoped_to_the_given_units(geo):
    result = search_parcels("torunska", units=[geo["nieszawka"]])
    assert [h.identifier for h in result.hits] == [NIESZAWKA_PARCEL]


# -- information at a point ----------------------------------------------------------


def _lonlat(x: float, y: float) -> tuple[float, float]:
    from infostrada.geo.crs import transformer

    return transformer("EPSG:2180", "EPSG:4326").transform(x, y)


def test_information_at_a_point_names_the_parcel_and_the_zone(client, geo):
    lon, lat = _lonlat(X0 + 20, Y0 + 50)
    response = client.get(
        "/lubicz/geoportal/informacja.json",
        {"lat": lat, "lon": lon, "layers": "lubicz.dzialki,lubicz.mpzp,lubicz.budynki"},
    )
    assert response.status_code == 200
    features = response.json()["features"]
    parcels = [f["parcel"]["identifier"] for f in features if f["parcel"]]
    zones = [f["zone"]["symbol"] for f in features if f["zone"]]
    assert parcels == [P1]
    assert "1MN" in zones
    assert features[0]["parcel"] is None or features[0]["layer"] != "lubicz.mpzp"
    assert next(f for f in features if f["parcel"])["parcel"]["url"] == parcel_url("lubicz", P1)
    # only the layers asked for, and never a layer that is not public
    response = client.get(
        "/lubicz/geoportal/informacja.json", {"lat": lat, "lon": lon, "layers": "lubicz.robocza"}
    )
    assert response.json()["features"] == []


@pytest.mark.parametrize(
    "params",
    [{}, {"lat": "x", "lon": "18"}, {"lat": "0", "lon": "0"}, {"lat": "nan", "lon": "inf"}],
)
def test_information_needs_a_point_in_poland(client, geo, params):
    response = client.get("/lubicz/geoportal/informacja.json", params)
    assert response.status_code == 400
    assert "lat" in response.json()["detail"]


# -- printing -------------------------------------------------------------------------


def _mercator_box(x0: float, y0: float, x1: float, y1: float) -> str:
    from infostrada.geo.crs import bbox_from_storage

    return ",".join(str(v) for v in bbox_from_storage((x0, y0, x1, y1), "EPSG:3857"))


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_the_print_is_a_pdf_with_title_scale_bar_and_legend(client, geo):
    response = client.get(
        "/lubicz/geoportal/druk.pdf",
        {
            "bbox": _mercator_box(X0 - 50, Y0 - 50, X0 + 250, Y0 + 200),
            "layers": "lubicz.mpzp,lubicz.dzialki",
            "size": "A4",
            "title": "Okolice działki 123/4",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Okolice działki 123/4" in text
    assert "Gmina Lubicz" in text
    assert "1:2 500" in text or "1:2 000" in text  # a standard scale that shows the area
    assert "0" in text and " m" in text  # scale bar labels
    assert "zabudowa mieszkaniowa jednorodzinna" in text  # legend of the plan layer
    assert "Działki ewidencyjne" in text
    assert "EPSG:2180" in text
    assert "Starostwo Powiatowe w Toruniu, EGiB" in text  # attribution


def test_print_sizes_orientations_and_a_given_scale(client, geo):
    for size, orientation in (("A3", "portrait"), ("a4", "landscape"), ("A3", "landscape")):
        response = client.get(
            "/lubicz/geoportal/druk.pdf",
            {
                "bbox": f"{X0},{Y0},{X0 + 200},{Y0 + 100}",
                "crs": "EPSG:2180",
                "size": size,
                "orientation": orientation,
                "scale": "1000",
            },
        )
        assert response.status_code == 200, response.content[:300]
        from pypdf import PdfReader

        page = PdfReader(io.BytesIO(response.content)).pages[0]
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (width > height) == (orientation == "landscape")
        assert round(max(width, height)) == (1191 if size == "A3" else 842)
        assert "1:1 000" in page.extract_text()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "bbox"),
        ({"bbox": "a,b,c,d"}, "four numbers"),
        ({"bbox": "1,2,3"}, "four numbers"),
        ({"bbox": "3,2,1,4"}, "four numbers"),  # minimum above maximum
        ({"bbox": "nan,0,1,1"}, "four numbers"),
        ({"bbox": "0,0,100,100"}, "outside Poland"),  # the Gulf of Guinea in Web Mercator
        ({"bbox": "1e300,1e300,1e301,1e301"}, "outside Poland"),
        ({"bbox": "-200,0,10,10", "crs": "CRS84"}, "outside Poland"),
        ({"bbox": "1500000,6000000,2900000,7300000"}, "too large"),  # all of Poland
        ({"bbox": "2080000,6980000,2080000.1,6980000.1"}, "empty"),
        ({"size": "A5"}, "A4 or A3"),
        ({"orientation": "diagonal"}, "portrait or landscape"),
        ({"crs": "EPSG:4326"}, "coordinate system"),
        ({"scale": "12"}, "scale"),
        ({"scale": "jeden"}, "scale"),
        ({"layers": "lubicz.robocza"}, "Unknown layer"),  # not public
        ({"layers": "wielka-nieszawka.dzialki"}, "Unknown layer"),  # another unit's
    ],
)
def test_bad_print_requests_are_a_clear_400(client, geo, params, message, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages are Polish otherwise
    good = {"bbox": _mercator_box(X0, Y0, X0 + 100, Y0 + 100)}
    query = params if "bbox" in params or not params else {**good, **params}
    response = client.get("/lubicz/geoportal/druk.pdf", query)
    assert response.status_code == 400
    assert message in response.context["message"]
    assert response["Content-Type"].startswith("text/html")


def test_the_print_defaults_to_the_first_view_without_javascript(client, geo):
    page = client.get("/lubicz/geoportal/")
    bbox = page.context["print_bbox"]
    layers = page.context["visible_names"]
    response = client.get("/lubicz/geoportal/druk.pdf", {"bbox": bbox, "layers": layers})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# -- the unit home and the access declarations ------------------------------------------


def test_the_unit_home_lists_the_geoportal_when_the_unit_has_public_layers(client, geo):
    assert 'href="/lubicz/geoportal/"' in client.get("/lubicz/").content.decode()
    assert 'href="/torun/geoportal/"' not in client.get("/torun/").content.decode()


def test_every_geoportal_view_is_declared_public_and_read_only(client, geo):
    from django.urls import get_resolver

    from infostrada.geo import portal_urls

    for pattern in portal_urls.urlpatterns:
        assert getattr(pattern.callback, "infostrada_access", None) == "public"
    assert get_resolver().resolve("/lubicz/geoportal/").namespace == "geoportal"
    assert client.post("/lubicz/geoportal/szukaj/", {"q": "x"}).status_code == 405
    assert (
        reverse("geoportal:print", kwargs={"unit_slug": "lubicz"}) == "/lubicz/geoportal/druk.pdf"
    )
