"""The geoportal's demo data: a plausible cadastre and plans for Toruń and Lubicz, written once."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.db.models import Max

from infostrada.audit.models import AuditEvent
from infostrada.demo.seed import SYSTEM
from infostrada.geo import demo, query, render
from infostrada.geo.demo_cadastre import build
from infostrada.geo.demo_plans import GENERAL_TYPES, general_plan, local_plan
from infostrada.geo.demo_region import LUBICZ, TORUN
from infostrada.geo.identifiers import parse_parcel_id
from infostrada.geo.models import Feature, Layer, Parcel, Plan, PlanZone, Precinct
from infostrada.tenancy.models import Unit

TORUN_CENTRE = (470_000.0, 572_500.0)
WHY = "test of the geoportal demo data"
ROAD_OR_WATER = {"dr", "Wp"}


@pytest.fixture(scope="module")
def lubicz_cadastre():  # type: ignore[no-untyped-def]
    return build(LUBICZ)


@pytest.fixture(scope="module")
def torun_cadastre():  # type: ignore[no-untyped-def]
    return build(TORUN)


@pytest.fixture(scope="module")
def cadastres(lubicz_cadastre, torun_cadastre):  # type: ignore[no-untyped-def]
    return [lubicz_cadastre, torun_cadastre]


def test_parcel_identifiers_are_valid_unique_and_some_are_fractions(cadastres) -> None:
    total = 0
    for cadastre in cadastres:
        terc = cadastre.unit.terc
        ids = [parcel.identifier for _p, parcel in cadastre.parcels()]
        assert len(ids) == len(set(ids))
        for precinct, parcel in cadastre.parcels():
            parsed = parse_parcel_id(parcel.identifier)
            assert parsed.gmina_terc == terc
            assert parsed.precinct_id == precinct.identifier
            assert parsed.number == parcel.number
        fractions = sum("/" in parcel.number for _p, parcel in cadastre.parcels())
        assert 0.03 < fractions / len(ids) < 0.25
        names = [p.spec.name for p in cadastre.precincts]
        assert len(names) == len(set(names)) >= 15
        total += len(ids)
    assert total >= 30_000
    lubicz, torun = cadastres
    assert lubicz.precincts[0].identifier.startswith("041504_2.0001")
    assert torun.precincts[0].identifier == "046301_1.0001"
    assert {"Grębocin", "Złotoria", "Lubicz Dolny", "Lubicz Górny", "Krobia"} <= {
        p.spec.name for p in lubicz.precincts
    }
    assert {"Bydgoskie Przedmieście", "Chełmińskie Przedmieście", "Mokre", "Rudak"} <= {
        p.spec.name for p in torun.precincts
    }


def test_register_areas_are_close_to_the_geometry_but_not_always_equal(cadastres) -> None:
    for cadastre in cadastres:
        equal = differ = 0
        for _p, parcel in cadastre.parcels():
            assert parcel.area == parcel.area.quantize(Decimal("0.01"))
            area = parcel.geometry.area
            assert abs(float(parcel.area) - area) <= max(0.015 * area, 50.5)
            if abs(float(parcel.area) - area) < 0.5:
                equal += 1
            else:
                differ += 1
        assert equal > 2 * differ and differ > 0.05 * (equal + differ)


def test_parcels_are_plausible_plots_in_the_right_place(cadastres) -> None:
    lubicz, torun = cadastres
    for cadastre in cadastres:
        geometries = np.array([parcel.geometry for _p, parcel in cadastre.parcels()])
        assert shapely.is_valid(geometries).all()
        assert {g.geom_type for g in geometries} == {"Polygon"}
        areas = shapely.area(geometries)
        union = shapely.union_all(geometries)
        assert abs(areas.sum() - union.area) < 1e-6 * areas.sum()  # parcels do not overlap
        assert union.within(cadastre.outline.buffer(0.01))
        plots = np.array(
            [
                parcel.geometry.area
                for _p, parcel in cadastre.parcels()
                if parcel.land_use not in ROAD_OR_WATER
            ]
        )
        assert plots.max() < 30_000  # strips and forest are cut below 3 ha
        assert np.percentile(plots, 5) >= 350
        land_uses = {parcel.land_use for _p, parcel in cadastre.parcels()}
        assert {"B", "R", "dr", "Wp"} <= land_uses
    torun_centre = np.mean([p.geometry.centroid.coords[0] for p in torun.precincts], axis=0)
    assert math.dist(torun_centre, TORUN_CENTRE) < 3_000
    lubicz_centre = lubicz.outline.centroid
    assert 7_000 < lubicz_centre.x - TORUN_CENTRE[0] < 15_000
    assert lubicz.outline.intersection(torun.outline).area < 1.0


def test_built_up_plots_have_unique_addresses_and_buildings_inside(cadastres) -> None:
    functions = set()
    for cadastre in cadastres:
        addresses = [parcel.address for _p, parcel in cadastre.parcels() if parcel.address]
        assert len(addresses) == len(set(addresses)) > 3_000
        for address in addresses:
            assert re.fullmatch(r"(ul\. )?[\w .-]+ \d+A?, \d\d-\d{3} [\w ]+", address), address
        for _p, parcel in cadastre.parcels():
            for building in parcel.buildings:
                assert parcel.geometry.contains(building.geometry)
                assert building.properties["floors"] >= 1
                assert building.properties["parcel"] == parcel.identifier
                assert building.fid.startswith(parcel.identifier + ".")
                assert building.fid.endswith("_BUD")
                functions.add(building.properties["function"])
            if parcel.buildings:
                assert parcel.address
    assert {
        "budynek mieszkalny jednorodzinny",
        "budynek mieszkalny wielorodzinny",
        "budynek gospodarczy",
        "budynek przemysłowy",
    } <= functions
    torun = cadastres[1]
    assert any(p.address.startswith("ul. ") and p.address.endswith("87-100 Toruń")
               for _pr, p in torun.parcels())  # fmt: skip


def _tiles(zones, area: float) -> None:  # type: ignore[no-untyped-def]
    union = shapely.union_all([z.geometry for z in zones])
    total = sum(z.geometry.area for z in zones)
    assert abs(total - union.area) < 1e-6 * area  # no overlaps
    assert abs(union.area - area) < 1e-6 * area  # no gaps
    assert all(z.geometry.is_valid for z in zones)


def test_local_plan_zones_tile_the_plan_and_some_parcels_lie_in_two(lubicz_cadastre) -> None:
    plan = local_plan(lubicz_cadastre)
    union = plan.area
    assert union.geom_type == "Polygon" and not union.interiors
    _tiles(plan.zones, shapely.minimum_rotated_rectangle(union).area)
    kinds = {z.zone_type for z in plan.zones}
    assert {"MN", "U", "ZP", "R", "KDL", "KDD"} <= kinds
    symbols = [z.symbol for z in plan.zones]
    assert len(symbols) == len(set(symbols)) and "1MN" in symbols and "1KDD" in symbols
    assert all(re.fullmatch(r"\d+[A-Z]+", s) for s in symbols)
    mn = next(z for z in plan.zones if z.symbol == "1MN")
    assert "zabudowa mieszkaniowa jednorodzinna" in mn.provisions
    tree = shapely.STRtree([z.geometry for z in plan.zones])
    split = 0
    for _p, parcel in lubicz_cadastre.parcels():
        zones = tree.query(parcel.geometry, predicate="intersects")
        shares = [
            shapely.intersection(parcel.geometry, plan.zones[i].geometry).area
            / parcel.geometry.area
            for i in zones
        ]
        if sum(share > 0.05 for share in shares) >= 2:
            split += 1
    assert split >= 10


def test_general_plan_divides_the_whole_gmina_into_the_13_kinds_of_zones(lubicz_cadastre) -> None:
    plan = general_plan(lubicz_cadastre)
    _tiles(plan.zones, lubicz_cadastre.outline.area)
    assert {z.zone_type for z in plan.zones} == set(GENERAL_TYPES)
    for zone in plan.zones:
        assert re.fullmatch(r"\d+S[WJZUHPRINCGOK]", zone.symbol)
        assert zone.designation == GENERAL_TYPES[zone.zone_type]
        assert "Maksymalna wysokość zabudowy" in zone.provisions
        assert zone.geometry.area >= 2_500


def _state() -> dict[str, object]:
    state: dict[str, object] = {}
    for model in (Layer, Feature, Parcel, Precinct, Plan, PlanZone, AuditEvent):
        rows = model.objects.unscoped(WHY)
        state[model.__name__] = (rows.count(), rows.aggregate(m=Max("pk"))["m"])
    features = Feature.objects.unscoped(WHY)
    state["updated"] = features.aggregate(m=Max("updated_at"))["m"]
    return state


@pytest.mark.django_db
def test_seed_writes_the_layers_and_a_second_run_changes_nothing(
    region, lubicz_cadastre, torun_cadastre
) -> None:
    lubicz, torun = Unit.objects.get(slug="lubicz"), Unit.objects.get(slug="torun")
    lines: list[str] = []
    demo.seed([lubicz, torun], SYSTEM, lines.append)
    assert len(lines) == 2

    for unit, cadastre in ((lubicz, lubicz_cadastre), (torun, torun_cadastre)):
        layers = {layer.slug: layer for layer in Layer.objects.for_unit(unit)}
        assert set(layers) == set(demo.layer_slugs(cadastre.unit))
        parcels = layers["dzialki"]
        assert parcels.kind == Layer.Kind.PARCELS and parcels.schema and parcels.style["classes"]
        assert layers["obreby"].kind == Layer.Kind.PRECINCTS
        assert layers["budynki"].kind == Layer.Kind.BUILDINGS
        count = sum(len(p.parcels) for p in cadastre.precincts)
        assert parcels.feature_count == count
        assert Parcel.objects.for_unit(unit).count() == count
        assert Precinct.objects.for_unit(unit).count() == len(cadastre.precincts)
        buildings = sum(len(p.buildings) for _pr, p in cadastre.parcels())
        assert layers["budynki"].feature_count == buildings
        minx, miny, maxx, maxy = cadastre.outline.bounds
        assert minx - 1 <= parcels.minx and parcels.maxx <= maxx + 1
        assert miny - 1 <= parcels.miny and parcels.maxy <= maxy + 1

        # the rows are the generated ones, with the box columns of their geometry
        precinct, sample = next(iter(cadastre.parcels()))
        row = (
            Parcel.objects.for_unit(unit)
            .select_related("feature")
            .get(identifier=sample.identifier)
        )
        assert (row.precinct, row.number, row.area, row.address) == (
            precinct.identifier,
            sample.number,
            sample.area,
            sample.address,
        )
        feature = row.feature
        assert feature.fid == sample.identifier and feature.layer_id == parcels.pk
        assert feature.geometry.equals_exact(sample.geometry, 1e-9)
        assert (feature.minx, feature.miny, feature.maxx, feature.maxy) == sample.geometry.bounds
        assert feature.properties["precinct_name"] == precinct.spec.name
        assert Decimal(str(feature.properties["area"])) == sample.area

    # the spatial index finds the parcels around a point, as the geometry says
    core = next(p for p in lubicz_cadastre.precincts if p.spec.name == "Grębocin").spec.seed
    bbox = (core[0] - 120, core[1] - 120, core[0] + 120, core[1] + 120)
    parcels = Layer.objects.for_unit(lubicz).get(slug="dzialki")
    found, after = query.page([parcels.pk], bbox, limit=5_000)
    assert after is None
    expected = {
        p.identifier
        for _pr, p in lubicz_cadastre.parcels()
        if p.geometry.intersects(shapely.box(*bbox))
    }
    assert {row.fid for row in found} == expected and len(expected) > 20

    # the plans, their zones and their styles
    plans = {plan.kind: plan for plan in Plan.objects.for_unit(lubicz).select_related("layer")}
    assert set(plans) == {"local", "general"}
    local, general = plans["local"], plans["general"]
    assert local.layer.kind == Layer.Kind.LOCAL_PLAN and local.layer.slug.startswith("mpzp-")
    assert general.layer.kind == Layer.Kind.GENERAL_PLAN and general.layer.slug == "plan-ogolny"
    assert local.app_id.endswith("-MPZP") and general.app_id.endswith("-POG")
    zones = PlanZone.objects.for_unit(lubicz).filter(plan=general)
    assert set(zones.values_list("zone_type", flat=True)) == set(GENERAL_TYPES)
    assert zones.count() == general.layer.feature_count
    one = PlanZone.objects.for_unit(lubicz).select_related("feature").get(plan=local, symbol="1MN")
    assert one.feature.properties["zone_type"] == "MN" and one.provisions
    mn = render.style_for(local.layer, {"zone_type": "MN"})
    services_style = render.style_for(local.layer, {"zone_type": "U"})
    green = render.style_for(local.layer, {"zone_type": "ZP"})
    assert mn.fill[0] > 200 and mn.fill[1] > 200 and mn.fill[2] < 150  # yellow
    assert services_style.fill[0] > 200 and services_style.fill[1] < 100  # red
    assert green.fill[1] > green.fill[0] and green.fill[1] > green.fill[2]  # green
    general_fills = {render.style_for(general.layer, {"zone_type": t}).fill for t in GENERAL_TYPES}
    assert len(general_fills) == 13 and len(render.legend(general.layer)) == 13
    created = AuditEvent.objects.for_unit(lubicz).filter(action="geo.layer.created").count()
    assert created == len(demo.layer_slugs(LUBICZ))

    before = _state()
    demo.seed([lubicz, torun], SYSTEM, lines.append)
    assert _state() == before and len(lines) == 2
    call_command("audit_verify")
