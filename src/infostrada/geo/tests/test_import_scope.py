"""Imports keep to the unit: features far outside its area are skipped, never stored.

A point in Kraków was imported into Gmina Lubicz (it lies in Poland, the only
check there was) and the viewer then opened between the two. geo.extents
gives the unit's area (its cadastre, else its voivodeship: ADR 0013).
"""

from __future__ import annotations

import pytest
from django.utils import translation
from shapely.geometry import Point, Polygon

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.geo.importers import ImportRefused, import_vector
from infostrada.geo.importers.geos import translate_reason
from infostrada.geo.models import Feature, Layer
from infostrada.geo.tests.data.import_samples import E0, N0, rect, write_vector, zip_files
from infostrada.testing import official

pytestmark = pytest.mark.django_db
KRAKOW = (19.937, 50.061)  # longitude, latitude: Rynek Główny
TORUN = (18.606, 53.010)  # Toruń's old town: in the voivodeship, ~10 km from Lubicz


@pytest.fixture
def gis(lubicz) -> Actor:  # type: ignore[no-untyped-def]
    user = official(lubicz, Role.GIS_OPERATOR, username="lubicz.gis")
    return Actor(kind="user", id=str(user.pk), name=user.username, user=user)


def points(tmp_path, named):  # type: ignore[no-untyped-def]
    path = write_vector(
        tmp_path / "punkty.geojson",
        [Point(*lonlat) for lonlat in named.values()],
        {"id": list(named)},
        driver="GeoJSON",
        crs="OGC:CRS84",
    )
    return path.read_bytes()


def test_a_point_in_krakow_is_refused_by_a_gmina_without_cadastre(gis, lubicz, tmp_path):
    data = points(tmp_path, {"krakow": KRAKOW})
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=data, filename="punkty.geojson", id_field="id")
    assert refused.value.code == "nothing_importable"
    [problem] = refused.value.report.problems
    assert (problem.fid, problem.code) == ("krakow", "outside_unit")
    assert "the voivodeship of Gmina Lubicz" in problem.message
    assert not Layer.objects.for_unit(lubicz).exists()


def test_with_a_cadastre_features_far_from_it_are_skipped(gis, lubicz, tmp_path):
    parcels = write_vector(
        tmp_path / "dzialki.geojson",
        [rect(0, 0, 300, 300)],
        {"ID": ["041504_2.0012.1"]},
        driver="GeoJSON",
        crs="EPSG:2180",
    )
    import_vector(
        actor=gis,
        unit=lubicz,
        data=parcels.read_bytes(),
        filename="dzialki.geojson",
        target="parcels",
        id_field="ID",
    )
    near = write_vector(
        tmp_path / "p.geojson",
        [Point(E0 + 50, N0 + 50), Point(E0 + 4_000, N0), Point(E0 - 20_000, N0)],
        {"id": ["in", "near", "torun"]},
        driver="GeoJSON",
        crs="EPSG:2180",
    )
    report = import_vector(
        actor=gis, unit=lubicz, data=near.read_bytes(), filename="p.geojson", id_field="id"
    )
    assert [(p.fid, p.code) for p in report.problems] == [("torun", "outside_unit")]
    assert "the cadastre of Gmina Lubicz" in report.problems[0].message
    stored = Feature.objects.for_unit(lubicz).filter(layer__slug="p")
    assert sorted(stored.values_list("fid", flat=True)) == ["in", "near"]


# --- GEOS's reasons in the operator's language ----------------------------------------


def test_geos_reasons_are_translated(gis, lubicz, tmp_path):
    bow_tie = Polygon([(E0, N0), (E0 + 20, N0 + 20), (E0 + 20, N0), (E0, N0 + 20), (E0, N0)])
    path = write_vector(
        tmp_path / "tereny.geojson", [bow_tie], {"id": ["k"]}, driver="GeoJSON", crs="EPSG:2180"
    )
    with translation.override("pl"):
        report = import_vector(
            actor=gis, unit=lubicz, data=path.read_bytes(), filename="t.geojson", id_field="id"
        )
    [problem] = report.problems
    assert problem.code == "geometry_repaired"
    assert "samoprzecięcie" in problem.message and "Self-intersection" not in problem.message


@pytest.mark.parametrize(
    ("geos", "polish"),
    [
        ("Self-intersection[478010.5 573510.25]", "samoprzecięcie"),
        ("Ring Self-intersection[1 2]", "pierścień"),
        ("Too few points in geometry component[0 0]", "za mało punktów"),
        ("A linearring requires at least 4 coordinates.", "za mało punktów"),
        (
            "IllegalArgumentException: Points of LinearRing do not form a closed linestring",
            "nie jest zamknięty",
        ),
    ],
)
def test_known_geos_messages_have_polish_words(geos, polish):
    with translation.override("pl"):
        assert polish in translate_reason(geos)
    assert translate_reason("Something GEOS never said") == "Something GEOS never said"


def test_an_unclosed_gml_ring_is_reported_not_a_server_error(gis, lubicz):
    ring = f"{N0} {E0} {N0} {E0 + 10} {N0 + 10} {E0 + 10} {N0 + 10} {E0}"
    gml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:x="urn:x" '
        'gml:id="c"><gml:featureMember><x:Teren gml:id="t1"><x:geom>'
        '<gml:Polygon gml:id="g1" srsName="urn:ogc:def:crs:EPSG::2180"><gml:exterior>'
        f"<gml:LinearRing><gml:posList>{ring}</gml:posList></gml:LinearRing></gml:exterior>"
        "</gml:Polygon></x:geom></x:Teren></gml:featureMember></gml:FeatureCollection>"
    ).encode()
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=gml, filename="t.gml", id_field="gml_id")
    assert refused.value.code in ("nothing_importable", "format_unreadable", "geometry_unusable")


# --- identity: the file's id or a chosen attribute, never the position -------------------


def trees(tmp_path, rows, *, name="drzewa"):  # type: ignore[no-untyped-def]
    """A zipped Shapefile (no identifiers of its own) of points: rows (nr, dx, dy)."""
    folder = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    write_vector(
        folder / f"{name}.shp",
        [Point(E0 + dx, N0 + dy) for _nr, dx, dy in rows],
        {"nr": [nr for nr, _dx, _dy in rows]},
        driver="ESRI Shapefile",
        crs="EPSG:2180",
    )
    return zip_files(sorted(folder.iterdir()), prefix=f"{name}/")


def positions(unit, slug):  # type: ignore[no-untyped-def]
    return {
        f.fid: (f.properties.get("nr"), round(f.minx - E0))
        for f in Feature.objects.for_unit(unit).filter(layer__slug=slug)
    }


def test_a_reordered_file_without_ids_cannot_update_a_layer_by_position(gis, lubicz, tmp_path):
    """Re-importing a reordered Shapefile moved tree 101 onto tree 102's place."""
    first = trees(tmp_path, [(101, 1, 1), (102, 2, 2)])
    import_vector(actor=gis, unit=lubicz, data=first, filename="drzewa.zip")
    reordered = trees(tmp_path, [(102, 2, 2), (101, 1, 1)])
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=reordered, filename="drzewa.zip")
    assert refused.value.code == "id_needed" and "nr" in refused.value.text
    # with the identifier field named, each tree keeps its identity
    import_vector(
        actor=gis, unit=lubicz, data=first, filename="d.zip", layer_slug="d2", id_field="nr"
    )
    report = import_vector(
        actor=gis, unit=lubicz, data=reordered, filename="d.zip", layer_slug="d2", id_field="nr"
    )
    assert report.sections["features"].unchanged == 2
    assert positions(lubicz, "d2") == {"101": (101, 1), "102": (102, 2)}


def test_the_files_own_ids_are_used_without_a_chosen_field(gis, lubicz, tmp_path):
    path = tmp_path / "pomniki.gpkg"
    write_vector(
        path, [Point(E0 + 1, N0), Point(E0 + 2, N0)], {"nr": [7, 8]}, driver="GPKG", crs="EPSG:2180"
    )
    report = import_vector(actor=gis, unit=lubicz, data=path.read_bytes(), filename="p.gpkg")
    assert report.sections["features"].created == 2
    assert not any("no identifiers of its own" in n for n in report.notes)


# --- replacing a layer ---------------------------------------------------------------------


def test_a_reimport_can_replace_a_layer_and_reports_what_it_removed(gis, lubicz, tmp_path):
    first = trees(tmp_path, [(101, 1, 1), (102, 2, 2), (103, 3, 3)])
    import_vector(actor=gis, unit=lubicz, data=first, filename="drzewa.zip", id_field="nr")
    smaller = trees(tmp_path, [(103, 3, 3), (104, 4, 4)])
    kept = import_vector(actor=gis, unit=lubicz, data=smaller, filename="drzewa.zip", id_field="nr")
    assert kept.sections["features"].deleted == 0
    assert sorted(positions(lubicz, "drzewa")) == ["101", "102", "103", "104"]
    report = import_vector(
        actor=gis, unit=lubicz, data=smaller, filename="drzewa.zip", id_field="nr", replace=True
    )
    counts = report.sections["features"]
    assert (counts.deleted, counts.unchanged) == (2, 2)
    assert sorted(positions(lubicz, "drzewa")) == ["103", "104"]
    layer = Layer.objects.for_unit(lubicz).get(slug="drzewa")
    assert layer.feature_count == 2
    assert "removed" in report.as_text()
    # a file without ids may replace (not update) a layer
    report = import_vector(
        actor=gis,
        unit=lubicz,
        data=trees(tmp_path, [(9, 5, 5)]),
        filename="drzewa.zip",
        replace=True,
    )
    assert report.sections["features"].deleted == 2
    assert list(positions(lubicz, "drzewa").values()) == [(9, 5)]
