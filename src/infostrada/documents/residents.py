"""Finding one resident's portal account by an identifier the official already has.

The party and dispatch forms used to offer a list of every resident of the
region, which let any official read the names of everybody with an account.
An official now types the resident's PESEL (checked with its checksum, so a
typo does not hit another person) or e-mail address, and gets that one
account or nothing: no partial matches, no list, nothing to enumerate.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum.pl import pesel as stdnum_pesel

from infostrada.accounts.models import User


def normalise(value: str) -> str:
    """Fullwidth or other compatibility digits and stray spaces do not change what is meant."""
    return unicodedata.normalize("NFKC", value).strip()


def find_resident(value: str) -> User:
    """The one resident's account whose PESEL or e-mail is exactly ``value``.

    Raises ValidationError when ``value`` is neither a valid PESEL nor an
    e-mail address, or when no resident's account matches it exactly. E-mail
    addresses are compared whole and without regard to letter case (the domain
    part is case-insensitive, RFC 5321 § 2.4, and providers treat the local
    part so too).
    """
    value = normalise(value)
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Give a PESEL number or an e-mail address.")) from None
        found = list(User.objects.filter(kind=User.Kind.CITIZEN, email__iexact=value)[:2])
    else:
        digits = stdnum_pesel.compact(value)
        if not stdnum_pesel.is_valid(digits):
            raise ValidationError(_("This is not a valid PESEL number."), code="invalid_pesel")
        found = list(User.objects.filter(kind=User.Kind.CITIZEN, citizen__pesel=digits)[:2])
    if len(found) != 1:  # none, or an e-mail two accounts share: not an exact match
        raise ValidationError(
            _("No resident's portal account has exactly this PESEL or e-mail address.")
        )
    return found[0]


def pesel_of(user: User) -> str:
    citizen = getattr(user, "citizen", None)
    return (citizen.pesel or "") if citizen is not None else ""
