"""Importing planning acts (APP GML): the general plan's zones, local plans with a zone layer."""

from __future__ import annotations

import datetime

import pytest
from shapely import wkb
from shapely.geometry import Polygon

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.audit.models import AuditEvent
from infostrada.geo.importers import ImportRefused, ZoneMapping, import_app
from infostrada.geo.importers.zones import GENERAL_PLAN_ZONES, general_zone_type
from infostrada.geo.models import Feature, Layer, Plan, PlanZone
from infostrada.geo.render import style_for
from infostrada.geo.tests.data.import_samples import (
    E0,
    GENERAL_ZONES,
    N0,
    app_general_plan,
    app_local_plan,
    rect,
    write_vector,
)
from infostrada.testing import official

pytestmark = pytest.mark.django_db


@pytest.fixture
def gis(lubicz) -> Actor:  # type: ignore[no-untyped-def]
    user = official(lubicz, Role.GIS_OPERATOR, username="lubicz.gis")
    return Actor(kind="user", id=str(user.pk), name=user.username, user=user)


def test_a_general_plan_becomes_a_plan_with_its_zones(gis, lubicz):
    report = import_app(actor=gis, unit=lubicz, data=app_general_plan(), filename="pog.gml")

    assert report.problem_count == 0, report.as_text()
    plan = Plan.objects.for_unit(lubicz).get()
    assert plan.app_id == "PL.ZIPPZP.9999/041504-POG/1POG"
    assert (plan.kind, plan.title, plan.in_force) == ("general", "Plan ogólny gminy Lubicz", True)
    assert (plan.resolution, plan.adopted_on) == (
        "Uchwała Nr XII/120/2025",
        datetime.date(2025, 1, 30),
    )
    assert plan.layer.kind == Layer.Kind.GENERAL_PLAN and plan.layer.slug.startswith("plan-")
    zones = {z.symbol: z for z in PlanZone.objects.for_unit(lubicz).filter(plan=plan)}
    assert sorted(zones) == ["1SW", "2SJ", "3SU", "4SN", "5SK"]
    sj = zones["2SJ"]
    assert sj.zone_type == "SJ"
    assert sj.designation == "strefa wielofunkcyjna z zabudową mieszkaniową jednorodzinną"
    assert "Profil podstawowy: teren usług." in sj.provisions
    assert "Maksymalna wysokość zabudowy: 15.5 m." in sj.provisions
    assert wkb.loads(bytes(sj.feature.geom)).equals(GENERAL_ZONES[1][3])
    # each zone type has its own colour on the map
    fills = {style_for(plan.layer, z.feature.properties).fill for z in zones.values()}
    assert len(fills) == 5
    boundary = Feature.objects.for_unit(lubicz).get(layer__slug="zasiegi-planow")
    assert boundary.fid == plan.app_id and boundary.area == pytest.approx(60_000)
    counts = report.sections
    assert (counts["plans"].created, counts["zones"].created) == (1, 5)


def test_the_thirteen_zone_types_are_recognised_by_code_name_and_symbol():
    assert len(GENERAL_PLAN_ZONES) == 13
    assert general_zone_type("strefaWielofunkcyjnaZZabudowaZagrodowa") == "SZ"
    assert general_zone_type("strefa górnictwa") == "SG"
    assert general_zone_type("", "", "12SO") == "SO"
    assert general_zone_type("teren usług") == ""


def test_a_reimport_replaces_the_zones_of_the_plan(gis, lubicz):
    import_app(actor=gis, unit=lubicz, data=app_general_plan(), filename="pog.gml")
    again = import_app(actor=gis, unit=lubicz, data=app_general_plan(), filename="pog.gml")
    assert (again.sections["plans"].unchanged, again.sections["zones"].unchanged) == (1, 5)

    fewer = [*GENERAL_ZONES[:3], ("4SN", "SN", "strefaZieleniIRekreacji", rect(0, 100, 300, 100))]
    third = import_app(
        actor=gis, unit=lubicz, data=app_general_plan(zones=fewer), filename="pog.gml"
    )
    zones = third.sections["zones"]
    assert (zones.unchanged, zones.updated) == (3, 1)
    assert any(note.startswith("1 zone of") and "was removed" in note for note in third.notes)
    plan = Plan.objects.for_unit(lubicz).get()
    assert sorted(
        PlanZone.objects.for_unit(lubicz).filter(plan=plan).values_list("symbol", flat=True)
    ) == ["1SW", "2SJ", "3SU", "4SN"]
    assert Feature.objects.for_unit(lubicz).filter(layer=plan.layer).count() == 4


def test_zones_delivered_without_the_act_join_the_imported_act(gis, lubicz):
    import_app(actor=gis, unit=lubicz, data=app_general_plan(zones=[]), filename="akt.gml")
    report = import_app(
        actor=gis, unit=lubicz, data=app_general_plan(act=False), filename="strefy.gml"
    )
    assert report.sections["zones"].created == 5
    assert PlanZone.objects.for_unit(lubicz).filter(plan__app_id__endswith="/1POG").count() == 5


def test_zones_of_no_known_act_are_refused(gis, lubicz):
    with pytest.raises(ImportRefused) as refused:
        import_app(actor=gis, unit=lubicz, data=app_general_plan(act=False), filename="s.gml")
    assert refused.value.code == "nothing_importable"
    assert {p.code for p in refused.value.report.problems} == {"zone_without_plan"}
    assert not Plan.objects.for_unit(lubicz).exists()


def test_a_plan_that_is_not_in_force(gis, lubicz):
    import_app(
        actor=gis, unit=lubicz, data=app_general_plan(status="elaboration"), filename="p.gml"
    )
    assert Plan.objects.for_unit(lubicz).get().in_force is False


def test_a_local_plan_with_its_zone_layer(gis, lubicz, tmp_path):
    zones = write_vector(
        tmp_path / "strefy.geojson",
        [rect(0, 0, 100, 100), rect(100, 0, 100, 100), rect(0, 100, 200, 10)],
        {
            "oznaczenie": ["1MN", "2MN/U", "1KDD"],
            "opis": ["zabudowa jednorodzinna", "", "droga dojazdowa"],
            "tekst": ["§ 5. Wysokość do 9 m.", "§ 6.", "§ 7."],
        },
        driver="GeoJSON",
        crs="EPSG:2180",
    )
    report = import_app(
        actor=gis,
        unit=lubicz,
        data=app_local_plan(),
        filename="mpzp.gml",
        zones=zones.read_bytes(),
        zones_filename="strefy.geojson",
        zone_mapping=ZoneMapping(symbol="OZNACZENIE", designation="opis", provisions="tekst"),
    )
    assert report.problem_count == 0, report.as_text()
    plan = Plan.objects.for_unit(lubicz).get()
    assert (plan.kind, plan.in_force) == ("local", True)
    assert plan.layer.kind == Layer.Kind.LOCAL_PLAN
    zones_by_symbol = {z.symbol: z for z in PlanZone.objects.for_unit(lubicz).filter(plan=plan)}
    assert zones_by_symbol["1MN"].zone_type == "MN"
    assert zones_by_symbol["1MN"].provisions == "§ 5. Wysokość do 9 m."
    assert zones_by_symbol["2MN/U"].zone_type == "MN/U"
    # no designation in the layer: the usual meaning of the basic symbol
    assert zones_by_symbol["2MN/U"].designation == "teren zabudowy mieszkaniowej jednorodzinnej"
    assert zones_by_symbol["1KDD"].zone_type == "KDD"
    mn = style_for(plan.layer, zones_by_symbol["1MN"].feature.properties)
    road = style_for(plan.layer, zones_by_symbol["1KDD"].feature.properties)
    assert mn.fill != road.fill


def test_a_zone_layer_without_the_symbol_field_is_refused(gis, lubicz, tmp_path):
    zones = write_vector(
        tmp_path / "z.geojson",
        [rect(0, 0, 10, 10)],
        {"nazwa": ["x"]},
        driver="GeoJSON",
        crs="EPSG:2180",
    )
    with pytest.raises(ImportRefused) as refused:
        import_app(
            actor=gis,
            unit=lubicz,
            data=app_local_plan(),
            filename="mpzp.gml",
            zones=zones.read_bytes(),
        )
    assert refused.value.code == "zone_field_missing" and "nazwa" in str(refused.value)
    assert not Plan.objects.for_unit(lubicz).exists()


def test_acts_of_other_kinds_are_reported(gis, lubicz):
    with pytest.raises(ImportRefused) as refused:
        import_app(
            actor=gis,
            unit=lubicz,
            data=app_local_plan(
                plan_type="studiumUwarunkowanIKierunkowZagospodarowaniaPrzestrzennego"
            ).replace(b"miejscowy plan zagospodarowania przestrzennego", b"studium"),
            filename="studium.gml",
        )
    assert refused.value.report.problems[0].code == "plan_type_unsupported"


def test_an_egib_file_given_as_app_is_refused(gis, lubicz):
    from infostrada.geo.tests.data.import_samples import EgibFile

    with pytest.raises(ImportRefused) as refused:
        import_app(actor=gis, unit=lubicz, data=EgibFile().xml(), filename="egib.gml")
    assert refused.value.code == "schema_unexpected"
    assert "EGiB" in str(refused.value)


# --- bad input: refused as a whole, or the bad zones reported, and nothing half-imported


def app_state(unit) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return (
        Plan.objects.for_unit(unit).count(),
        PlanZone.objects.for_unit(unit).count(),
        Layer.objects.for_unit(unit).count(),
        Feature.objects.for_unit(unit).count(),
        AuditEvent.objects.filter(unit=unit).count(),
    )


GOOD_POG = app_general_plan()
SRS_2180 = b"http://www.opengis.net/def/crs/EPSG/0/2180"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (GOOD_POG[:-300], "xml_malformed"),
        (GOOD_POG.replace(b"</app:tytul>", b"</app:tytulX>", 1), "xml_malformed"),
        (
            GOOD_POG.replace(
                b'<?xml version="1.0" encoding="utf-8"?>',
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>',
            ),
            "xml_dtd_forbidden",
        ),
        (b"", "empty"),
        (b"%PDF-1.7", "not_xml"),
        (app_general_plan(code=4326), "crs_unusable"),
        (GOOD_POG.replace(SRS_2180, SRS_2180.replace(b"2180", b"99999")), "crs_unusable"),
        (GOOD_POG.replace(b' srsName="' + SRS_2180 + b'"', b""), "crs_unusable"),
        # PUWG 2000 zone 6 coordinates in a file that says PUWG 1992: every geometry lands
        # outside Poland; the act alone (without its boundary and zones) is not imported
        (app_general_plan(code=2177).replace(b"EPSG/0/2177", b"EPSG/0/2180"), "geometry_unusable"),
        # coordinates far too large for any Polish system
        (
            app_general_plan(
                zones=[(s, t, n, rect(1e10, 1e10, 100, 100)) for s, t, n, _ in GENERAL_ZONES]
            )
            .replace(b"<app:zasiegPrzestrzenny>", b"<app:zasiegPrzestrzennyX>")
            .replace(b"</app:zasiegPrzestrzenny>", b"</app:zasiegPrzestrzennyX>"),
            "geometry_unusable",
        ),
    ],
)
def test_unusable_app_files_are_refused_and_change_nothing(gis, lubicz, data, code):
    import_app(actor=gis, unit=lubicz, data=app_local_plan(), filename="mpzp.gml")
    before = app_state(lubicz)
    with pytest.raises(ImportRefused) as refused:
        import_app(actor=gis, unit=lubicz, data=data, filename="pog.gml")
    assert refused.value.code == code, refused.value.text
    assert str(refused.value)  # a message for people
    assert app_state(lubicz) == before


def test_a_plan_in_the_wrong_crs_says_which_crs_fits(gis, lubicz):
    data = app_general_plan(code=2177).replace(b"EPSG/0/2177", b"EPSG/0/2180")
    with pytest.raises(ImportRefused) as refused:
        import_app(actor=gis, unit=lubicz, data=data, filename="pog.gml")
    problems = refused.value.report.problems
    assert {p.code for p in problems} == {"outside_poland"} and len(problems) == 6
    assert all("EPSG:2177" in p.message for p in problems)
    assert not Plan.objects.for_unit(lubicz).exists()


def test_self_intersecting_and_huge_zones_are_repaired_or_skipped_and_reported(gis, lubicz):
    bow_tie = Polygon(
        [(E0 + 150, N0 + 100), (E0 + 300, N0 + 200), (E0 + 300, N0 + 100), (E0 + 150, N0 + 200)]
    )
    zones = [
        *GENERAL_ZONES[:3],
        ("4SN", "SN", "strefaZieleniIRekreacji", rect(5e9, 5e9, 100, 100)),
        ("5SK", "SK", "strefaKomunikacyjna", bow_tie),
    ]
    report = import_app(
        actor=gis, unit=lubicz, data=app_general_plan(zones=zones), filename="pog.gml"
    )
    problems = {(p.fid, p.code): p for p in report.problems}
    assert set(problems) == {("1POG-4SN", "outside_poland"), ("1POG-5SK", "geometry_repaired")}
    assert "far too large" in problems[("1POG-4SN", "outside_poland")].message
    assert (
        "self-intersection (the outline crosses itself)"
        in problems[("1POG-5SK", "geometry_repaired")].message
    )
    assert problems[("1POG-5SK", "geometry_repaired")].severity == "repaired"
    counts = report.sections["zones"]
    assert (counts.read, counts.created, counts.skipped) == (5, 4, 1)
    stored = {z.symbol: z for z in PlanZone.objects.for_unit(lubicz)}
    assert sorted(stored) == ["1SW", "2SJ", "3SU", "5SK"]
    repaired = wkb.loads(bytes(stored["5SK"].feature.geom))
    assert repaired.is_valid and repaired.area == pytest.approx(2 * 0.5 * 100 * 75)


def test_a_zone_layer_in_the_wrong_crs_is_refused_with_the_plan(gis, lubicz, tmp_path):
    zones = write_vector(
        tmp_path / "strefy.geojson",
        [rect(0, 0, 100, 100), rect(100, 0, 100, 100)],
        {"symbol": ["1MN", "2U"]},
        driver="GeoJSON",
        crs="EPSG:2180",
    )
    # the layer's coordinates are PUWG 1992, but the operator says PUWG 2000 zone 6
    with pytest.raises(ImportRefused) as refused:
        import_app(
            actor=gis,
            unit=lubicz,
            data=app_local_plan(),
            filename="mpzp.gml",
            zones=zones.read_bytes(),
            zones_filename="strefy.geojson",
            crs="EPSG:2177",
        )
    assert refused.value.code == "zones_unusable", refused.value.text
    assert {p.code for p in refused.value.report.problems} >= {"outside_poland"}
    assert app_state(lubicz) == (0, 0, 0, 0, 0)
