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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import DOC_DISPATCH
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import access, notifications, render
from infostrada.documents.channels import DeliveryChannel, channel_for
from infostrada.documents.models import (
    Case,
    CaseParty,
    Channel,
    DistributionEntry,
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


ADDRESSABLE = (
    Document.Status.DRAFT,
    Document.Status.IN_APPROVAL,
    Document.Status.APPROVED,
    Document.Status.SIGNED,
    Document.Status.DISPATCHED,
)
DISPATCHABLE = (Document.Status.SIGNED, Document.Status.DISPATCHED)


def _sender(channel: str) -> DeliveryChannel:
    sender = channel_for(channel)
    if sender is None:
        raise ValidationError(
            {"channel": _("This channel is not available yet: choose the portal, e-mail or post.")}
        )
    return sender


def _checked_entry(
    unit: Unit,
    document: Document,
    *,
    channel: str,
    recipient: RecipientData,
    citizen: User | None,
    list_kind: str,
) -> DistributionEntry:
    """An unsaved entry whose data the register and the chosen channel accept."""
    sender = _sender(channel)
    if citizen is not None and citizen.kind != "citizen":
        raise ValidationError({"citizen": _("Only a resident's account can receive letters.")})
    entry = DistributionEntry(
        unit=unit,
        document=document,
        list=list_kind,
        position=0,
        channel=channel,
        citizen=citizen,
        added_at=timezone.now(),
        **{name: getattr(recipient, name).strip() for name in CORRESPONDENT_FIELDS},
    )
    entry.full_clean(exclude=["unit", "document", "position", "citizen", "added_by"])
    entry.clean_correspondent()
    problem = sender.check(entry)
    if problem:
        raise ValidationError({"channel": problem})
    return entry


def _addressable(actor: Actor, unit: Unit, document: Document) -> Document:
    ensure_can(actor, DOC_DISPATCH, unit)
    document = access.get_document(actor, unit, document.pk)
    if document.direction == Document.Direction.INCOMING or document.status not in ADDRESSABLE:
        raise ValidationError(_("Addressees are set only on the office's own letters."))
    return document


def _append(actor: Actor, unit: Unit, document: Document, entry: DistributionEntry) -> None:
    """Save ``entry`` at the end of its list; the caller holds the document's lock."""
    last = (
        DistributionEntry.objects.for_unit(unit)
        .filter(document=document, list=entry.list)
        .aggregate(m=Max("position"))["m"]
    )
    entry.position = (last or 0) + 1
    entry.added_by = user_of(actor)
    entry.save()
    audit.record(
        actor,
        unit,
        "documents.addressee_added",
        entry,
        changes={
            "document": document.pk,
            "list": entry.list,
            "addressee": entry.correspondent_name,
            "channel": entry.channel,
        },
    )


def _lock(unit: Unit, document: Document) -> Document:
    """Lock the document row: who adds, removes or dispatches addressees goes one at a time."""
    return Document.objects.for_unit(unit).select_for_update().get(pk=document.pk)


def add_addressee(
    *,
    actor: Actor,
    unit: Unit,
    document: Document,
    channel: str,
    recipient: RecipientData,
    citizen: User | None = None,
    list_kind: str = DistributionEntry.List.RECIPIENT,
) -> DistributionEntry:
    """Put one addressee on a document's distribution list (before or after signing)."""
    document = _addressable(actor, unit, document)
    if list_kind not in DistributionEntry.List.values:
        raise ValidationError({"list": _("Choose a distribution list.")})
    entry = _checked_entry(
        unit, document, channel=channel, recipient=recipient, citizen=citizen, list_kind=list_kind
    )
    with transaction.atomic():
        _lock(unit, document)
        _append(actor, unit, document, entry)
    return entry


def party_channel(party: CaseParty) -> str:
    """The resident's account if they have one, else e-mail, else post."""
    if party.citizen_id is not None:
        return Channel.PORTAL
    if party.email:
        return Channel.EMAIL
    return Channel.PAPER


def add_case_parties(
    *, actor: Actor, unit: Unit, document: Document
) -> tuple[list[DistributionEntry], list[str]]:
    """Every party of the case that is not yet on the list goes under "Otrzymują".

    A decision is delivered to every party (KPA art. 109 § 1), so this is the
    usual way to fill the list. Returns the new entries and the names of the
    parties that could not be added because no channel reaches them (no
    account, e-mail or full postal address); the office completes those by hand.
    """
    document = _addressable(actor, unit, document)
    if document.case_id is None:
        raise ValidationError(_("The document is not in a case."))
    added: list[DistributionEntry] = []
    skipped: list[str] = []
    with transaction.atomic():
        _lock(unit, document)
        listed = {
            (e.correspondent_name, e.citizen_id)
            for e in DistributionEntry.objects.for_unit(unit).filter(document=document)
        }
        parties = (
            CaseParty.objects.for_unit(unit)
            .filter(
                case_id=document.case_id, role__in=[CaseParty.Role.APPLICANT, CaseParty.Role.PARTY]
            )
            .select_related("citizen")
            .order_by("pk")
        )
        for party in parties:
            if (party.correspondent_name, party.citizen_id) in listed:
                continue
            recipient = RecipientData(
                **{name: getattr(party, name) for name in RecipientData.__dataclass_fields__}
            )
            try:
                entry = _checked_entry(
                    unit,
                    document,
                    channel=party_channel(party),
                    recipient=recipient,
                    citizen=party.citizen,
                    list_kind=DistributionEntry.List.RECIPIENT,
                )
            except ValidationError:
                skipped.append(party.correspondent_name)
                continue
            _append(actor, unit, document, entry)
            listed.add((party.correspondent_name, party.citizen_id))
            added.append(entry)
    return added, skipped


def remove_addressee(*, actor: Actor, unit: Unit, entry: DistributionEntry) -> None:
    """Take an addressee off the list; one already dispatched stays (the register keeps it)."""
    _addressable(actor, unit, entry.document)
    with transaction.atomic():
        _lock(unit, entry.document)
        locked = DistributionEntry.objects.for_unit(unit).filter(pk=entry.pk).first()
        if locked is None:
            return
        if OutgoingItem.objects.for_unit(unit).filter(entry=locked).exists():
            raise ValidationError(_("This addressee has already been dispatched."))
        audit.record(
            actor,
            unit,
            "documents.addressee_removed",
            locked,
            changes={"document": locked.document_id, "addressee": locked.correspondent_name},
        )
        locked.delete()


def pending_entries(unit: Unit, document: Document) -> Any:
    """The addressees of a document not yet registered in the outgoing register."""
    return (
        DistributionEntry.objects.for_unit(unit)
        .filter(document=document, outgoing__isnull=True)
        .select_related("citizen")
        .order_by("list", "position", "pk")
    )


def dispatch_pending(
    *,
    actor: Actor,
    unit: Unit,
    document: Document,
    entry_ids: Iterable[int] | None = None,
) -> list[OutgoingItem]:
    """Register and send the document to its addressees not yet dispatched, at once.

    One transaction for all of them: each gets its own number in the outgoing
    register (gap-free, per unit and year), its own channel and delivery
    status, and its own audit record. ``entry_ids`` restricts the run to the
    entries the official saw when they pressed the button. The document row
    is locked first, so two identical requests at once run one after the
    other and the second finds nothing left to send; and an entry can have
    only one outgoing item (a unique key), so a retry never registers an
    addressee twice. Returns the items registered by this call (empty for a
    repeated request).
    """
    ensure_can(actor, DOC_DISPATCH, unit)
    document = access.get_document(actor, unit, document.pk)
    if document.status not in DISPATCHABLE:
        raise ValidationError(_("Only a signed document can be dispatched."))
    signed = latest_version(document)
    pdf = read_version(signed)
    wanted = None if entry_ids is None else set(entry_ids)
    items: list[OutgoingItem] = []
    with BlobWriter() as blobs, transaction.atomic():
        document = _lock(unit, document)
        if document.status not in DISPATCHABLE:
            raise ValidationError(_("Only a signed document can be dispatched."))
        entries = [e for e in pending_entries(unit, document) if wanted is None or e.pk in wanted]
        for entry in entries:  # every check first: a bad entry stops the run before any send
            _checked_entry(
                unit,
                document,
                channel=entry.channel,
                recipient=RecipientData(
                    **{name: getattr(entry, name) for name in RecipientData.__dataclass_fields__}
                ),
                citizen=entry.citizen,
                list_kind=entry.list,
            )
        for entry in entries:
            items.append(
                _register_and_send(actor, unit, document, entry, signed.filename, pdf, blobs)
            )
        gone = [i for i in items if i.status != OutgoingItem.Status.FAILED]
        if gone and document.status != Document.Status.DISPATCHED:
            # Dispatched once the first addressee's letter is on its way; the
            # rest of the list can still be sent (a party added later, a retry).
            document.status = Document.Status.DISPATCHED
            document.sent_at = next((i.sent_at for i in gone if i.sent_at), None)
            document.save(update_fields=["status", "sent_at"])
    return items


def _register_and_send(
    actor: Actor,
    unit: Unit,
    document: Document,
    entry: DistributionEntry,
    filename: str,
    pdf: bytes,
    blobs: BlobWriter,
) -> OutgoingItem:
    """One addressee: the register number, the channel's send, the label, audit and history."""
    now = timezone.now()
    sender = _sender(entry.channel)
    item = OutgoingItem(
        unit=unit,
        year=timezone.localdate(now).year,
        channel=entry.channel,
        document=document,
        case=document.case,
        citizen=entry.citizen,
        entry=entry,
        registered_at=now,
        registered_by=user_of(actor),
        **{name: getattr(entry, name) for name in CORRESPONDENT_FIELDS},
    )
    item.number, _register = take_next(OutgoingRegister, unit=unit, year=item.year)
    with office_language():
        result = sender.send(item, filename, pdf)
    if result.sent:
        item.status = OutgoingItem.Status.SENT
        item.sent_at = now
    elif result.failure:
        # The number stays taken (the register shows the attempt); the official
        # sees why and adds the addressee again with another channel.
        item.status = OutgoingItem.Status.FAILED
        item.failure = result.failure[:300]
    item.save()
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
            "channel": entry.channel,
            "list": entry.list,
            "recipient": item.correspondent_name,
            "document": document.pk,
            "status": item.status,
        },
    )
    with office_language():
        summary = (
            _("Dispatched as %(number)s by %(channel)s to %(recipient)s")
            if item.status != OutgoingItem.Status.FAILED
            else _("Dispatch %(number)s by %(channel)s to %(recipient)s failed")
        ) % {
            "number": item.register_number,
            "channel": item.get_channel_display(),
            "recipient": item.correspondent_name,
        }
        event(actor, unit, "dispatched", summary, case=document.case)
    if item.status == OutgoingItem.Status.SENT and item.channel == Channel.PORTAL:
        notifications.letter_arrived(item)
    return item


def dispatch(
    *,
    actor: Actor,
    unit: Unit,
    document: Document,
    channel: str,
    recipient: RecipientData,
    citizen: User | None = None,
) -> OutgoingItem:
    """Send a signed document to one addressee (the zoning-extract desk's one click).

    The addressee goes on the distribution list and is dispatched at once, in
    one transaction. The document must still be waiting for its first
    dispatch, so pressing the button twice does not send it twice; further
    addressees go through ``add_addressee`` and ``dispatch_pending``.
    """
    ensure_can(actor, DOC_DISPATCH, unit)
    document = access.get_document(actor, unit, document.pk)
    if document.status != Document.Status.SIGNED:
        raise ValidationError(_("Only a signed document can be dispatched."))
    entry = _checked_entry(
        unit,
        document,
        channel=channel,
        recipient=recipient,
        citizen=citizen,
        list_kind=DistributionEntry.List.RECIPIENT,
    )
    with transaction.atomic():
        locked = _lock(unit, document)
        if locked.status != Document.Status.SIGNED:
            raise ValidationError(_("Only a signed document can be dispatched."))
        _append(actor, unit, document, entry)
        items = dispatch_pending(actor=actor, unit=unit, document=document, entry_ids=[entry.pk])
    return items[0]


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
