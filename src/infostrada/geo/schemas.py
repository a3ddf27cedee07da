"""Request and response schemas of the geoportal API (the zoning extract so far).

Declarations only: lengths, types and allowed values at the edge. Whether the
parcels exist in the unit, whether a plan covers them and what the applicant
must give is decided by geo.services_extract, whose field errors the API
turns into 422 problems.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from infostrada import normalisers
from infostrada.geo.extract import MAX_PARCELS


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000.
    if "\x00" in value:
        raise ValueError(_("NUL characters are not allowed."))
    return value


NoNul = AfterValidator(_no_nul)
ExtractKind = Literal["wypis", "wyrys", "both"]
ExtractStatus = Literal[
    "registered",
    "prepared",
    "in_approval",
    "approved",
    "sealed",
    "dispatched",
    "delivered",
    "withdrawn",
]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ApplicantIn(_In):
    """A person (first and last name) or, with `institution`, a company or an institution.

    The extract is sent by e-mail when `email` is given, otherwise by post to
    the address, so one of them is required."""

    first_name: Annotated[str, Field(max_length=100), NoNul] = ""
    last_name: Annotated[str, Field(max_length=150), NoNul] = ""
    institution: Annotated[str, Field(max_length=300), NoNul] = ""
    street: Annotated[str, Field(max_length=200), NoNul] = ""
    postal_code: Annotated[normalisers.PostalCodeIn, Field(max_length=10), NoNul] = ""
    city: Annotated[str, Field(max_length=100), NoNul] = ""
    email: Annotated[str, Field(max_length=254), NoNul] = ""


class ZoningExtractIn(_In):
    parcels: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=60), NoNul]],
        Field(
            min_length=1,
            max_length=MAX_PARCELS,
            description="Parcel identifiers (WWPPGG_R.OOOO.NR), all in the unit.",
            examples=[["041504_2.0001.123/4"]],
        ),
    ]
    kind: ExtractKind = Field(
        description="`wypis` (text), `wyrys` (map excerpt) or `both`.", examples=["both"]
    )
    purpose: Annotated[str, Field(max_length=500), NoNul] = ""
    applicant: ApplicantIn
    channel: Literal["portal", "email", "epuap", "edelivery"] = Field(
        "portal", description="How the request reached the office."
    )
    source_id: Annotated[str, Field(min_length=1, max_length=128), NoNul] | None = Field(
        None,
        description=(
            "The submission's identifier in the calling system; a repeated request with "
            "the same one returns the first registration instead of a second one."
        ),
    )


class FeeOut(Schema):
    """Stamp duty in złoty (decimal strings): wypis 30 up to 5 pages, 50 above;
    wyrys 20 per started A4 page, at most 200."""

    text_pages: int
    map_pages: int
    wypis: Decimal
    wyrys: Decimal
    total: Decimal
    legal_basis: str


class ZoningExtractOut(Schema):
    id: int = Field(description="The request: the incoming item's id (`request_id`).")
    item_number: str = Field(description="Number in the incoming register, e.g. 12/2026.")
    received_on: datetime.date
    case_signature: str | None = Field(description="e.g. ZP.6727.3.2026")
    status: ExtractStatus
    kind: str
    parcels: list[str]
    purpose: str
    fee: FeeOut | None
    outgoing_number: str | None = Field(description="Number in the outgoing register, once sent.")
    sent_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
