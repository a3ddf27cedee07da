"""The unit finder folds Polish letters: what a resident types without them still finds."""

import pytest

from infostrada.tenancy.models import Unit
from infostrada.tenancy.text import fold


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Łódź", "lodz"), ("ŻÓŁĆ gęślą", "zolc gesla"), ("Toruń", "torun"), ("Świecie", "swiecie")],
)
def test_fold_drops_case_and_diacritics_including_l_stroke(typed, name):
    assert fold(typed) == name


@pytest.fixture
def lodz_partner(region):
    return Unit.objects.create(
        kind="partner", name="Łódzki Ośrodek", official_name="Łódzki Ośrodek Doradztwa", slug="lodr"
    )


@pytest.mark.parametrize("typed", ["Torun", "torun", "TORUŃ", "toruń"])
def test_finder_finds_torun_typed_without_polish_letters(region, typed):
    assert {u.slug for u in Unit.objects.search(typed)} == {"torun", "powiat-torunski"}


@pytest.mark.parametrize("typed", ["lodzki", "Łódzki", "LODZKI osrodek", "ośrodek"])
def test_finder_folds_l_stroke(lodz_partner, typed):
    assert [u.slug for u in Unit.objects.search(typed)] == ["lodr"]


def test_finder_stays_a_queryset_that_filters_further(region):
    found = Unit.objects.active().search("torun").filter(kind="powiat")
    assert [u.slug for u in found] == ["powiat-torunski"]
    assert Unit.objects.search("nothing like it").count() == 0


def test_regional_home_and_api_find_torun_without_diacritics(client, region):
    page = client.get("/", {"q": "Torun"}).content.decode()
    assert 'href="/torun/"' in page
    items = client.get("/api/v1/units", {"q": "torun"}).json()["items"]
    assert {i["slug"] for i in items} == {"torun", "powiat-torunski"}
