"""infostrada.normalisers: one normal form for identifiers, postal codes and dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from infostrada import normalisers
from infostrada.accounts import services
from infostrada.accounts.models import Citizen
from infostrada.audit.context import Actor

PESEL = "44051401359"


def wide(text: str) -> str:
    """ASCII digits and dashes as their fullwidth forms (U+FF10..U+FF19, U+FF0D)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "-" else c for c in text)


def test_fullwidth_digits_are_folded_before_the_checksum():
    assert normalisers.pesel(wide(PESEL)) == PESEL
    assert normalisers.pesel(f" {PESEL} ") == PESEL
    assert normalisers.nip(wide("1234563218")) == "1234563218"
    assert normalisers.nip("PL 123-456-32-18") == "1234563218"
    assert normalisers.regon(wide("123456785")) == "123456785"


@pytest.mark.parametrize(
    "value",
    [
        "٤٤٠٥١٤٠١٣٥٩",  # Arabic-Indic digits: NFKC keeps them, stdnum would count them
        "44051401358",  # wrong check digit
        "4405140135",
        "",
    ],
)
def test_anything_else_is_not_a_pesel(value):
    with pytest.raises(ValidationError):
        normalisers.pesel(value)


def test_postal_codes_are_nn_nnn():
    assert normalisers.postal_code("87-100") == "87-100"
    assert normalisers.postal_code("87100") == "87-100"
    assert normalisers.postal_code(wide("87-100")) == "87-100"
    for bad in ("871000", "8-7100", "87 100", "AB-CDE", "87-10"):
        with pytest.raises(ValidationError):
            normalisers.postal_code(bad)


def test_e_delivery_addresses():
    assert normalisers.ade_address(" ae:pl-12345-67890-abcde-12 ") == "AE:PL-12345-67890-ABCDE-12"
    assert (
        normalisers.ade_address(wide("AE:PL-12345-67890-ABCDE-12")) == "AE:PL-12345-67890-ABCDE-12"
    )
    for bad in ("AE:PL-1234-67890-ABCDE-12", "AE:DE-12345-67890-ABCDE-12", "jan@example.pl"):
        with pytest.raises(ValidationError):
            normalisers.ade_address(bad)


def test_dates_stay_in_a_sane_range():
    assert normalisers.sane_date(datetime.date(2026, 12, 7))
    for bad in (datetime.date(9999, 12, 31), datetime.date(1, 1, 1)):
        with pytest.raises(ValidationError):
            normalisers.sane_date(bad)


def test_stored_values_must_be_in_normal_form():
    validate = normalisers.stored(normalisers.pesel)
    validate(PESEL)
    with pytest.raises(ValidationError):
        validate(wide(PESEL))


def test_a_citizens_fullwidth_pesel_is_stored_in_digits_and_stays_unique(db):
    def citizen(username, pesel):
        return services.create_citizen(
            actor=Actor.system(),
            username=username,
            email=f"{username}@example.invalid",
            first_name="Jan",
            last_name="Kowalski",
            pesel=pesel,
        )

    first = citizen("jan", wide(PESEL))
    assert Citizen.objects.get(pk=first.pk).pesel == PESEL
    with pytest.raises(ValidationError):
        citizen("jan2", PESEL)  # the same person typed in ASCII
