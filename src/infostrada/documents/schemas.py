"""Request and response schemas of the EZD API (the documents.api package).

Declarations only: lengths, types and allowed values at the edge. What a
valid registration, case or document is (PESEL checksums, dates, JRWA leaf
classes, permissions) is decided by the services, which raise field errors
the API turns into 422 problems.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, model_validator

from infostrada import normalisers

MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000; a JSON part of a multipart body does
    # not pass the NUL guard middleware, so it is refused here.
    if "\x00" in value:
        raise ValueError(_("NUL characters are not allowed."))
    return value


NoNul = AfterValidator(_no_nul)
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Written out (not derived from the models) so the OpenAPI document is plain;
# tests check that these lists equal the models' choices.
ChannelName = Literal["paper", "portal", "email", "epuap", "edelivery"]
PartyKindName = Literal["person", "institution"]
ItemStatusName = Literal["registered", "assigned", "accepted", "in_case", "done"]
CaseStatusName = Literal["open", "suspended", "closed"]
DeadlineKindName = Literal["one_month", "two_months", "immediate", "custom", "none"]
PartyRoleName = Literal["applicant", "party", "participant"]
DocumentKindName = Literal[
    "letter",
    "application",
    "decision",
    "ruling",
    "certificate",
    "note",
    "scan",
    "attachment",
    "receipt",
    "delivery_evidence",
    "extract",
]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- input -----------------------------------------------------------------


class CorrespondentIn(_In):
    """A sender or a party as the letter names them (persons need a last name,
    institutions a name; PESEL, NIP and REGON are checked by checksum)."""

    party_kind: PartyKindName
    first_name: Annotated[str, Field(max_length=100), NoNul] = ""
    last_name: Annotated[str, Field(max_length=150), NoNul] = ""
    institution: Annotated[str, Field(max_length=300), NoNul] = ""
    pesel: Annotated[normalisers.PeselIn, Field(max_length=11), NoNul] = ""
    nip: Annotated[normalisers.NipIn, Field(max_length=13), NoNul] = ""
    regon: Annotated[normalisers.RegonIn, Field(max_length=14), NoNul] = ""
    street: Annotated[str, Field(max_length=200), NoNul] = ""
    postal_code: Annotated[str, Field(max_length=10), NoNul] = ""
    city: Annotated[str, Field(max_length=100), NoNul] = ""
    country: Annotated[str, Field(max_length=2), NoNul] = "PL"
    email: Annotated[str, Field(max_length=254), NoNul] = ""
    ade_address: Annotated[normalisers.AdeIn, Field(max_length=40), NoNul] = ""

    @model_validator(mode="after")
    def _polish_postal_code(self) -> CorrespondentIn:
        # NN-NNN applies to Polish addresses only (infostrada.normalisers)
        if self.postal_code and self.country.upper() == "PL":
            try:
                self.postal_code = normalisers.postal_code(self.postal_code)
            except DjangoValidationError as exc:
                raise ValueError(f"postal_code: {exc.messages[0]}") from None
        return self


class IncomingIn(CorrespondentIn):
    """A letter to register (the `data` part of the multipart request)."""

    channel: ChannelName
    received_on: datetime.date
    subject: Annotated[str, Field(min_length=1, max_length=500), NoNul]
    letter_date: datetime.date | None = None
    sender_reference: Annotated[str, Field(max_length=100), NoNul] = ""
    description: Annotated[str, Field(max_length=4000), NoNul] = ""
    attachments_note: Annotated[str, Field(max_length=300), NoNul] = ""
    source_system: Annotated[str, Field(max_length=32), NoNul] = ""
    source_id: Annotated[str, Field(max_length=128), NoNul] = ""
    department: Annotated[str, Field(min_length=1, max_length=16), NoNul] | None = Field(
        None,
        description="Route the letter (dekretacja) to this department: the symbol of a "
        "department valid this year, e.g. `ZP`.",
    )
    assignee: Id | None = Field(
        None,
        description="Route the letter to this official (id): an official of the unit whose "
        "role includes handling matters. Routing needs `documents:write` (token) or "
        "the right to assign (session).",
    )
    instruction: Annotated[str, Field(max_length=1000), NoNul] = Field(
        "", description="The routing's instruction for the department or official."
    )

    @model_validator(mode="after")
    def _source_is_named(self) -> IncomingIn:
        # A bare message id could collide with another system's; retries are
        # recognised by the pair.
        if self.source_id and not self.source_system:
            raise ValueError(_("Give source_system together with source_id."))
        return self


class PartyIn(CorrespondentIn):
    role: PartyRoleName = "party"


class CaseIn(_In):
    department: Annotated[str, Field(min_length=1, max_length=16), NoNul] = Field(
        description="Symbol of a department valid this year, e.g. `ZP`."
    )
    file_class: Annotated[str, Field(min_length=1, max_length=4), NoNul] = Field(
        description="Symbol of a lowest-level, active JRWA class, e.g. `6727`."
    )
    title: Annotated[str, Field(min_length=1, max_length=500), NoNul]
    item_id: Id | None = Field(
        None, description="An incoming item that starts the case; its documents open the file."
    )
    assignee: Id | None = Field(
        None,
        description="The case officer (id): an official of the unit whose role includes "
        "handling cases.",
    )
    deadline_kind: DeadlineKindName = "one_month"
    started_on: datetime.date | None = Field(
        None, description="Start of the proceedings; default the item's receipt date, or today."
    )
    custom_deadline: datetime.date | None = Field(
        None, description="Required with `deadline_kind` = `custom`."
    )
    description: Annotated[str, Field(max_length=4000), NoNul] = ""
    parties: list[PartyIn] = Field(
        [],
        max_length=50,
        description="Parties; with an item and no parties, its sender becomes the applicant.",
    )


class DocumentIn(_In):
    """A document for the case file (the `data` part of the multipart request)."""

    title: Annotated[str, Field(min_length=1, max_length=500), NoNul]
    kind: DocumentKindName = "attachment"
    description: Annotated[str, Field(max_length=4000), NoNul] = ""


class ItemRef(_In):
    item_id: Id


class ItemFilter(Schema):
    year: Annotated[int | None, Field(ge=1900, le=2999)] = None
    status: ItemStatusName | None = None
    channel: ChannelName | None = None
    department: Annotated[str, Field(max_length=16), NoNul] | None = Field(
        None, description="Symbol of the department the item was assigned to."
    )
    before_id: Id | None = Field(None, description="Keyset: `next_before_id` of the last page.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class CaseFilter(Schema):
    status: CaseStatusName | None = None
    department: Annotated[str, Field(max_length=16), NoNul] | None = Field(
        None, description="Department symbol."
    )
    file_class: Annotated[str, Field(max_length=4), NoNul] | None = Field(
        None, description="JRWA class symbol."
    )
    year: Annotated[int | None, Field(ge=1900, le=2999)] = None
    overdue: bool = Field(False, description="Only open cases past their deadline.")
    assignee: Id | None = Field(None, description="Id of the case officer.")
    q: Annotated[str, Field(max_length=200), NoNul] = Field(
        "", description="Full-text search; results come in relevance order, one page."
    )
    before_id: Id | None = Field(None, description="Keyset: `next_before_id` of the last page.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50


# --- output ----------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str


class CorrespondentOut(Schema):
    party_kind: str
    name: str
    first_name: str
    last_name: str
    institution: str
    pesel: str
    nip: str
    regon: str
    street: str
    postal_code: str
    city: str
    country: str
    email: str
    ade_address: str


class VersionOut(Schema):
    number: int
    filename: str
    mime: str
    size: int
    sha256: str
    page_count: int | None
    created_at: datetime.datetime
    note: str
    content_url: str


class CreatorOut(Schema):
    name: str
    kind: str


class DocumentOut(Schema):
    """A document with the metadata of the MSWiA regulation of 30 October 2006."""

    id: int
    identifier: str = Field(description="identyfikator: stable URN, never reused")
    creator: CreatorOut = Field(description="twórca")
    title: str = Field(description="tytuł")
    created_at: datetime.datetime = Field(description="data: created")
    received_on: datetime.date | None = Field(description="data: received")
    signed_at: datetime.datetime | None = Field(description="data: signed")
    sent_at: datetime.datetime | None = Field(description="data: sent")
    format: str | None = Field(description="format: media type of the latest version")
    access: str = Field(description="dostęp: `public` or `restricted`")
    access_grounds: str
    type: str = Field(description="typ: DCMI type")
    kind: str = Field(description="typ: kind of document")
    recipient: str = Field(description="odbiorca (optional element)")
    grouping: str = Field(description="grupowanie: case signature or register number")
    in_reply_to: str | None = Field(description="relacja: identifier of the answered document")
    qualification: str | None = Field(description="kwalifikacja: archival category of the case")
    language: str = Field(description="język (ISO 639-2)")
    description: str = Field(description="opis")
    direction: str
    status: str
    position: int | None = Field(description="Position in the case file.")
    signature_status: str = Field(description="Result of the electronic signature check.")
    signature_summary: str
    versions: list[VersionOut]


class CaseRefOut(Schema):
    id: int
    signature: str
    title: str


class ItemRefOut(Schema):
    id: int
    register_number: str
    subject: str


class EventOut(Schema):
    at: datetime.datetime
    actor_name: str
    kind: str
    summary: str


class IncomingItemOut(Schema):
    id: int
    register_number: str = Field(description="Number in the incoming register, e.g. `12/2026`.")
    year: int
    number: int
    status: str
    channel: str
    received_on: datetime.date
    registered_at: datetime.datetime
    subject: str
    description: str
    attachments_note: str
    letter_date: datetime.date | None
    sender_reference: str
    sender: CorrespondentOut
    department: str | None = Field(description="Symbol of the department it was assigned to.")
    assignee: PersonOut | None
    case: CaseRefOut | None
    source_system: str
    source_id: str


class IncomingItemDetailOut(IncomingItemOut):
    documents: list[DocumentOut]
    history: list[EventOut]


class IncomingItemPage(Schema):
    items: list[IncomingItemOut]
    next_before_id: int | None


class FileClassOut(Schema):
    symbol: str
    title: str


class CaseOut(Schema):
    id: int
    signature: str = Field(description="Znak sprawy, e.g. `ZP.6727.1.2026`.")
    title: str
    status: str
    department: str
    file_class: FileClassOut = Field(description="The JRWA class as it was when opened.")
    category: str = Field(description="Archival category (kategoria archiwalna).")
    year: int
    number: int
    assignee: PersonOut | None
    opened_at: datetime.datetime
    started_on: datetime.date
    deadline_kind: str
    deadline: datetime.date | None
    days_remaining: int | None = Field(
        description="Days to the deadline for an open case (negative: overdue); else null."
    )
    overdue: bool
    suspended_since: datetime.date | None
    closed_at: datetime.datetime | None
    archive_status: str


class PartyOut(CorrespondentOut):
    id: int
    role: str


class CaseDetailOut(CaseOut):
    description: str
    closing_note: str
    retention_until: datetime.date | None
    parties: list[PartyOut]
    items: list[ItemRefOut]
    documents: list[DocumentOut] = Field(description="The case file, in order.")
    related: list[CaseRefOut]


class CasePage(Schema):
    items: list[CaseOut]
    next_before_id: int | None = Field(
        description="Pass as `before_id` for older cases; null at the end and with `q`."
    )
