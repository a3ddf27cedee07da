"""Importing Shapefile (ZIP), GeoPackage, GeoJSON and GML through OGR."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely import wkb
from shapely.geometry import Point, Polygon

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.geo.importers import ImportRefused, import_vector
from infostrada.geo.models import Feature, Layer, Parcel
from infostrada.geo.tests.data.import_samples import E0, N0, rect, write_vector, zip_files
from infostrada.testing import official

pytestmark = pytest.mark.django_db
TO_CRS84 = Transformer.from_crs("EPSG:2180", "OGC:CRS84", always_xy=True)


def to_crs84(geometry):  # type: ignore[no-untyped-def]
    return shapely.transform(geometry, lambda xy: np.column_stack(TO_CRS84.transform(*xy.T)))


@pytest.fixture
def gis(lubicz) -> Actor:  # type: ignore[no-untyped-def]
    user = official(lubicz, Role.GIS_OPERATOR, username="lubicz.gis")
    return Actor(kind="user", id=str(user.pk), name=user.username, user=user)


def features(unit, slug: str) -> dict[str, Feature]:  # type: ignore[no-untyped-def]
    return {f.fid: f for f in Feature.objects.for_unit(unit).filter(layer__slug=slug)}


def shapefile(tmp_path, *, prj: bool = True, name: str = "drzewa") -> bytes:  # type: ignore[no-untyped-def]
    folder = tmp_path / name
    folder.mkdir()
    path = write_vector(
        folder / f"{name}.shp",
        [Point(E0 + 1, N0 + 1), Point(E0 + 2, N0 + 5), Point(E0 + 8, N0 + 3)],
        {
            "nr": [101, 102, 103],
            "gatunek": ["dąb szypułkowy", "lipa", "buk"],
            "obwod": [2.5, 1.2, 0.8],
        },
        driver="ESRI Shapefile",
        crs="EPSG:2180",
    )
    if not prj:
        path.with_suffix(".prj").unlink()
    return zip_files(sorted(folder.iterdir()), prefix=f"{name}/")


def test_geojson_in_crs84_becomes_a_layer(gis, lubicz, tmp_path):
    sources = [rect(0, 0, 20, 20), rect(40, 0, 20, 30)]
    path = write_vector(
        tmp_path / "tereny.geojson",
        [to_crs84(g) for g in sources],
        {"kod": ["A-1", "A-2"], "powierzchnia": [400.0, 600.0], "liczba": [1, 2]},
        driver="GeoJSON",
        crs="OGC:CRS84",
    )
    report = import_vector(
        actor=gis,
        unit=lubicz,
        data=path.read_bytes(),
        filename="Tereny zielone.geojson",
        id_field="kod",
    )
    assert report.sections["features"].created == 2 and report.crs == ["OGC:CRS84"]
    layer = Layer.objects.for_unit(lubicz).get(slug="tereny-zielone")
    assert (layer.kind, layer.title) == ("other", "Tereny zielone")
    assert {f["name"]: f["type"] for f in layer.schema} == {
        "kod": "string",
        "powierzchnia": "number",
        "liczba": "integer",
    }
    stored = features(lubicz, "tereny-zielone")
    assert stored["A-2"].properties == {"kod": "A-2", "powierzchnia": 600.0, "liczba": 2}
    for fid, source in zip(("A-1", "A-2"), sources, strict=True):
        assert wkb.loads(bytes(stored[fid].geom)).hausdorff_distance(source) < 0.01


def test_a_zipped_shapefile_becomes_a_layer_and_updates_on_reimport(gis, lubicz, tmp_path):
    data = shapefile(tmp_path)
    report = import_vector(
        actor=gis, unit=lubicz, data=data, filename="drzewa.zip", layer_slug="drzewa", id_field="nr"
    )
    assert report.sections["features"].created == 3
    stored = features(lubicz, "drzewa")
    assert stored["101"].properties["gatunek"] == "dąb szypułkowy"
    assert wkb.loads(bytes(stored["102"].geom)).equals(Point(E0 + 2, N0 + 5))
    again = import_vector(
        actor=gis, unit=lubicz, data=data, filename="drzewa.zip", layer_slug="drzewa", id_field="nr"
    )
    assert (again.sections["features"].unchanged, again.sections["features"].created) == (3, 0)
    assert Feature.objects.for_unit(lubicz).count() == 3


def test_without_an_identifier_field_the_ogr_fid_is_used(gis, lubicz, tmp_path):
    import_vector(actor=gis, unit=lubicz, data=shapefile(tmp_path), filename="drzewa.zip")
    assert sorted(features(lubicz, "drzewa")) == ["0", "1", "2"]


def test_a_shapefile_without_prj_needs_the_operators_crs(gis, lubicz, tmp_path):
    data = shapefile(tmp_path, prj=False)
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=data, filename="drzewa.zip")
    assert refused.value.code == "crs_missing"
    assert not Layer.objects.for_unit(lubicz).exists()
    report = import_vector(
        actor=gis, unit=lubicz, data=data, filename="drzewa.zip", crs="EPSG:2180"
    )
    assert report.sections["features"].created == 3


def test_parcels_from_a_geopackage(gis, lubicz, tmp_path):
    path = tmp_path / "dzialki.gpkg"
    write_vector(
        path,
        [rect(0, 0, 30, 40), rect(30, 0, 30, 40), rect(60, 0, 30, 40)],
        {
            "ID_DZIALKI": ["041504_2.0012.1/1", "041504_2.0012.1/2", "046301_1.0001.5"],
            "POW_M2": ["1200", "1200,5", "1200"],
            "ADRES": ["Grębocin 1", "", ""],
        },
        driver="GPKG",
        crs="EPSG:2180",
        layer="dzialki",
    )
    write_vector(
        path,
        [Point(E0, N0)],
        {"x": ["y"]},
        driver="GPKG",
        crs="EPSG:2180",
        layer="punkty",
        append=True,
    )
    with pytest.raises(ImportRefused) as refused:
        import_vector(
            actor=gis,
            unit=lubicz,
            data=path.read_bytes(),
            filename="d.gpkg",
            target="parcels",
            id_field="ID_DZIALKI",
        )
    assert refused.value.code == "several_layers" and "punkty" in str(refused.value)

    report = import_vector(
        actor=gis,
        unit=lubicz,
        data=path.read_bytes(),
        filename="d.gpkg",
        target="parcels",
        id_field="id_dzialki",
        source_layer="dzialki",
        area_field="POW_M2",
        address_field="ADRES",
    )
    assert [(p.fid, p.code) for p in report.problems] == [("046301_1.0001.5", "other_unit")]
    parcels = {p.identifier: p for p in Parcel.objects.for_unit(lubicz)}
    assert sorted(parcels) == ["041504_2.0012.1/1", "041504_2.0012.1/2"]
    assert str(parcels["041504_2.0012.1/2"].area) == "1200.50"
    assert parcels["041504_2.0012.1/1"].address == "Grębocin 1"
    assert Layer.objects.for_unit(lubicz).get().slug == "dzialki"


def test_gml_through_ogr(gis, lubicz):
    gml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:x="urn:x" '
        'gml:id="c">'
        '<gml:featureMember><x:Pomnik gml:id="p1"><x:nazwa>Kopernik</x:nazwa><x:geom>'
        f'<gml:Point gml:id="g1" srsName="urn:ogc:def:crs:EPSG::2180"><gml:pos>{N0} {E0}</gml:pos>'
        "</gml:Point></x:geom></x:Pomnik></gml:featureMember></gml:FeatureCollection>"
    ).encode()
    report = import_vector(
        actor=gis, unit=lubicz, data=gml, filename="pomniki.gml", id_field="gml_id"
    )
    assert report.sections["features"].created == 1
    stored = features(lubicz, "pomniki")["p1"]
    assert (
        wkb.loads(bytes(stored.geom)).equals(Point(E0, N0))
        and stored.properties["nazwa"] == "Kopernik"
    )


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_zip({"../../etc/x.shp": b"x"}), "archive_unsafe_path"),
        (_zip({"bomb.dbf": b"\0" * (3 * 1024 * 1024)}), "archive_ratio"),
        (_zip({"inner.zip": _zip({"a.shp": b"x"})}), "archive_nested"),
        (_zip({"readme.txt": b"hello"}), "archive_no_dataset"),
        (_zip({"a.shp": b"\0\0\x27\x0a", "a.prj": b"x"}), "shapefile_incomplete"),
        (b"\0\0\x27\x0a" + b"\0" * 96, "shapefile_not_zipped"),
        (b"%PDF-1.7 not spatial", "format_unknown"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>', "xml_dtd_forbidden"),
        (b'{"type": "FeatureCollection", "features": [', "format_unreadable"),
        (_zip({"a.gml": b'<?xml version="1.0"?><x:c xmlns:x="urn:x"><x:f>'}), "xml_malformed"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(gis, lubicz, data, code):
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=data, filename="x.zip")
    assert refused.value.code == code, refused.value.text
    assert not Layer.objects.for_unit(lubicz).exists()
    assert not Feature.objects.for_unit(lubicz).exists()


def test_features_outside_poland_are_skipped(gis, lubicz, tmp_path):
    path = write_vector(
        tmp_path / "p.geojson",
        [Point(18.6, 53.0), Point(180.0, -80.0)],
        {"id": ["ok", "far"]},
        driver="GeoJSON",
        crs="OGC:CRS84",
    )
    report = import_vector(
        actor=gis, unit=lubicz, data=path.read_bytes(), filename="p.geojson", id_field="id"
    )
    assert sorted(features(lubicz, "p")) == ["ok"]
    assert [(p.fid, p.code) for p in report.problems] == [("far", "outside_poland")]


def test_a_wrong_or_unknown_crs_is_refused_and_explained(gis, lubicz, tmp_path):
    # PUWG 1992 metres in a GeoJSON that states no CRS (so longitude/latitude)
    path = write_vector(
        tmp_path / "t.geojson",
        [rect(0, 0, 20, 20), rect(40, 0, 20, 20)],
        {"id": ["a", "b"]},
        driver="GeoJSON",
        crs=None,
    )
    data = path.read_bytes()
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=data, filename="t.geojson", id_field="id")
    assert refused.value.code == "nothing_importable", refused.value.text
    problems = refused.value.report.problems
    assert [(p.fid, p.code) for p in problems] == [("a", "outside_poland"), ("b", "outside_poland")]
    assert "EPSG:2180" in problems[0].message  # the system in which they would fit
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=data, filename="t.geojson", crs="EPSG:999999")
    assert refused.value.code == "crs_unknown" and "EPSG:999999" in str(refused.value)
    assert not Layer.objects.for_unit(lubicz).exists()
    assert not Feature.objects.for_unit(lubicz).exists()
    # the operator's CRS overrides the file's and the same file imports
    report = import_vector(
        actor=gis, unit=lubicz, data=data, filename="t.geojson", id_field="id", crs="EPSG:2180"
    )
    assert report.sections["features"].created == 2


def test_self_intersecting_and_huge_features_are_repaired_or_skipped(gis, lubicz, tmp_path):
    bow_tie = Polygon([(E0, N0), (E0 + 10, N0 + 10), (E0 + 10, N0), (E0, N0 + 10)])
    path = write_vector(
        tmp_path / "p.gpkg",
        [rect(20, 0, 10, 10), bow_tie, rect(1e12, 1e12, 10, 10)],
        {"id": ["ok", "bow", "huge"]},
        driver="GPKG",
        crs="EPSG:2180",
    )
    report = import_vector(
        actor=gis, unit=lubicz, data=path.read_bytes(), filename="p.gpkg", id_field="id"
    )
    problems = {(p.fid, p.code): p for p in report.problems}
    assert set(problems) == {("bow", "geometry_repaired"), ("huge", "outside_poland")}
    assert (
        "self-intersection (the outline crosses itself)"
        in problems[("bow", "geometry_repaired")].message
    )
    assert "far too large" in problems[("huge", "outside_poland")].message
    stored = features(lubicz, "p")
    assert sorted(stored) == ["bow", "ok"]
    repaired = wkb.loads(bytes(stored["bow"].geom))
    assert repaired.is_valid and repaired.area == pytest.approx(50.0)


def test_a_file_of_only_huge_coordinates_is_refused(gis, lubicz, tmp_path):
    path = write_vector(
        tmp_path / "p.geojson",
        [Point(1e15, -1e15), Point(3e38, 3e38)],
        {"id": ["x", "y"]},
        driver="GeoJSON",
        crs="EPSG:2180",
    )
    with pytest.raises(ImportRefused) as refused:
        import_vector(
            actor=gis, unit=lubicz, data=path.read_bytes(), filename="p.geojson", id_field="id"
        )
    assert refused.value.code == "nothing_importable"
    assert {p.code for p in refused.value.report.problems} == {"outside_poland"}
    assert not Layer.objects.for_unit(lubicz).exists()


def test_malformed_gml_through_ogr_is_refused(gis, lubicz):
    gml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:x="urn:x">'
        '<gml:featureMember><x:Pomnik gml:id="p1"><x:geom><gml:Point srsName="EPSG:2180">'
        f"<gml:pos>{N0} {E0}</gml:pos></gml:Point></x:geom></x:Pomnik>"
    ).encode()
    with pytest.raises(ImportRefused) as refused:
        import_vector(actor=gis, unit=lubicz, data=gml, filename="pomniki.gml")
    assert refused.value.code == "xml_malformed", refused.value.text
    assert "line 1" in str(refused.value)
    assert not Layer.objects.for_unit(lubicz).exists()
