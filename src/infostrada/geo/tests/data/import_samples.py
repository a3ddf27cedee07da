"""Sample files for the import tests, made by code: EGiB GML, APP GML, vector files.

Geometries are defined in EPSG:2180 as (easting, northing) and written into GML
the way the cadastre writes them: northing first (EPSG axis order of PUWG 1992
and 2000), optionally transformed to PUWG 2000 zone 6 (EPSG:2177) with pyproj.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyogrio.raw
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

EGB = "urn:gugik:specyfikacje:gmlas:ewidencjaGruntowBudynkow:1.0"
APP2 = "https://www.gov.pl/static/zagospodarowanieprzestrzenne/schemas/app/2.0"
APP1 = "https://www.gov.pl/static/zagospodarowanieprzestrzenne/schemas/app/1.0"
E0, N0 = 478_000.0, 573_500.0  # EPSG:2180, in Gmina Lubicz east of Toruń
SRS_SPELLINGS = (
    "urn:ogc:def:crs:EPSG::{code}",
    "http://www.opengis.net/def/crs/EPSG/0/{code}",
    "EPSG:{code}",
)


def rect(dx: float, dy: float, w: float, h: float) -> Polygon:
    return box(E0 + dx, N0 + dy, E0 + dx + w, N0 + dy + h)


@dataclass
class ParcelSample:
    id: str
    geometry: BaseGeometry  # EPSG:2180 (E, N)
    area_ha: str | None = None  # poleEwidencyjne as written
    kw: str = ""
    address: str = ""  # gml:id of an address in the file
    gml: str = "polygon"  # polygon | surface | pos
    extra: str = ""  # more XML inside the parcel (e.g. koniecWersjaObiekt)

    @property
    def register_area(self) -> Decimal:
        return Decimal(self.area_ha) * 10_000


def lubicz_parcels() -> list[ParcelSample]:
    """Four parcels of precinct 0012 of Gmina Lubicz: plain, with a hole, two-part, slanted."""
    with_hole = Polygon(
        rect(40, 0, 50, 50).exterior.coords, [rect(60, 20, 10, 10).exterior.coords[::-1]]
    )
    two_parts = MultiPolygon([rect(100, 0, 20, 30), rect(130, 0, 15, 30)])
    slanted = Polygon(
        [(E0, N0 + 60), (E0 + 35.25, N0 + 62.5), (E0 + 31.125, N0 + 91.75), (E0 + 2, N0 + 88)]
    )
    samples = [
        ParcelSample("041504_2.0012.123/4", rect(0, 0, 30, 40), kw="TO1T/00012345/6", address="a1"),
        ParcelSample("041504_2.0012.124", with_hole, gml="surface"),
        ParcelSample("041504_2.0012.125/1", two_parts),
        ParcelSample("041504_2.0012.126", slanted, gml="pos"),
    ]
    for s in samples:
        s.area_ha = f"{s.geometry.area / 10_000:.4f}"
    return samples


class Coordinates:
    """Writes (E, N) in EPSG:2180 as GML coordinates of another CRS, northing first."""

    def __init__(self, code: int = 2180, *, northing_first: bool = True) -> None:
        self.code = code
        self.northing_first = northing_first
        self.transformer = (
            None
            if code == 2180
            else Transformer.from_crs("EPSG:2180", f"EPSG:{code}", always_xy=True)
        )

    def pairs(self, coords: Sequence[tuple[float, ...]]) -> list[tuple[float, float]]:
        xy = np.asarray(coords, dtype=float)[:, :2]
        if self.transformer is not None:
            e, n = self.transformer.transform(xy[:, 0], xy[:, 1])
            xy = np.column_stack([e, n])
        return [(n, e) if self.northing_first else (e, n) for e, n in xy.tolist()]

    def pos_list(self, coords: Sequence[tuple[float, ...]]) -> str:
        return " ".join(f"{a:.4f} {b:.4f}" for a, b in self.pairs(coords))

    def pos(self, coords: Sequence[tuple[float, ...]]) -> str:
        return "".join(f"<gml:pos>{a:.4f} {b:.4f}</gml:pos>" for a, b in self.pairs(coords))


def polygon_xml(
    polygon: Polygon, c: Coordinates, *, tag: str = "Polygon", use_pos: bool = False
) -> str:
    def ring(coords):  # type: ignore[no-untyped-def]
        inner = c.pos(coords) if use_pos else f"<gml:posList>{c.pos_list(coords)}</gml:posList>"
        return f"<gml:LinearRing>{inner}</gml:LinearRing>"

    interiors = "".join(f"<gml:interior>{ring(r.coords)}</gml:interior>" for r in polygon.interiors)
    exterior = f"<gml:exterior>{ring(polygon.exterior.coords)}</gml:exterior>"
    return f"<gml:{tag}>{exterior}{interiors}</gml:{tag}>"


def geometry_xml(geometry: BaseGeometry, c: Coordinates, srs: str, kind: str = "polygon") -> str:
    srs_attr = f' srsName="{srs}"' if srs else ""
    if isinstance(geometry, MultiPolygon):
        members = "".join(
            f"<gml:surfaceMember>{polygon_xml(p, c)}</gml:surfaceMember>" for p in geometry.geoms
        )
        return f'<gml:MultiSurface gml:id="g{id(geometry)}"{srs_attr}>{members}</gml:MultiSurface>'
    if kind == "surface":
        patch = polygon_xml(geometry, c, tag="PolygonPatch")
        return (
            f'<gml:Surface gml:id="g{id(geometry)}"{srs_attr}>'
            f"<gml:patches>{patch}</gml:patches></gml:Surface>"
        )
    body = polygon_xml(geometry, c, use_pos=kind == "pos")
    return body.replace("<gml:Polygon>", f'<gml:Polygon gml:id="g{id(geometry)}"{srs_attr}>', 1)


@dataclass
class EgibFile:
    parcels: list[ParcelSample] = field(default_factory=lubicz_parcels)
    code: int = 2180
    northing_first: bool = True
    srs: str | None = None  # one srsName for all (else the spellings in turn)
    precinct: bool = True
    building: bool = True
    address: bool = True
    prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n'

    def xml(self) -> bytes:
        c = Coordinates(self.code, northing_first=self.northing_first)
        members = []
        spellings = itertools.cycle(SRS_SPELLINGS)

        def srs() -> str:
            return self.srs if self.srs is not None else next(spellings).format(code=self.code)

        if self.precinct:
            area = box(E0 - 100, N0 - 100, E0 + 300, N0 + 300)
            members.append(
                f'<egb:EGB_ObrebEwidencyjny gml:id="o1"><egb:idObrebu>041504_2.0012</egb:idObrebu>'
                f"<egb:nazwaWlasna>Grębocin</egb:nazwaWlasna>"
                f"<egb:geometria>{geometry_xml(area, c, srs())}</egb:geometria>"
                f"</egb:EGB_ObrebEwidencyjny>"
            )
        for n, p in enumerate(self.parcels):
            area = (
                f'<egb:poleEwidencyjne uom="ha">{p.area_ha}</egb:poleEwidencyjne>'
                if p.area_ha is not None
                else ""
            )
            link = f'<egb:adresDzialki xlink:href="#{p.address}"/>' if p.address else ""
            geometry = (
                f"<egb:geometria>{geometry_xml(p.geometry, c, srs(), p.gml)}</egb:geometria>"
                if p.geometry is not None
                else ""
            )
            members.append(
                f'<egb:EGB_DzialkaEwidencyjna gml:id="d{n}">'
                f"<egb:idIIP><bt:BT_Identyfikator><bt:lokalnyId>d{n}</bt:lokalnyId>"
                f"<bt:przestrzenNazw>PL.PZGiK.994.EGiB</bt:przestrzenNazw>"
                f"</bt:BT_Identyfikator></egb:idIIP>"
                f"<egb:idDzialki>{p.id}</egb:idDzialki>{geometry}"
                f"<egb:numerKW>{p.kw}</egb:numerKW>{area}{link}"
                f'<egb:lokalizacjaDzialki xlink:href="#o1"/>{p.extra}'
                f"</egb:EGB_DzialkaEwidencyjna>"
            )
        if self.building and self.parcels:
            house = rect(5, 5, 12, 10)
            members.append(
                f'<egb:EGB_Budynek gml:id="b1"><egb:idBudynku>041504_2.0012.123/4.1_BUD'
                f"</egb:idBudynku><egb:rodzajWgKST>110</egb:rodzajWgKST>"
                f"<egb:liczbaKondygnacjiNadziemnych>2</egb:liczbaKondygnacjiNadziemnych>"
                f"<egb:geometria>{geometry_xml(house, c, srs())}</egb:geometria>"
                f'<egb:dzialkaZabudowana xlink:href="#d0"/></egb:EGB_Budynek>'
            )
        if self.address:
            members.append(
                '<egb:EGB_AdresNieruchomosci gml:id="a1">'
                "<egb:nazwaMiejscowosci>Lubicz Dolny</egb:nazwaMiejscowosci>"
                "<egb:nazwaUlicy>ul. Toruńska</egb:nazwaUlicy>"
                "<egb:numerPorzadkowy>12</egb:numerPorzadkowy>"
                "</egb:EGB_AdresNieruchomosci>"
            )
        body = "".join(f"<gml:featureMember>{m}</gml:featureMember>" for m in members)
        return (
            f'{self.prolog}<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" '
            f'xmlns:egb="{EGB}" xmlns:bt="urn:gugik:specyfikacje:gmlas:modelPodstawowy:1.0" '
            f'xmlns:xlink="http://www.w3.org/1999/xlink" gml:id="fc">{body}</gml:FeatureCollection>'
        ).encode()


# --- APP -----------------------------------------------------------------------------

GENERAL_ZONES = [  # (lokalnyId suffix, oznaczenie, symbol, nazwa code, title, geometry)
    ("1SW", "SW", "strefaWielofunkcyjnaZZabudowaMieszkaniowaWielorodzinna", rect(0, 0, 100, 100)),
    ("2SJ", "SJ", "strefaWielofunkcyjnaZZabudowaMieszkaniowaJednorodzinna", rect(100, 0, 100, 100)),
    ("3SU", "SU", "strefaUslugowa", rect(200, 0, 100, 100)),
    ("4SN", "SN", "strefaZieleniIRekreacji", rect(0, 100, 150, 100)),
    ("5SK", "SK", "strefaKomunikacyjna", rect(150, 100, 150, 100)),
]
POG_NS = "PL.ZIPPZP.9999/041504-POG"
STATUS_TITLES = {"legalForce": "prawnie wiążący", "elaboration": "w opracowaniu"}


def app_general_plan(
    *,
    zones: Sequence[tuple[str, str, str, BaseGeometry]] = GENERAL_ZONES,
    act: bool = True,
    status: str = "legalForce",
    plan_type: str = "planOgolnyGminy",
    code: int = 2180,
) -> bytes:
    c = Coordinates(code)
    srs = f"http://www.opengis.net/def/crs/EPSG/0/{code}"
    members = []
    if act:
        boundary = MultiPolygon([rect(0, 0, 300, 200)])
        members.append(
            f'<app:AktPlanowaniaPrzestrzennego gml:id="POG_1">'
            f"<app:idIIP><app:Identyfikator><app:przestrzenNazw>{POG_NS}</app:przestrzenNazw>"
            f"<app:lokalnyId>1POG</app:lokalnyId><app:wersjaId>20250101T000000</app:wersjaId>"
            f"</app:Identyfikator></app:idIIP>"
            f"<app:tytul>Plan ogólny gminy Lubicz</app:tytul>"
            f'<app:typPlanu xlink:href="https://www.gov.pl/static/zagospodarowanieprzestrzenne/'
            f'codelist/TypAktuPlanowaniaPrzestrzennegoKod/{plan_type}" '
            'xlink:title="plan ogólny gminy"/>'
            f"<app:obowiazujeOd>2025-03-01</app:obowiazujeOd>"
            f'<app:status xlink:href="http://inspire.ec.europa.eu/codelist/ProcessStepGeneralValue/'
            f'{status}" xlink:title="{STATUS_TITLES.get(status, status)}"/>'
            f'<app:dokumentUstanawiajacy xlink:href="#DOC_1"/>'
            f"<app:zasiegPrzestrzenny>{geometry_xml(boundary, c, srs)}</app:zasiegPrzestrzenny>"
            f"</app:AktPlanowaniaPrzestrzennego>"
        )
        members.append(
            '<app:DokumentFormalny gml:id="DOC_1"><app:tytul>Uchwała w sprawie planu ogólnego'
            "</app:tytul><app:nazwaSkrocona>Uchwała Nr XII/120/2025</app:nazwaSkrocona>"
            "<app:data>2025-01-30</app:data></app:DokumentFormalny>"
        )
    for local_id, symbol, name_code, geometry in zones:
        members.append(
            f'<app:StrefaPlanistyczna gml:id="Z_{local_id}">'
            f"<app:idIIP><app:Identyfikator><app:przestrzenNazw>{POG_NS}</app:przestrzenNazw>"
            f"<app:lokalnyId>1POG-{local_id}</app:lokalnyId></app:Identyfikator></app:idIIP>"
            f"<app:oznaczenie>{local_id}</app:oznaczenie><app:symbol>{symbol}</app:symbol>"
            f"<app:geometria>{geometry_xml(geometry, c, srs)}</app:geometria>"
            f'<app:plan xlink:href=""/>'
            f'<app:nazwa xlink:href="https://www.gov.pl/static/zagospodarowanieprzestrzenne/'
            f'codelist/RodzajStrefyPlanistycznejKod/{name_code}"/>'
            f'<app:profilPodstawowy xlink:href="https://www.gov.pl/static/zagospodarowanieprzestrzenne/'
            f'ontology/KPT#KPT-MPZP-U" xlink:title="teren usług"/>'
            f"<app:maksNadziemnaIntensywnoscZabudowy>0.9</app:maksNadziemnaIntensywnoscZabudowy>"
            f'<app:maksWysokoscZabudowy uom="m">15.5</app:maksWysokoscZabudowy>'
            f"</app:StrefaPlanistyczna>"
        )
    body = "".join(f"<wfs:member>{m}</wfs:member>" for m in members)
    return (
        '<?xml version="1.0" encoding="utf-8"?><wfs:FeatureCollection '
        f'xmlns:app="{APP2}" xmlns:gml="http://www.opengis.net/gml/3.2" '
        'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"{body}</wfs:FeatureCollection>"
    ).encode()


def app_local_plan(*, plan_type: str = "miejscowyPlanZagospodarowaniaPrzestrzennego") -> bytes:
    """An APP 1.0 act of a local plan (boundary only, as APP 1.0 publishes it)."""
    c = Coordinates(2180)
    boundary = rect(0, 0, 200, 100)
    return (
        '<?xml version="1.0" encoding="utf-8"?><gml:FeatureCollection '
        f'xmlns:app="{APP1}" xmlns:gml="http://www.opengis.net/gml/3.2" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"><gml:featureMember>'
        '<app:AktPlanowaniaPrzestrzennego gml:id="MPZP_7">'
        "<app:idIIP><app:Identyfikator><app:przestrzenNazw>PL.ZIPPZP.9999/041504-MPZP"
        "</app:przestrzenNazw><app:lokalnyId>7</app:lokalnyId></app:Identyfikator></app:idIIP>"
        "<app:tytul>Miejscowy plan zagospodarowania przestrzennego Grębocin-Północ</app:tytul>"
        f'<app:typPlanu xlink:title="miejscowy plan zagospodarowania przestrzennego" '
        f'xlink:href="https://www.gov.pl/static/zagospodarowanieprzestrzenne/codelist/{plan_type}"/>'
        '<app:status xlink:title="prawnie wiążący"/>'
        f"<app:zasiegPrzestrzenny>{geometry_xml(boundary, c, 'EPSG:2180')}</app:zasiegPrzestrzenny>"
        "</app:AktPlanowaniaPrzestrzennego></gml:featureMember></gml:FeatureCollection>"
    ).encode()


# --- vector files (written with pyogrio) ----------------------------------------------


def write_vector(
    path: Path,
    geometries: Sequence[BaseGeometry],
    fields: dict[str, Sequence[object]],
    *,
    driver: str,
    crs: str | None,
    layer: str | None = None,
    append: bool = False,
) -> Path:
    names = list(fields)
    data = [
        np.asarray(fields[n], dtype=object if isinstance(fields[n][0], str) else None)
        for n in names
    ]
    kinds = {g.geom_type for g in geometries}
    geometry_type = "MultiPolygon" if "MultiPolygon" in kinds else next(iter(kinds))
    pyogrio.raw.write(
        path,
        np.array([shapely.to_wkb(g) for g in geometries], dtype=object),
        data,
        names,
        driver=driver,
        crs=crs,
        geometry_type=geometry_type,
        layer=layer,
        append=append,
        promote_to_multi=geometry_type == "MultiPolygon" or None,
    )
    return path


def zip_files(paths: Sequence[Path], *, prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, prefix + path.name)
    return buffer.getvalue()
