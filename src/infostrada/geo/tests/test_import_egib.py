"""Importing the cadastre (EGiB GML): parcels, precincts, buildings, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from shapely import wkb
from shapely.geometry import Polygon

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.audit.models import AuditEvent
from infostrada.geo.importers import ImportRefused, import_egib
from infostrada.geo.importers import services as import_services
from infostrada.geo.models import Feature, Layer, Parcel, Precinct
from infostrada.geo.tests.data.import_samples import (
    E0,
    N0,
    EgibFile,
    ParcelSample,
    lubicz_parcels,
    rect,
)
from infostrada.testing import official

pytestmark = pytest.mark.django_db


def actor_for(user) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(kind="user", id=str(user.pk), name=user.username, user=user)


@pytest.fixture
def gis(lubicz) -> Actor:  # type: ignore[no-untyped-def]
    return actor_for(official(lubicz, Role.GIS_OPERATOR, username="lubicz.gis"))


def run(gis, unit, sample: EgibFile | bytes, **kwargs):  # type: ignore[no-untyped-def]
    data = sample if isinstance(sample, bytes) else sample.xml()
    return import_egib(actor=gis, unit=unit, data=data, filename="egib.gml", **kwargs)


def stored(unit) -> dict[str, Feature]:  # type: ignore[no-untyped-def]
    return {
        f.fid: f
        for f in Feature.objects.for_unit(unit)
        .filter(layer__slug="dzialki")
        .select_related("parcel")
    }


def state(unit) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return (
        Layer.objects.for_unit(unit).count(),
        Feature.objects.for_unit(unit).count(),
        Parcel.objects.for_unit(unit).count(),
        Precinct.objects.for_unit(unit).count(),
        AuditEvent.objects.filter(unit=unit).count(),
    )


def test_parcels_precincts_and_buildings_match_the_source(gis, lubicz):
    samples = lubicz_parcels()
    report = run(gis, lubicz, EgibFile(parcels=samples))

    counts = report.sections
    assert (counts["parcels"].read, counts["parcels"].created) == (4, 4)
    assert (counts["precincts"].created, counts["buildings"].created) == (1, 1)
    assert report.problem_count == 0 and report.crs == ["EPSG:2180"]
    features = stored(lubicz)
    assert sorted(features) == sorted(s.id for s in samples)
    for sample in samples:
        feature = features[sample.id]
        geometry = wkb.loads(bytes(feature.geom))
        # northing-easting in the file, easting-northing stored: equal to the source
        assert geometry.equals_exact(sample.geometry, 1e-6), sample.id
        assert abs(feature.area - sample.geometry.area) < 0.01
        assert feature.parcel.area == sample.register_area
        assert feature.parcel.identifier == sample.id
        assert feature.parcel.precinct == "041504_2.0012"
    hole = wkb.loads(bytes(features["041504_2.0012.124"].geom))
    assert isinstance(hole, Polygon) and len(hole.interiors) == 1
    assert wkb.loads(bytes(features["041504_2.0012.125/1"].geom)).geom_type == "MultiPolygon"
    first = features["041504_2.0012.123/4"]
    assert first.parcel.number == "123/4"
    assert first.parcel.address == "ul. Toruńska 12, Lubicz Dolny"
    assert first.properties["numerKW"] == "TO1T/00012345/6"
    precinct = Precinct.objects.for_unit(lubicz).get()
    assert (precinct.identifier, precinct.name) == ("041504_2.0012", "Grębocin")
    building = Feature.objects.for_unit(lubicz).get(layer__slug="budynki")
    assert building.properties["liczbaKondygnacjiNadziemnych"] == 2
    assert building.properties["dzialki"] == ["041504_2.0012.123/4"]
    kinds = dict(Layer.objects.for_unit(lubicz).values_list("slug", "kind"))
    assert kinds == {"dzialki": "parcels", "obreby": "precincts", "budynki": "buildings"}
    event = AuditEvent.objects.filter(unit=lubicz, action="geo.import.egib").get()
    assert event.changes["counts"]["parcels"]["created"] == 4


@pytest.mark.parametrize("code", [2176, 2177, 2178, 2179])  # PUWG 2000 zones 5-8
def test_the_same_file_in_puwg_2000_gives_the_same_parcels(gis, lubicz, code):
    samples = lubicz_parcels()
    report = run(gis, lubicz, EgibFile(parcels=samples, code=code))
    assert report.crs == [f"EPSG:{code}"] and report.sections["parcels"].created == 4
    features = stored(lubicz)
    for sample in samples:
        geometry = wkb.loads(bytes(features[sample.id].geom))
        assert geometry.hausdorff_distance(sample.geometry) < 0.01, sample.id  # 1 cm
        assert abs(geometry.area - sample.geometry.area) < 0.01, sample.id  # 0.01 m²
        assert abs(features[sample.id].area - sample.geometry.area) < 0.01, sample.id
        assert features[sample.id].parcel.area == sample.register_area
        assert features[sample.id].parcel.identifier == sample.id


def test_a_reimport_updates_instead_of_duplicating(gis, lubicz):
    run(gis, lubicz, EgibFile())
    again = run(gis, lubicz, EgibFile())
    parcels = again.sections["parcels"]
    assert (parcels.created, parcels.updated, parcels.unchanged) == (0, 0, 4)

    changed = lubicz_parcels()
    changed[0].geometry = rect(0, 0, 30, 45)
    changed[0].area_ha = "0.1350"
    third = run(gis, lubicz, EgibFile(parcels=changed))
    parcels = third.sections["parcels"]
    assert (parcels.created, parcels.updated, parcels.unchanged) == (0, 1, 3)
    assert Parcel.objects.for_unit(lubicz).count() == 4
    assert Feature.objects.for_unit(lubicz).filter(layer__slug="dzialki").count() == 4
    parcel = Parcel.objects.for_unit(lubicz).get(identifier="041504_2.0012.123/4")
    assert parcel.area == Decimal("1350.00")
    assert wkb.loads(bytes(parcel.feature.geom)).equals(changed[0].geometry)


def test_a_powiat_imports_its_gminy_but_not_a_city_outside_it(gis, lubicz, region):
    powiat = lubicz.parent
    starosta = actor_for(official(powiat, Role.GIS_OPERATOR, username="powiat.gis"))
    samples = [
        *lubicz_parcels()[:1],
        ParcelSample("041508_2.0001.5", rect(300, 0, 20, 20), area_ha="0.0400"),
        ParcelSample("046301_1.0001.7", rect(330, 0, 20, 20), area_ha="0.0400"),
    ]
    report = run(starosta, powiat, EgibFile(parcels=samples, precinct=False, building=False))
    assert sorted(stored(powiat)) == ["041504_2.0012.123/4", "041508_2.0001.5"]
    assert [(p.fid, p.code) for p in report.problems] == [("046301_1.0001.7", "other_unit")]


def test_features_with_problems_are_skipped_or_repaired_and_reported(gis, lubicz):
    good = lubicz_parcels()[0]
    bow_tie = Polygon([(E0 + 200, N0), (E0 + 210, N0 + 10), (E0 + 210, N0), (E0 + 200, N0 + 10)])
    samples = [
        good,
        ParcelSample("041504_2.0012.200", bow_tie, area_ha="0.0050"),
        ParcelSample("041504_2.0012.201", rect(5e9, 5e9, 10, 10), area_ha="0.0100"),
        ParcelSample("041508_2.0001.5", rect(250, 0, 10, 10), area_ha="0.0100"),
        ParcelSample("0415042.12.7", rect(270, 0, 10, 10)),
        ParcelSample("", rect(290, 0, 10, 10)),
        ParcelSample(good.id, rect(310, 0, 10, 10)),
        ParcelSample("041504_2.0012.202", None),  # type: ignore[arg-type]
        ParcelSample("041504_2.0012.203", rect(330, 0, 10, 10), area_ha="dużo"),
        ParcelSample(
            "041504_2.0012.99",
            rect(350, 0, 10, 10),
            extra="<egb:koniecWersjaObiekt>2024-01-01T00:00:00</egb:koniecWersjaObiekt>",
        ),
    ]
    report = run(gis, lubicz, EgibFile(parcels=samples, precinct=False, building=False))

    problems = {(p.fid, p.code): p for p in report.problems}
    assert set(problems) == {
        ("041504_2.0012.200", "geometry_repaired"),
        ("041504_2.0012.201", "outside_poland"),
        ("041508_2.0001.5", "other_unit"),
        ("0415042.12.7", "id_malformed"),
        ("d5", "id_missing"),
        (good.id, "id_duplicate"),
        ("041504_2.0012.202", "geometry_missing"),
        ("041504_2.0012.203", "area_malformed"),
    }
    assert (
        "self-intersection (the outline crosses itself)"
        in problems[("041504_2.0012.200", "geometry_repaired")].message
    )
    assert "far too large" in problems[("041504_2.0012.201", "outside_poland")].message
    assert "Gmina Lubicz" in problems[("041508_2.0001.5", "other_unit")].message
    parcels = report.sections["parcels"]
    assert (parcels.read, parcels.created, parcels.skipped, parcels.historical) == (10, 3, 6, 1)
    assert sorted(stored(lubicz)) == [good.id, "041504_2.0012.200", "041504_2.0012.203"]
    repaired = stored(lubicz)["041504_2.0012.200"]
    assert wkb.loads(bytes(repaired.geom)).is_valid and repaired.area == pytest.approx(50.0)
    assert repaired.parcel.area == Decimal("50.00")
    assert stored(lubicz)["041504_2.0012.203"].parcel.area is None


def test_swapped_axes_and_a_wrong_crs_are_explained(gis, lubicz):
    swapped = EgibFile(code=2177, northing_first=False, precinct=False, building=False)
    with pytest.raises(ImportRefused) as refused:
        run(gis, lubicz, swapped)
    assert refused.value.code == "nothing_importable"
    message = refused.value.report.problems[0].message
    assert "axes swapped" in message

    wrong = EgibFile(code=2177, srs="urn:ogc:def:crs:EPSG::2180", precinct=False, building=False)
    with pytest.raises(ImportRefused) as refused:
        run(gis, lubicz, wrong)
    assert "EPSG:2177" in refused.value.report.problems[0].message


MALFORMED = EgibFile().xml()[:-200]
DOCTYPE = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
    b"<gml:FeatureCollection xmlns:gml='http://www.opengis.net/gml/3.2'>&lol2;"
    b"</gml:FeatureCollection>"
)
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x/>'


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (MALFORMED, "xml_malformed"),
        (DOCTYPE, "xml_dtd_forbidden"),
        (EXTERNAL, "xml_dtd_forbidden"),
        (b"PK\x03\x04 not xml", "not_xml"),
        (b"", "empty"),
        (EgibFile(srs="EPSG:99999").xml(), "crs_unusable"),
        (EgibFile(srs="urn:ogc:def:crs:EPSG::4326").xml(), "crs_unusable"),
        (EgibFile(srs="").xml(), "crs_unusable"),
        (
            b'<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2">'
            b"</gml:FeatureCollection>",
            "schema_unexpected",
        ),
        (
            EgibFile(parcels=[], precinct=False, building=False, address=False).xml(),
            "schema_unexpected",
        ),
        (EgibFile(code=2177, srs="EPSG:2180").xml(), "nothing_importable"),
    ],
)
def test_unusable_files_are_refused_and_change_nothing(gis, lubicz, data, code):
    run(gis, lubicz, EgibFile(parcels=lubicz_parcels()[:1]))
    before = state(lubicz)
    with pytest.raises(ImportRefused) as refused:
        run(gis, lubicz, data)
    assert refused.value.code == code, refused.value.text
    assert str(refused.value)  # a message for people
    assert state(lubicz) == before


def test_a_file_without_srs_takes_the_operators_crs(gis, lubicz):
    report = run(gis, lubicz, EgibFile(srs="", code=2177), crs="EPSG:2177")
    assert report.sections["parcels"].created == 4 and report.crs == ["EPSG:2177"]


def test_a_dry_run_reports_and_writes_nothing(gis, lubicz):
    before = state(lubicz)
    report = run(gis, lubicz, EgibFile(), dry_run=True)
    assert report.dry_run and report.sections["parcels"].created == 4
    assert state(lubicz) == before


def test_only_gis_officials_of_the_unit_import(lubicz, nieszawka):
    clerk = actor_for(official(lubicz, Role.CASE_OFFICER, username="lubicz.clerk"))
    with pytest.raises(PermissionDenied):
        run(clerk, lubicz, EgibFile())
    other = actor_for(official(nieszawka, Role.GIS_OPERATOR, username="nieszawka.gis"))
    with pytest.raises(PermissionDenied):
        run(other, lubicz, EgibFile())
    assert not Parcel.objects.for_unit(lubicz).exists()


@pytest.mark.parametrize(
    ("failure", "expected"),
    [(RuntimeError("disk full"), RuntimeError), (IntegrityError("unique"), ImportRefused)],
)
def test_a_failure_after_the_parcels_were_written_leaves_nothing(
    gis, lubicz, monkeypatch, failure, expected
):
    run(gis, lubicz, EgibFile(parcels=lubicz_parcels()[:1], building=False))
    before = state(lubicz)
    written = []

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        written.append(Parcel.objects.for_unit(lubicz).count())
        raise failure

    monkeypatch.setattr(import_services, "write_buildings", broken)
    with pytest.raises(expected) as raised:
        run(gis, lubicz, EgibFile())
    assert written == [4]  # the parcels were in the database when the import failed
    if expected is ImportRefused:
        assert raised.value.code == "concurrent_change"
    assert state(lubicz) == before
    assert sorted(stored(lubicz)) == ["041504_2.0012.123/4"]
