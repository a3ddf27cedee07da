"""Identifiers, postal codes and dates from outside: normalised once, then checked.

Forms (``clean_<field>``), API schemas (the ``Annotated`` types below) and
model validators all use these functions, so a value is checked the same way
whichever door it came in by.

* **NFKC first.** Phones and copy-paste from PDFs deliver fullwidth digits
  (U+FF10..U+FF19); python-stdnum counts them as digits
  (``str.isdigit``), so the checksum passed and the number was stored as
  typed: it then matched no search and escaped the uniqueness of PESEL.
  NFKC (Unicode Standard Annex #15) folds them to ASCII; anything still not
  ASCII ``0-9`` afterwards (e.g. Arabic-Indic digits) is refused.
* **Dates within a sane range.** A date far in the future (9999-12-31 is one
  keystroke away in a date picker) made deadline arithmetic overflow
  (``date.max``) when a suspension was added to it: an HTTP 500.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import pesel as stdnum_pesel
from stdnum.pl import regon as stdnum_regon

# Nothing an office registers is older, and no deadline runs further: both
# ends stay far from date.min/date.max, so adding months or suspension days
# (documents.deadlines) can never overflow.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)

# Adres do doręczeń elektronicznych (e-Doręczenia, ustawa z 18 listopada 2020 r.
# o doręczeniach elektronicznych, art. 2 pkt 1; entries of the Baza Adresów
# Elektronicznych): "AE:PL-" then 5 digits, 5 digits, 5 capital letters A-Z and
# 2 check digits, e.g. AE:PL-12345-67890-ABCDE-12 (format as described in the
# e-Doręczenia documentation for public bodies, and e.g.
# https://podatkowyreferat.online/2023/10/03/adres-do-doreczen-elektronicznych/).
# The check-digit algorithm is not published, so only the form is checked.
ADE_PATTERN = re.compile(r"AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d{2}", re.ASCII)
# Polish postal code (Poczta Polska, PNA): two digits, a dash, three digits.
POSTAL_CODE_PATTERN = re.compile(r"(\d{2})-?(\d{3})", re.ASCII)


def nfkc(value: str) -> str:
    """Unicode compatibility forms folded (fullwidth digits and letters), ends stripped."""
    return unicodedata.normalize("NFKC", value).strip()


def _digits(value: str, compact: Callable[[str], str]) -> str:
    return compact(nfkc(value))


def pesel(value: str) -> str:
    """A PESEL as 11 ASCII digits with a valid check digit."""
    number = _digits(value, stdnum_pesel.compact)
    if not (re.fullmatch(r"[0-9]{11}", number) and stdnum_pesel.is_valid(number)):
        raise ValidationError(_("This is not a valid PESEL number."), code="invalid_pesel")
    return number


def nip(value: str) -> str:
    """A NIP as 10 ASCII digits (dashes, spaces and a ``PL`` prefix dropped)."""
    number = _digits(value, stdnum_nip.compact)
    if not (re.fullmatch(r"[0-9]{10}", number) and stdnum_nip.is_valid(number)):
        raise ValidationError(_("This is not a valid NIP number."), code="invalid_nip")
    return number


def regon(value: str) -> str:
    """A REGON as 9 or 14 ASCII digits with valid check digits."""
    number = _digits(value, stdnum_regon.compact)
    if not (re.fullmatch(r"[0-9]{9}|[0-9]{14}", number) and stdnum_regon.is_valid(number)):
        raise ValidationError(_("This is not a valid REGON number."), code="invalid_regon")
    return number


def postal_code(value: str) -> str:
    """A Polish postal code as ``NN-NNN`` (``87100`` is accepted and gets its dash)."""
    match = POSTAL_CODE_PATTERN.fullmatch(nfkc(value))
    if match is None:
        raise ValidationError(
            _("A Polish postal code has the form NN-NNN, e.g. 87-100."), code="invalid_postal_code"
        )
    return f"{match.group(1)}-{match.group(2)}"


def ade_address(value: str) -> str:
    """An e-Doręczenia address in capitals, e.g. ``AE:PL-12345-67890-ABCDE-12``."""
    address = nfkc(value).upper()
    if ADE_PATTERN.fullmatch(address) is None:
        raise ValidationError(
            _("An e-Doręczenia address looks like AE:PL-12345-67890-ABCDE-12."), code="invalid_ade"
        )
    return address


def sane_date(value: datetime.date) -> datetime.date:
    """A date between EARLIEST_DATE and LATEST_DATE."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="date_out_of_range",
        )
    return value


def optional(normalise: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The same check for a field that may be left empty ('' or None pass through)."""

    def check(value: Any) -> Any:
        if value is None or value == "":
            return value
        return normalise(value)

    return check


# --- model validators: stored values must already be in normal form ----------


def stored(normalise: Callable[[str], str]) -> Callable[[str], None]:
    """A model-field validator: valid *and* exactly as ``normalise`` writes it."""

    def validate(value: str) -> None:
        if value and normalise(value) != value:
            raise ValidationError(
                _("Give the number in plain digits, as in %(normal)s.")
                % {"normal": normalise(value)},
                code="not_normalised",
            )

    return validate


# --- API schemas (pydantic) ----------------------------------------------------


def _normalised(normalise: Callable[[str], str]) -> AfterValidator:
    """Normal form at the edge; a value that is not valid goes on unchanged (but NFKC).

    The API's schemas declare, services decide (documents/schemas.py): the
    model validators above then refuse an invalid number with the field's own
    name, exactly as for a value that came in by any other door.
    """

    def normal(value: str) -> str:
        try:
            return optional(normalise)(value)
        except ValidationError:
            return nfkc(value)

    return AfterValidator(normal)


def _checked(normalise: Callable[[Any], Any]) -> AfterValidator:
    """Normalised and checked in the schema: Django's error as pydantic's field error."""

    def check(value: Any) -> Any:
        try:
            return optional(normalise)(value)
        except ValidationError as exc:
            raise ValueError(" ".join(str(m) for m in exc.messages)) from None

    return AfterValidator(check)


PeselIn = Annotated[str, _normalised(pesel)]
NipIn = Annotated[str, _normalised(nip)]
RegonIn = Annotated[str, _normalised(regon)]
AdeIn = Annotated[str, _normalised(ade_address)]
PostalCodeIn = Annotated[str, _checked(postal_code)]
