import pytest

from infostrada.tenancy.teryt import Kind, TercError, parse_terc, polish_slug


@pytest.mark.parametrize(
    ("code", "kind", "parent"),
    [
        ("04", Kind.WOJEWODZTWO, None),
        ("0415", Kind.POWIAT, "04"),
        ("0461", Kind.CITY_WITH_POWIAT_RIGHTS, "04"),
        ("0461011", Kind.CITY_WITH_POWIAT_RIGHTS, "04"),
        ("0463011", Kind.CITY_WITH_POWIAT_RIGHTS, "04"),
        ("0415011", Kind.URBAN_GMINA, "0415"),
        ("0415042", Kind.RURAL_GMINA, "0415"),
        ("0403013", Kind.URBAN_RURAL_GMINA, "0403"),
        ("1465011", Kind.CITY_WITH_POWIAT_RIGHTS, "14"),
    ],
)
def test_kind_and_parent_follow_the_code(code, kind, parent):
    terc = parse_terc(code)
    assert terc.kind == kind
    assert terc.parent_code == parent


@pytest.mark.parametrize(
    "code",
    [
        "",
        "4",
        "041",
        "04150",
        "041504",
        "04150422",
        "AB",
        "0x15",
        "03",
        "34",
        "00",
        "0400",
        "0415002",
        "0415047",
        "0415040",
        " 04 15",
    ],
)
def test_malformed_or_impossible_codes_are_rejected(code):
    with pytest.raises(TercError):
        parse_terc(code)


@pytest.mark.parametrize("digit", ["4", "5", "8", "9"])
def test_parts_of_a_gmina_are_not_units_but_valid_in_the_file(digit):
    with pytest.raises(TercError, match="part"):
        parse_terc(f"041501{digit}")
    assert parse_terc(f"041501{digit}", allow_parts=True).code == f"041501{digit}"


def test_polish_slug_keeps_l_stroke():
    assert polish_slug("Łubianka") == "lubianka"
    assert polish_slug("Zławieś Wielka") == "zlawies-wielka"
    assert polish_slug("Chełmża") == "chelmza"


def test_polish_alphabetical_order():
    from infostrada.tenancy.teryt import polish_sort_key

    names = [
        "Powiat Żniński",
        "Powiat Świecki",
        "Powiat Sępoleński",
        "Powiat Łódzki",
        "Powiat Lipnowski",
        "Powiat Zgierski",
    ]
    assert sorted(names, key=polish_sort_key) == [
        "Powiat Lipnowski",
        "Powiat Łódzki",
        "Powiat Sępoleński",
        "Powiat Świecki",
        "Powiat Zgierski",
        "Powiat Żniński",
    ]
