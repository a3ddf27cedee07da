"""Importing planning acts (APP GML): the general plan's zones, local plans with a zone layer."""

from __future__ import annotations

import datetime

import pytest
from shapely import wkb

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.geo.importers import ImportRefused, ZoneMapping, import_app
from infostrada.geo.importers.zones import GENERAL_PLAN_ZONES, general_zone_type
from infostrada.geo.models import Feature, Layer, Plan, PlanZone
from infostrada.geo.render import style_for
from infostrada.geo.tests.data.import_samples import (
    GENERAL_ZONES,
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
    assert any("were removed" in note for note in third.notes)
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
