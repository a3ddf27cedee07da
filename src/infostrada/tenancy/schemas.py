from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from infostrada import normalisers


class UnitOut(Schema):
    slug: str
    teryt: str | None
    name: str
    official_name: str
    kind: str
    parent: str | None
    url: str


class UnitDetailOut(UnitOut):
    address: str
    email: str
    phone: str
    website: str
    ade_address: str
    children: int


class UnitPage(Schema):
    items: list[UnitOut]
    count: int
    limit: int
    offset: int


class ContactIn(Schema):
    """Contact data a unit shows on its portal; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    # Formats are checked once, by the model's validators, in the service.
    address: Annotated[str, Field(max_length=300)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    website: Annotated[str, Field(max_length=200)] | None = None
    ade_address: Annotated[normalisers.AdeIn, Field(max_length=40)] | None = None
