"""Delivery channels of the outgoing register, behind one small interface.

A channel takes a registered outgoing item and its signed PDF and says what
happened: sent now (portal, e-mail), or prepared for the post room (paper).
ePUAP and e-Doręczenia will register themselves in ``CHANNELS`` the same way
(a later issue); until then choosing them is refused with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from infostrada.documents import render
from infostrada.documents.models import Channel, OutgoingItem


@dataclass(frozen=True)
class SendResult:
    sent: bool
    failure: str = ""
    # An extra file the dispatch produces: an address label for the post room.
    attachment_title: str = ""
    attachment_pdf: bytes = b""


class DeliveryChannel(Protocol):
    code: str

    def check(self, item: OutgoingItem) -> str:
        """A problem with the recipient's data for this channel, or ''."""

    def send(self, item: OutgoingItem, filename: str, pdf: bytes) -> SendResult: ...


class PortalChannel:
    """Into the resident's account on the platform; delivery when they open it."""

    code = Channel.PORTAL

    def check(self, item: OutgoingItem) -> str:
        if item.citizen_id is None:
            return _("The recipient has no account on the portal: choose another channel.")
        return ""

    def send(self, item: OutgoingItem, filename: str, pdf: bytes) -> SendResult:
        return SendResult(sent=True)


class EmailChannel:
    """By e-mail with the sealed PDF attached (informal; no delivery evidence)."""

    code = Channel.EMAIL

    def check(self, item: OutgoingItem) -> str:
        return "" if item.email else _("Give the recipient's e-mail address.")

    def send(self, item: OutgoingItem, filename: str, pdf: bytes) -> SendResult:
        message = EmailMessage(
            subject=_("%(unit)s: letter %(number)s")
            % {"unit": item.unit.official_name, "number": item.register_number},
            body=_("Please find attached a letter from %(unit)s.")
            % {"unit": item.unit.official_name},
            from_email=item.unit.email or settings.DEFAULT_FROM_EMAIL,
            to=[item.email],
        )
        message.attach(filename, pdf, "application/pdf")
        try:
            message.send(fail_silently=False)
        except OSError as exc:
            return SendResult(sent=False, failure=str(exc)[:300])
        return SendResult(sent=True)


class PaperChannel:
    """Printed and posted by the post room; an address label comes with it."""

    code = Channel.PAPER

    def check(self, item: OutgoingItem) -> str:
        if not (item.street and item.postal_code and item.city):
            return _("Give the recipient's full postal address.")
        return ""

    def send(self, item: OutgoingItem, filename: str, pdf: bytes) -> SendResult:
        unit = item.unit
        label = render.address_label_pdf(
            [unit.official_name, unit.address],
            [item.correspondent_name, item.street, f"{item.postal_code} {item.city}"],
            item.register_number,
        )
        return SendResult(
            sent=False,
            attachment_title=_("Address label %(number)s") % {"number": item.register_number},
            attachment_pdf=label,
        )


CHANNELS: dict[str, DeliveryChannel] = {
    Channel.PORTAL: PortalChannel(),
    Channel.EMAIL: EmailChannel(),
    Channel.PAPER: PaperChannel(),
}


def channel_for(code: str) -> DeliveryChannel | None:
    return CHANNELS.get(code)
