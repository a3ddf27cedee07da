"""What other contexts (the portal above all) may ask the geoportal.

Only the functions here are the geo context's public face; the portal
decides with them whether to link a unit's zoning-extract form, and where.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import Kind


def offers_zoning_extract(unit: Unit) -> bool:
    """Whether the unit issues zoning extracts (wypis i wyrys) at all.

    Art. 30 ust. 1 of the planning act (ustawa z dnia 27 marca 2003 r. o
    planowaniu i zagospodarowaniu przestrzennym) gives the extract from the
    plan to the wójt, burmistrz or prezydent miasta: the organ of a gmina.
    A city with county rights is a gmina too; a powiat, the województwo and
    partner institutions issue none, so they must not offer the form.
    """
    return unit.kind in Kind.GMINA_KINDS


def zoning_extract_url(unit: Unit, parcel: str = "") -> str | None:
    """The request form of the unit, prefilled with ``parcel``; None where there is none."""
    if not offers_zoning_extract(unit):
        return None
    url = reverse("zoning_extract:request", kwargs={"unit_slug": unit.slug})
    if parcel:
        url += "?" + urlencode({"dzialki": parcel})
    return url
