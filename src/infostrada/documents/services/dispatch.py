"""Dispatch: the outgoing register, sending through a channel, delivery evidence.

For the portal channel the letter counts as delivered when the resident opens
it, or, if they do not, 14 days after it was made available to them — the
delivery fiction Polish law applies to electronic delivery (KPA art. 46 § 6 in
its wording for ePUAP, and the Act of 18 November 2020 on electronic delivery
for e-Doręczenia). Either way a delivery confirmation (UPD) is generated and
put into the case file.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import DOC_DISPATCH
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import access, render
from infostrada.documents.channels import channel_for
from infostrada.documents.models import (
    Case,
    Channel,
    Document,
    OutgoingItem,
    OutgoingRegister,
)
from infostrada.documents.numbering import take_next
from infostrada.documents.services.cases import _place
from infostrada.documents.services.common import (
    BlobWriter,
    FileToStore,
    add_version,
    event,
    office_language,
    read_version,
    user_of,
)
from infostrada.documents.services.correspondence import CORRESPONDENT_FIELDS
from infostrada.documents.services.drafting import latest_version
from infostrada.tenancy.models import Unit

DELIVERY_FICTION = datetime.timedelta(days=14)


@dataclass
class RecipientData:
    party_kind: str
    first_name: str = ""
    last_name: str = ""
    institution: str = ""
    pesel: str = ""
    nip: str = ""
    regon: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "PL"
    email: str = ""
    ade_address: str = ""


def _pdf_file(title: str, pdf: bytes) -> FileToStore:
    return FileToStore(
        filename=f"{title[:80]}.pdf",
        mime="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        data=pdf,
    )


def _add_generated(
    actor: Actor,
    unit: Unit,
    case: Case | None,
    *,
    title: str,
    kind: str,
    pdf_file: FileToStore,
    path: str,
    in_reply_to: Document | None = None,
) -> Document:
    """A document the platform itself produced (label, evidence), into the case file."""
    document = Document.objects.create(
        unit=unit,
        direction=Document.Direction.INTERNAL,
        kind=kind,
        title=title,
        creator_name=unit.official_name,
        creator_kind="institution",
        created_at=timezone.now(),
        status=Document.Status.REGISTERED,
        in_reply_to=in_reply_to,
        signature_status=Document.SignatureStatus.NO_SIGNATURE,
    )
    add_version(document=document, file=pdf_file, path=path, actor=actor)
    if case is not None:
        _place(case, document)
    return document


def dispatch(
    *,
    actor: Actor,
    unit: Unit,
    document: Document,
    channel: str,
    recipient: RecipientData,
    citizen: User | None = None,
) -> OutgoingItem:
    """Register a signed document in the outgoing register and send it."""
    ensure_can(actor, DOC_DISPATCH, unit)
    document = access.get_document(actor, unit, document.pk)
    if document.status != Document.Status.SIGNED:
        raise ValidationError(_("Only a signed document can be dispatched."))
    sender = channel_for(channel)
    if sender is None:
        raise ValidationError(
            {"channel": _("This channel is not available yet: choose the portal, e-mail or post.")}
        )
    if citizen is not None and citizen.kind != "citizen":
        raise ValidationError({"citizen": _("Only a resident's account can receive letters.")})
    now = timezone.now()
    item = OutgoingItem(
        unit=unit,
        year=timezone.localdate(now).year,
        number=0,
        channel=channel,
        document=document,
        case=document.case,
        citizen=citizen,
        registered_at=now,
        registered_by=user_of(actor),
        **{name: getattr(recipient, name).strip() for name in CORRESPONDENT_FIELDS},
    )
    item.full_clean(exclude=["unit", "number", "registered_by", "document", "case", "citizen"])
    item.clean_correspondent()
    problem = sender.check(item)
    if problem:
        raise ValidationError({"channel": problem})
    signed = latest_version(document)
    pdf = read_version(signed)
    with BlobWriter() as blobs, transaction.atomic():
        number, _register = take_next(OutgoingRegister, unit=unit, year=item.year)
        item.number = number
        with office_language():
            result = sender.send(item, signed.filename, pdf)
        if result.sent:
            item.status = OutgoingItem.Status.SENT
            item.sent_at = now
        elif result.failure:
            raise ValidationError({"channel": result.failure})
        item.save()
        document.status = Document.Status.DISPATCHED
        document.sent_at = item.sent_at
        document.save(update_fields=["status", "sent_at"])
        if result.attachment_pdf:
            label = _pdf_file(result.attachment_title, result.attachment_pdf)
            _add_generated(
                actor,
                unit,
                document.case,
                title=result.attachment_title,
                kind=Document.Kind.ATTACHMENT,
                pdf_file=label,
                path=blobs.put(unit.pk, label),
                in_reply_to=document,
            )
        audit.record(
            actor,
            unit,
            "documents.dispatched",
            item,
            changes={
                "number": item.register_number,
                "channel": channel,
                "recipient": item.correspondent_name,
                "document": document.pk,
            },
        )
        with office_language():
            event(
                actor,
                unit,
                "dispatched",
                _("Dispatched as %(number)s by %(channel)s to %(recipient)s")
                % {
                    "number": item.register_number,
                    "channel": item.get_channel_display(),
                    "recipient": item.correspondent_name,
                },
                case=document.case,
            )
    return item


def _record_delivery(
    actor: Actor,
    item: OutgoingItem,
    *,
    delivered_at: datetime.datetime,
    deemed: bool,
    blobs: BlobWriter,
) -> OutgoingItem:
    unit = item.unit
    with office_language():
        title = _("Delivery confirmation (UPD) %(number)s") % {"number": item.register_number}
        rows = [
            (_("Outgoing item"), item.register_number),
            (_("Document"), item.document.title),
            (_("Case"), item.case.signature if item.case else "—"),
            (_("Recipient"), item.correspondent_name),
            (_("Channel"), item.get_channel_display()),
            (_("Made available"), timezone.localtime(item.sent_at).strftime("%Y-%m-%d %H:%M:%S")),
            (
                _("Delivered"),
                timezone.localtime(delivered_at).strftime("%Y-%m-%d %H:%M:%S"),
            ),
            (_("Document SHA-256"), latest_version(item.document).sha256),
        ]
        note = (
            _(
                "The letter was not opened within 14 days of being made available; "
                "it is deemed delivered on the fourteenth day."
            )
            if deemed
            else _("The recipient opened the letter in their account on the portal.")
        )
    pdf = _pdf_file(title, render.evidence_pdf(title, rows, note))
    evidence = _add_generated(
        actor,
        unit,
        item.case,
        title=title,
        kind=Document.Kind.DELIVERY_EVIDENCE,
        pdf_file=pdf,
        path=blobs.put(unit.pk, pdf),
        in_reply_to=item.document,
    )
    item.delivered_at = delivered_at
    item.status = OutgoingItem.Status.DEEMED_DELIVERED if deemed else OutgoingItem.Status.DELIVERED
    item.evidence = evidence
    item.save(update_fields=["delivered_at", "status", "evidence", "opened_at"])
    audit.record(
        actor,
        unit,
        "documents.delivered",
        item,
        changes={
            "number": item.register_number,
            "deemed": deemed,
            "delivered_at": delivered_at.isoformat(),
        },
    )
    with office_language():
        event(
            actor,
            unit,
            "delivered",
            (_("Deemed delivered on %(date)s (14 days)") if deemed else _("Delivered on %(date)s"))
            % {"date": timezone.localtime(delivered_at).strftime("%Y-%m-%d %H:%M")},
            case=item.case,
        )
    return item


def open_delivery(*, actor: Actor, item: OutgoingItem) -> tuple[OutgoingItem, bytes]:
    """A resident opens a letter in their account: it is delivered now (if not yet)."""
    user = user_of(actor)
    if user is None or item.citizen_id != user.pk or item.channel != Channel.PORTAL:
        raise PermissionDenied("not your letter")
    if item.sent_at is None:
        raise PermissionDenied("not sent")
    with BlobWriter() as blobs, transaction.atomic():
        locked = (
            OutgoingItem.objects.for_unit(item.unit_id)
            .select_for_update(of=("self",))
            .select_related("unit", "document", "case")
            .get(pk=item.pk)
        )
        if locked.opened_at is None:
            now = timezone.now()
            locked.opened_at = now
            if locked.delivered_at is None:
                _record_delivery(actor, locked, delivered_at=now, deemed=False, blobs=blobs)
            else:
                locked.save(update_fields=["opened_at"])
    return locked, read_version(latest_version(locked.document))


def apply_delivery_fiction(*, now: datetime.datetime | None = None) -> int:
    """Deem delivered every portal letter left unopened for 14 days (a periodic job)."""
    now = now or timezone.now()
    actor = Actor.system("delivery fiction")
    due = (
        OutgoingItem.objects.unscoped("the delivery fiction applies to every unit")
        .filter(
            channel=Channel.PORTAL,
            status=OutgoingItem.Status.SENT,
            sent_at__lte=now - DELIVERY_FICTION,
        )
        .values_list("pk", "unit_id")
    )
    done = 0
    for pk, unit_id in list(due):
        with BlobWriter() as blobs, transaction.atomic():
            item = (
                OutgoingItem.objects.for_unit(unit_id)
                .select_for_update(of=("self",))
                .select_related("unit", "document", "case")
                .get(pk=pk)
            )
            if item.status != OutgoingItem.Status.SENT:
                continue
            _record_delivery(
                actor,
                item,
                delivered_at=item.sent_at + DELIVERY_FICTION,
                deemed=True,
                blobs=blobs,
            )
            done += 1
    return done


def mark_posted(
    *, actor: Actor, unit: Unit, item: OutgoingItem, posted_on: datetime.date
) -> OutgoingItem:
    """The post room handed a paper letter to the operator (książka nadawcza)."""
    ensure_can(actor, DOC_DISPATCH, unit)
    if item.unit_id != unit.pk or item.channel != Channel.PAPER:
        raise ValidationError(_("Only paper letters are posted."))
    if item.status != OutgoingItem.Status.PREPARED:
        raise ValidationError(_("The letter has already been posted."))
    if posted_on > timezone.localdate():
        raise ValidationError({"posted_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        item.status = OutgoingItem.Status.SENT
        item.sent_at = timezone.make_aware(
            datetime.datetime.combine(posted_on, datetime.time(12, 0))
        )
        item.save(update_fields=["status", "sent_at"])
        audit.record(
            actor,
            unit,
            "documents.posted",
            item,
            changes={"number": item.register_number, "on": str(posted_on)},
        )
        with office_language():
            event(
                actor,
                unit,
                "posted",
                _("Posted on %(date)s (%(number)s)")
                % {"date": posted_on, "number": item.register_number},
                case=item.case,
            )
    return item


def citizen_letters(user: Any) -> Any:
    """A resident's letters across all units, newest first."""
    return (
        OutgoingItem.objects.unscoped("a resident's own letters from every unit")
        .filter(citizen_id=user.pk, channel=Channel.PORTAL, sent_at__isnull=False)
        .select_related("unit", "document", "case")
        .order_by("-sent_at")
    )
