"""Demo people have a first name and a surname of the same grammatical gender."""

import pytest

from infostrada.demo.ezd_words import MEN, WOMEN
from infostrada.demo.names import person, surname_for
from infostrada.demo.scale_ezd import _correspondent, _Dice


def agree(first: str, last: str) -> bool:
    """No "Anna Kowalski", no "Piotr Kowalska" (and "Anna Nowak" is right)."""
    if first in WOMEN:
        return not last.endswith(("ski", "cki", "dzki"))
    assert first in MEN, first
    return not last.endswith(("ska", "cka", "dzka"))


@pytest.mark.parametrize(
    ("surname", "female", "form"),
    [
        ("Kowalski", True, "Kowalska"),
        ("Czarnecki", True, "Czarnecka"),
        ("Zawadzki", True, "Zawadzka"),
        ("Nowak", True, "Nowak"),
        ("Kowalski", False, "Kowalski"),
    ],
)
def test_surname_forms(surname, female, form):
    assert surname_for(surname, female=female) == form


def test_every_demo_person_agrees_and_both_genders_appear():
    people = [person(n) for n in range(500)]
    assert all(agree(first, last) for first, last, _f in people)
    assert {female for *_x, female in people} == {True, False}
    assert len({(first, last) for first, last, _f in people}) > 400


def test_demo_correspondents_agree():
    class Office:
        nips = ["5250001009"]

    rng = _Dice(2026)
    people = [_correspondent(rng, Office(), {"place": "Lubicz"}, person=True) for _ in range(3000)]
    wrong = [
        f"{p['first_name']} {p['last_name']}"
        for p in people
        if not agree(p["first_name"], p["last_name"])
    ]
    assert not wrong, wrong[:5]


def test_seeded_officials_agree(region):
    from infostrada.accounts.models import User
    from infostrada.demo.seed import seed_people
    from infostrada.tenancy.models import Unit

    seed_people(list(Unit.objects.order_by("teryt")), {}, print)
    officials = User.objects.filter(kind=User.Kind.OFFICIAL).values_list("first_name", "last_name")
    named = [(f, n) for f, n in officials if f in MEN or f in WOMEN]
    assert len(named) >= 40
    assert [f"{f} {n}" for f, n in named if not agree(f, n)] == []
