"""The inbox intake: one function that turns a submitted document into a registered item.

The e-services forms (a later issue), the ePUAP and e-Doręczenia adapters and
integrators' systems all hand what they received to :func:`receive`. It checks
the files by content, registers the letter in the unit's incoming register
with the next number, verifies electronic signatures, and returns the item.
Calling it again with the same ``source_system`` and ``source_id`` (a retry
after a timeout, a message delivered twice) returns the first registration
instead of registering the letter twice.
"""

from __future__ import annotations

import datetime
from typing import IO

from django.utils import timezone

from infostrada.audit.context import Actor
from infostrada.documents.models import Channel, IncomingItem
from infostrada.documents.services.correspondence import IncomingData, register_incoming
from infostrada.tenancy.models import Unit


def receive(
    *,
    unit: Unit,
    channel: str,
    source_system: str,
    source_id: str,
    subject: str,
    sender: dict[str, str],
    files: list[tuple[str, bytes | IO[bytes]]],
    received_on: datetime.date | None = None,
    actor: Actor | None = None,
) -> IncomingItem:
    """Register an electronically submitted letter (idempotent per source message).

    ``sender`` holds the correspondent fields of documents.models.Correspondent
    (``party_kind`` "person" or "institution", names, identifiers, address,
    e-mail). Raises ValidationError for bad data or files; nothing is stored then.
    """
    if channel not in Channel.values or channel == Channel.PAPER:
        raise ValueError("the intake takes electronic channels only")
    if not source_system or not source_id:
        raise ValueError("an electronic submission names its source system and message id")
    data = IncomingData(
        channel=channel,
        received_on=received_on or timezone.localdate(),
        subject=subject,
        source_system=source_system[:32],
        source_id=source_id[:128],
        **{k: v for k, v in sender.items() if k in IncomingData.__dataclass_fields__},
    )
    return register_incoming(
        actor=actor or Actor.system(f"intake:{source_system}"),
        unit=unit,
        data=data,
        files=files,
    )
