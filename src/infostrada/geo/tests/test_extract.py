"""The zoning extract: zones and shares per parcel, the PDF (wypis and wyrys), the fee.

The fixtures here (a cadastre, a local plan and the general plan in Gmina
Lubicz) are shared by the other ``test_extract_*`` modules.
"""

from __future__ import annotations

import datetime
import io
import types
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from pypdf import PdfReader
from shapely.geometry import box

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.documents.services.common import office_language
from infostrada.geo import extract as ex
from infostrada.geo import services
from infostrada.geo.models import Parcel, Plan, PlanZone, Precinct
from infostrada.testing import official

pytestmark = pytest.mark.django_db
X0, Y0 = 475_000.0, 575_000.0  # EPSG:2180, Lubicz near Toruń
PROVISIONS_MN = (
    "Przeznaczenie podstawowe: zabudowa mieszkaniowa jednorodzinna.\n\n"
    "Wysokość zabudowy do 9 m; powierzchnia biologicznie czynna co najmniej 40 %."
)


def _layer(gis, unit, slug, title, kind, style):  # type: ignore[no-untyped-def]
    return services.create_layer(
        actor=gis, unit=unit, slug=slug, title=title, kind=kind, style=style
    )


def _parcels(unit, layer, rows):  # type: ignore[no-untyped-def]
    """rows: (identifier, geometry, register area); features and Parcel rows."""
    with transaction.atomic():
        report = services.store_features(
            layer, [(ident, {"number": ident.rsplit(".", 1)[1]}, g) for ident, g, _a in rows]
        )
        for ident, _g, area in rows:
            precinct, number = ident.rsplit(".", 1)
            Parcel.objects.create(
                unit=unit,
                feature_id=report.feature_ids[ident],
                identifier=ident,
                precinct=precinct,
                number=number,
                area=area,
            )


def _plan(unit, layer, kind, app_id, title, zones, *, in_force=True):  # type: ignore[no-untyped-def]
    plan = Plan.objects.create(
        unit=unit,
        kind=kind,
        app_id=app_id,
        title=title,
        resolution=f"Uchwała nr {app_id}",
        adopted_on=datetime.date(2021, 3, 25),
        in_force=in_force,
        layer=layer,
    )
    with transaction.atomic():
        report = services.store_features(
            layer, [(f"{app_id}-{s}", {"symbol": s}, g) for s, _d, g, _p in zones]
        )
    for symbol, designation, _g, provisions in zones:
        PlanZone.objects.create(
            unit=unit,
            plan=plan,
            feature_id=report.feature_ids[f"{app_id}-{symbol}"],
            symbol=symbol,
            designation=designation,
            provisions=provisions,
        )
    return plan


@pytest.fixture
def geo_world(lubicz, nieszawka):  # type: ignore[no-untyped-def]
    """A local plan (1MN | 2U) inside the general plan (SJ) with five parcels around it.

    12: 40 % in 1MN and 60 % in 2U; 11, its neighbour, in 1MN; 13/2: half in 2U,
    half in the general plan only; 14: in the general plan only (an old local
    plan there is repealed);
    20: half outside every plan; 99: outside every plan.
    """
    gis_user = official(lubicz, Role.GIS_OPERATOR, username="lubicz.gis")
    gis = Actor(kind="user", id=str(gis_user.pk), name=gis_user.username, user=gis_user)
    parcels = _layer(
        gis,
        lubicz,
        "dzialki",
        "Działki ewidencyjne",
        "parcels",
        {"fill": "#ffffff", "stroke": "#555555", "opacity": 0.0, "width": 1},
    )
    local = _layer(
        gis,
        lubicz,
        "mpzp-lubicz-dolny",
        "MPZP Lubicz Dolny",
        "local_plan",
        {
            "by": "symbol",
            "opacity": 0.5,
            "classes": {
                "MN": {"fill": "#f5d442", "label": "zabudowa mieszkaniowa jednorodzinna"},
                "U": {"fill": "#e0457b", "label": "zabudowa usługowa"},
                "R": {"fill": "#9ccc65", "label": "tereny rolnicze"},
            },
        },
    )
    general = _layer(
        gis,
        lubicz,
        "plan-ogolny",
        "Plan ogólny Gminy Lubicz",
        "general_plan",
        {"by": "symbol", "opacity": 0.3, "classes": {"SJ": {"fill": "#c8a2c8"}}},
    )
    _plan(
        lubicz,
        local,
        "local",
        "PL.ZIPPZP.2400/041504-MPZP-1",
        "Miejscowy plan zagospodarowania przestrzennego Lubicz Dolny - rejon ul. Toruńskiej",
        [
            (
                "1MN",
                "zabudowa mieszkaniowa jednorodzinna",
                box(X0, Y0, X0 + 120, Y0 + 200),
                PROVISIONS_MN,
            ),
            (
                "2U",
                "zabudowa usługowa",
                box(X0 + 120, Y0, X0 + 200, Y0 + 200),
                "Przeznaczenie podstawowe: zabudowa usługowa.",
            ),
        ],
    )
    _plan(
        lubicz,
        local,
        "local",
        "PL.ZIPPZP.2400/041504-MPZP-OLD",
        "Stary plan (uchylony)",
        [("1R", "tereny rolnicze", box(X0 + 290, Y0 + 290, X0 + 360, Y0 + 360), "Uchylony.")],
        in_force=False,
    )
    _plan(
        lubicz,
        general,
        "general",
        "PL.ZIPPOG.2400/041504-POG",
        "Plan ogólny Gminy Lubicz",
        [
            (
                "SJ",
                "strefa wielofunkcyjna z zabudową mieszkaniową jednorodzinną",
                box(X0 - 500, Y0 - 500, X0 + 700, Y0 + 700),
                "Strefa SJ: zabudowa jednorodzinna.",
            )
        ],
    )
    _parcels(
        lubicz,
        parcels,
        [
            ("041504_2.0001.12", box(X0 + 80, Y0 + 50, X0 + 180, Y0 + 100), Decimal("5000.00")),
            ("041504_2.0001.11", box(X0 + 50, Y0 + 50, X0 + 80, Y0 + 100), Decimal("1500")),
            ("041504_2.0001.13/2", box(X0 + 150, Y0 + 120, X0 + 250, Y0 + 170), None),
            ("041504_2.0001.14", box(X0 + 300, Y0 + 300, X0 + 340, Y0 + 340), Decimal("1600")),
            ("041504_2.0001.20", box(X0 + 650, Y0, X0 + 750, Y0 + 40), Decimal("4000")),
            ("041504_2.0001.99", box(X0 + 2000, Y0, X0 + 2040, Y0 + 40), Decimal("1600")),
        ],
    )
    precincts = _layer(gis, lubicz, "obreby", "Obręby", "precincts", {})
    with transaction.atomic():
        ids = services.store_features(
            precincts, [("obreb-0001", {}, box(X0 - 1000, Y0 - 1000, X0 + 3000, Y0 + 1000))]
        ).feature_ids
    Precinct.objects.create(
        unit=lubicz, feature_id=ids["obreb-0001"], identifier="041504_2.0001", name="Lubicz Dolny"
    )
    # A parcel of the neighbouring gmina, with a plan of its own.
    other_gis = official(nieszawka, Role.GIS_OPERATOR, username="nieszawka.gis")
    other = Actor(kind="user", id=str(other_gis.pk), name=other_gis.username, user=other_gis)
    n_parcels = _layer(other, nieszawka, "dzialki", "Działki", "parcels", {})
    n_plan = _layer(other, nieszawka, "mpzp", "MPZP", "local_plan", {})
    _plan(
        nieszawka,
        n_plan,
        "local",
        "PL.N-1",
        "Plan N",
        [("1MN", "mieszk.", box(X0 - 3000, Y0, X0 - 2800, Y0 + 200), "")],
    )
    _parcels(
        nieszawka,
        n_parcels,
        [("041508_2.0001.1", box(X0 - 2950, Y0 + 50, X0 - 2900, Y0 + 100), Decimal("2500"))],
    )
    return types.SimpleNamespace(unit=lubicz, parcels=parcels, local=local, general=general)


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


# --- the computation -----------------------------------------------------------


def test_a_parcel_split_between_two_zones_lists_both_with_shares(geo_world):
    extract = ex.compute_extract(unit=geo_world.unit, parcels=["041504_2.0001.12"])
    (parcel,) = extract.parcels
    assert [(z.symbol, z.share) for z in parcel.zones] == [
        ("2U", Decimal("60.00")),
        ("1MN", Decimal("40.00")),
    ]
    assert abs(sum(z.share for z in parcel.zones) - 100) <= Decimal("0.1")
    assert parcel.uncovered_area == 0 and parcel.precinct_name == "Lubicz Dolny"
    assert parcel.zones[1].provisions == PROVISIONS_MN
    (plan,) = extract.plans
    assert plan.kind == "local" and plan.resolution.startswith("Uchwała nr")
    assert plan.adopted_on == datetime.date(2021, 3, 25)


def test_the_general_plan_applies_where_no_local_plan_covers(geo_world):
    extract = ex.compute_extract(
        unit=geo_world.unit,
        parcels="041504_2.0001.13/2\n041504_2.0001.14, 041504_2.0001.20 041504_2.0001.14",
    )
    half, outside, edge = extract.parcels
    assert [(z.symbol, z.plan.kind, z.share) for z in half.zones] == [
        ("2U", "local", Decimal("50.00")),
        ("SJ", "general", Decimal("50.00")),
    ]
    # parcel 14 lies in a repealed local plan: only the general plan counts
    assert [(z.symbol, z.plan.kind, z.share) for z in outside.zones] == [
        ("SJ", "general", Decimal("100.00"))
    ]
    assert [(z.symbol, z.share) for z in edge.zones] == [("SJ", Decimal("50.00"))]
    assert edge.uncovered_share == Decimal("50.00") and edge.uncovered_area == pytest.approx(2000)
    assert extract.plan_kinds == {"local", "general"}


@pytest.mark.parametrize(
    ("parcels", "message"),
    [
        ([], "at least one parcel"),
        ([f"041504_2.0001.{n}" for n in range(1, 22)], "at most 20 parcels"),
        (["12"], "is not a parcel identifier"),
        (["041504_2.0001.777"], "no parcel 041504_2.0001.777 in the land register"),
        (["041508_2.0001.1"], "lies outside Gmina Lubicz"),
        (["041504_2.0001.99"], "No plan in force covers parcel 041504_2.0001.99"),
    ],
)
def test_bad_parcels_are_named(geo_world, parcels, message):
    with pytest.raises(ValidationError) as caught:
        ex.compute_extract(unit=geo_world.unit, parcels=parcels)
    assert message in " ".join(caught.value.message_dict["parcels"])


# --- the fee -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text_pages", "map_pages", "wypis", "wyrys"),
    [
        (1, 0, "30.00", "0.00"),
        (5, 1, "30.00", "20.00"),
        (6, 1, "50.00", "20.00"),
        (0, 10, "0.00", "200.00"),
        (0, 11, "0.00", "200.00"),
        (2, 9, "30.00", "180.00"),
    ],
)
def test_stamp_duty_on_the_boundaries(text_pages, map_pages, wypis, wyrys):
    fee = ex.stamp_duty(text_pages=text_pages, map_pages=map_pages)
    assert (fee.wypis, fee.wyrys) == (Decimal(wypis), Decimal(wyrys))
    assert fee.total == Decimal(wypis) + Decimal(wyrys)
    assert "część I pkt 51" in fee.legal_basis


def test_stamp_duty_refuses_negative_pages():
    with pytest.raises(ValueError):
        ex.stamp_duty(text_pages=-1, map_pages=0)


# --- the PDF -----------------------------------------------------------------------------


def test_the_pdf_has_the_wypis_with_shares_and_a_wyrys_sheet(geo_world):
    extract = ex.compute_extract(unit=geo_world.unit, parcels=["041504_2.0001.12"])
    pdf = ex.extract_pdf(
        extract,
        kind=ex.BOTH,
        signature="ZP.6727.1.2026",
        issued_on=datetime.date(2026, 11, 24),
        applicant="Jan Kowalski",
    )
    pages = pdf_text(pdf.data)
    assert len(pages) == pdf.pages == pdf.text_pages + pdf.map_pages and pdf.map_pages == 1
    text = " ".join(pages[: pdf.text_pages])
    with office_language():
        shares = [ex.share_text(Decimal("60.00")), ex.share_text(Decimal("40.00"))]
        title = ex.document_title(extract, ex.BOTH)
    assert shares == ["60,00 %", "40,00 %"]
    for expected in ("1MN", "2U", *shares, "041504_2.0001.12", "ZP.6727.1.2026", "Uchwała nr"):
        assert expected in text, expected
    flowing = " ".join(text.split())  # the title may wrap onto a second line
    assert title.upper() in flowing and "24 listopada 2026 r." in flowing
    assert "wysokość zabudowy do 9 m".lower() in text.lower()  # the provisions
    sheet = pages[-1]
    assert "1:1000" in sheet and "1MN" in sheet and "2U" in sheet and "12" in sheet
    assert pdf.fee == ex.stamp_duty(text_pages=pdf.text_pages, map_pages=1)


def test_a_wyrys_alone_has_only_map_sheets_and_neighbours_share_one(geo_world):
    extract = ex.compute_extract(
        unit=geo_world.unit,
        parcels=["041504_2.0001.12", "041504_2.0001.20", "041504_2.0001.11"],
    )
    groups = ex.group_parcels(extract.parcels)
    assert [[p.number for p in g] for g in groups] == [["12", "11"], ["20"]]
    pdf = ex.extract_pdf(
        extract, kind=ex.WYRYS, signature="ZP.6727.2.2026", issued_on=datetime.date(2026, 1, 2)
    )
    assert (pdf.text_pages, pdf.map_pages) == (0, 2)
    assert pdf.fee.wypis == 0 and pdf.fee.wyrys == Decimal("40.00")
    first, second = pdf_text(pdf.data)
    assert "041504_2.0001.12, 041504_2.0001.11" in first and "ZP.6727.2.2026" in first
    assert "041504_2.0001.20" in second


def test_scales_and_scale_bars():
    assert ex.scale_for((0, 0, 100, 50)) == 1000
    assert ex.scale_for((0, 0, 60, 60)) == 500
    assert ex.scale_for((0, 0, 1000, 200)) == 10_000
    assert ex.nice_bar_length(1000) == 50 and ex.nice_bar_length(500) == 25
