"""Incoming correspondence: registration, and routing it (dekretacja)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can, has_perm
from infostrada.accounts.roles import DOC_ASSIGN, DOC_HANDLE, DOC_REGISTER, WORKBENCH
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import access, notifications
from infostrada.documents.models import (
    Assignment,
    Case,
    Department,
    Document,
    IncomingItem,
    IncomingRegister,
)
from infostrada.documents.numbering import take_next
from infostrada.documents.services.common import (
    BlobWriter,
    add_version,
    event,
    office_language,
    pgettext_office,
    user_of,
)
from infostrada.documents.services.files import CheckedFile, check_uploads
from infostrada.tenancy.models import Unit

CORRESPONDENT_FIELDS = (
    "party_kind",
    "first_name",
    "last_name",
    "institution",
    "pesel",
    "nip",
    "regon",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "ade_address",
)


@dataclass
class IncomingData:
    """What the chancellery types in for a letter (or a system sends)."""

    channel: str
    received_on: datetime.date
    subject: str
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
    letter_date: datetime.date | None = None
    sender_reference: str = ""
    description: str = ""
    attachments_note: str = ""
    source_system: str = ""
    source_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def register_incoming(
    *,
    actor: Actor,
    unit: Unit,
    data: IncomingData,
    files: list[tuple[str, bytes | IO[bytes]]] = (),  # type: ignore[assignment]
    checked: list[CheckedFile] | None = None,
    department: Department | None = None,
    assignee: User | None = None,
    instruction: str = "",
) -> IncomingItem:
    """Register a letter in the unit's incoming register, with its scans and files.

    Files are checked by content first; one bad file refuses the registration
    and nothing is written. The number is the next one in this year's
    register, taken in the same transaction (documents.numbering). A letter
    from a system that was registered before (same source) is returned as is.
    With ``department`` and/or ``assignee`` the letter is routed (dekretacja,
    :func:`assign`) in the same transaction; both are checked before anything
    is written.
    """
    ensure_can(actor, DOC_REGISTER, unit)
    routed = department is not None or assignee is not None
    if routed:
        ensure_can(actor, DOC_ASSIGN, unit)
        _check_target(unit, department, assignee)
    if data.source_id:
        earlier = (
            IncomingItem.objects.for_unit(unit)
            .filter(source_system=data.source_system, source_id=data.source_id)
            .first()
        )
        if earlier is not None:
            return earlier
    today = timezone.localdate()
    if data.received_on > today:
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    if data.letter_date and data.letter_date > data.received_on:
        raise ValidationError(
            {"letter_date": _("The letter cannot be dated after the day it was received.")}
        )
    item = IncomingItem(
        unit=unit,
        # The register of the year of registration (a letter received on 31
        # December and registered on 2 January goes into the new register).
        year=today.year,
        number=0,
        channel=data.channel,
        received_on=data.received_on,
        registered_at=timezone.now(),
        registered_by=user_of(actor),
        letter_date=data.letter_date,
        sender_reference=data.sender_reference.strip(),
        subject=data.subject.strip(),
        description=data.description.strip(),
        attachments_note=data.attachments_note.strip(),
        source_system=data.source_system,
        source_id=data.source_id,
        **{name: getattr(data, name).strip() for name in CORRESPONDENT_FIELDS},
    )
    # The number comes with the register's lock, inside the transaction.
    item.full_clean(exclude=["unit", "registered_by", "number"])
    item.clean_correspondent()
    checked = checked if checked is not None else check_uploads(list(files))
    with BlobWriter() as blobs:
        paths = [blobs.put(unit.pk, c.file) for c in checked]
        with transaction.atomic():
            number, _register = take_next(IncomingRegister, unit=unit, year=item.year)
            item.number = number
            item.save()
            for c, path in zip(checked, paths, strict=True):
                _store_incoming_document(actor, unit, item, c, path)
            audit.record(
                actor,
                unit,
                "documents.incoming.registered",
                item,
                changes={
                    "number": item.register_number,
                    "channel": item.channel,
                    "subject": item.subject,
                    "files": len(checked),
                },
            )
            with office_language():
                event(
                    actor,
                    unit,
                    "registered",
                    _("Registered as %(number)s (%(channel)s)")
                    % {"number": item.register_number, "channel": item.get_channel_display()},
                    item=item,
                )
            if routed:
                assign(
                    actor=actor,
                    unit=unit,
                    item=item,
                    department=department,
                    assignee=assignee,
                    instruction=instruction,
                )
    return item


def _store_incoming_document(
    actor: Actor, unit: Unit, item: IncomingItem, checked: CheckedFile, path: str
) -> Document:
    kind = Document.Kind.SCAN if item.channel == "paper" else Document.Kind.LETTER
    if checked.file.mime.startswith("image/"):
        dc_type = Document.DcType.IMAGE
    else:
        dc_type = Document.DcType.TEXT
    document = Document.objects.create(
        unit=unit,
        incoming_item=item,
        direction=Document.Direction.INCOMING,
        kind=kind,
        dc_type=dc_type,
        title=pgettext_office("%(subject)s — %(file)s")
        % {"subject": item.subject, "file": checked.file.filename},
        creator_name=item.correspondent_name,
        creator_kind=item.party_kind,
        recipient_name=unit.official_name,
        created_at=timezone.now(),
        received_on=item.received_on,
        access=Document.Access.RESTRICTED,
        created_by=user_of(actor),
        signature_status=checked.signature_status,
        signature_summary=checked.signature_summary[:500],
    )
    add_version(document=document, file=checked.file, path=path, actor=actor, text=checked.text)
    return document


def _may_act_for(actor: Actor, unit: Unit, user_id: int | None) -> bool:
    """The official themselves, or their deputy today."""
    me = user_of(actor)
    if me is None or user_id is None:
        return False
    return me.pk == user_id or user_id in access.deputised_ids(me, unit)


def _check_target(unit: Unit, department: Department | None, assignee: User | None) -> None:
    if department is None and assignee is None:
        raise ValidationError({"department": _("Choose a department or an official.")})
    if department is not None:
        if department.unit_id != unit.pk:
            raise ValidationError({"department": _("The department belongs to another unit.")})
        if not department.is_valid_in(timezone.localdate().year):
            raise ValidationError({"department": _("The department does not exist this year.")})
    if assignee is not None and not has_perm(assignee, WORKBENCH, unit):
        raise ValidationError({"assignee": _("The official holds no role in this unit.")})
    if assignee is not None and not has_perm(assignee, DOC_HANDLE, unit):
        # they could neither accept nor settle it (accept_assignment, mark_done)
        raise ValidationError(
            {"assignee": _("The official's role in this unit does not include handling matters.")}
        )


def assign(
    *,
    actor: Actor,
    unit: Unit,
    item: IncomingItem | None = None,
    case: Case | None = None,
    department: Department | None = None,
    assignee: User | None = None,
    instruction: str = "",
    due_on: datetime.date | None = None,
) -> Assignment:
    """Dekretacja: route an item or a case to a department and/or an official."""
    ensure_can(actor, DOC_ASSIGN, unit)
    if (item is None) == (case is None):
        raise ValidationError(_("Assign either an item or a case."))
    subject = item or case
    if subject.unit_id != unit.pk:  # type: ignore[union-attr]
        raise PermissionDenied("another unit")
    if case is not None and case.is_closed:
        raise ValidationError(_("A closed case cannot be assigned."))
    _check_target(unit, department, assignee)
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date has already passed.")})
    with transaction.atomic():
        open_ones = Assignment.objects.for_unit(unit).filter(
            item=item, case=case, status=Assignment.Status.PENDING
        )
        open_ones.update(status=Assignment.Status.FORWARDED, resolved_at=timezone.now())
        assignment = Assignment.objects.create(
            unit=unit,
            item=item,
            case=case,
            assigned_by=user_of(actor),
            department=department,
            assignee=assignee,
            instruction=instruction.strip()[:1000],
            due_on=due_on,
            created_at=timezone.now(),
        )
        _route(subject, department, assignee)
        if item is not None and item.status in (
            IncomingItem.Status.REGISTERED,
            IncomingItem.Status.ACCEPTED,
            IncomingItem.Status.ASSIGNED,
        ):
            item.status = IncomingItem.Status.ASSIGNED
            item.save(update_fields=["status"])
        target = ", ".join(str(t) for t in (department and department.symbol, assignee) if t)
        audit.record(
            actor,
            unit,
            "documents.assigned",
            assignment,
            changes={
                "to": target,
                "instruction": instruction[:200],
                "subject": f"{'item' if item else 'case'}:{subject.pk}",
            },  # type: ignore[union-attr]
        )
        with office_language():
            event(
                actor,
                unit,
                "assigned",
                _("Assigned to %(target)s") % {"target": target}
                + (": " + instruction.strip() if instruction.strip() else ""),
                item=item,
                case=case,
            )
        notifications.assigned(assignment, by=user_of(actor))
    return assignment


def _route(subject: Any, department: Department | None, assignee: User | None) -> None:
    fields = []
    if department is not None and isinstance(subject, IncomingItem):
        subject.department = department
        fields.append("department")
    if isinstance(subject, Case) and department is not None and department != subject.department:
        # A case keeps its department (its signature says so); the assignee changes.
        pass
    subject.assignee = assignee
    fields.append("assignee")
    subject.save(update_fields=fields)


def accept_assignment(*, actor: Actor, unit: Unit, assignment: Assignment) -> Assignment:
    """The official (or the head/any member of the department) takes the matter.

    Taking a matter is EZD work: a member of the department whose role has no
    EZD rights (a BIP editor, a GIS operator) may not take it.
    """
    ensure_can(actor, DOC_HANDLE, unit)
    _ensure_recipient(actor, unit, assignment)
    with transaction.atomic():
        assignment = Assignment.objects.for_unit(unit).select_for_update().get(pk=assignment.pk)
        if assignment.status != Assignment.Status.PENDING:
            raise ValidationError(_("This assignment has already been dealt with."))
        me = user_of(actor)
        assignment.status = Assignment.Status.ACCEPTED
        assignment.resolved_at = timezone.now()
        assignment.resolved_by = me
        assignment.save(update_fields=["status", "resolved_at", "resolved_by"])
        subject = assignment.item or assignment.case
        if assignment.assignee_id is None:
            subject.assignee = me  # type: ignore[union-attr]
            subject.save(update_fields=["assignee"])  # type: ignore[union-attr]
        if assignment.item is not None and assignment.item.status == IncomingItem.Status.ASSIGNED:
            assignment.item.status = IncomingItem.Status.ACCEPTED
            assignment.item.save(update_fields=["status"])
        audit.record(actor, unit, "documents.assignment.accepted", assignment)
        with office_language():
            event(
                actor, unit, "accepted", _("Accepted"), item=assignment.item, case=assignment.case
            )
    return assignment


def return_assignment(
    *, actor: Actor, unit: Unit, assignment: Assignment, comment: str
) -> Assignment:
    """Send the matter back to whoever assigned it, saying why."""
    _ensure_recipient(actor, unit, assignment)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why you return it.")})
    with transaction.atomic():
        assignment = Assignment.objects.for_unit(unit).select_for_update().get(pk=assignment.pk)
        if assignment.status != Assignment.Status.PENDING:
            raise ValidationError(_("This assignment has already been dealt with."))
        assignment.status = Assignment.Status.RETURNED
        assignment.resolved_at = timezone.now()
        assignment.resolved_by = user_of(actor)
        assignment.comment = comment.strip()[:1000]
        assignment.save(update_fields=["status", "resolved_at", "resolved_by", "comment"])
        if assignment.item is not None:
            item = assignment.item
            item.department = None
            item.assignee = assignment.assigned_by
            item.status = IncomingItem.Status.REGISTERED
            item.save(update_fields=["department", "assignee", "status"])
        elif assignment.case is not None:
            assignment.case.assignee = assignment.assigned_by
            assignment.case.save(update_fields=["assignee"])
        audit.record(
            actor,
            unit,
            "documents.assignment.returned",
            assignment,
            changes={"comment": comment[:200]},
        )
        with office_language():
            event(
                actor,
                unit,
                "returned",
                _("Returned: %(comment)s") % {"comment": comment.strip()},
                item=assignment.item,
                case=assignment.case,
            )
    return assignment


def forward_assignment(
    *,
    actor: Actor,
    unit: Unit,
    assignment: Assignment,
    department: Department | None = None,
    assignee: User | None = None,
    instruction: str = "",
    due_on: datetime.date | None = None,
) -> Assignment:
    """Pass the matter on (e.g. a head of department to one of the officials)."""
    _ensure_recipient(actor, unit, assignment)
    if not (has_perm(actor, DOC_ASSIGN, unit) or has_perm(actor, DOC_HANDLE, unit)):
        raise PermissionDenied(DOC_ASSIGN)
    if assignment.status not in (Assignment.Status.PENDING, Assignment.Status.ACCEPTED):
        raise ValidationError(_("This assignment has already been dealt with."))
    _check_target(unit, department, assignee)
    item, case = assignment.item, assignment.case
    with transaction.atomic():
        Assignment.objects.for_unit(unit).filter(pk=assignment.pk).update(
            status=Assignment.Status.FORWARDED,
            resolved_at=timezone.now(),
            resolved_by=user_of(actor),
        )
        new = Assignment.objects.create(
            unit=unit,
            item=item,
            case=case,
            assigned_by=user_of(actor),
            department=department or assignment.department,
            assignee=assignee,
            instruction=instruction.strip()[:1000],
            due_on=due_on,
            created_at=timezone.now(),
        )
        _route(item or case, new.department, assignee)
        target = ", ".join(
            str(t) for t in (new.department and new.department.symbol, assignee) if t
        )
        audit.record(actor, unit, "documents.assignment.forwarded", new, changes={"to": target})
        with office_language():
            event(
                actor,
                unit,
                "forwarded",
                _("Forwarded to %(target)s") % {"target": target},
                item=item,
                case=case,
            )
    return new


def _ensure_recipient(actor: Actor, unit: Unit, assignment: Assignment) -> None:
    """Only the addressee, their deputy, or a member of the addressed department."""
    if assignment.unit_id != unit.pk:
        raise PermissionDenied("another unit")
    if assignment.assignee_id is not None:
        if _may_act_for(actor, unit, assignment.assignee_id):
            return
    elif assignment.department_id is not None:
        me = user_of(actor)
        if me is not None and assignment.department_id in access.department_ids(me, unit):
            return
    if access.sees_everything(actor, unit):
        return
    raise PermissionDenied("not the addressee")


def mark_done(*, actor: Actor, unit: Unit, item: IncomingItem, note: str) -> IncomingItem:
    """Settle an item that needs no case (e.g. an invitation, an advertisement)."""
    ensure_can(actor, DOC_HANDLE, unit)
    visible = access.get_item(actor, unit, item.pk)
    if not (_may_act_for(actor, unit, visible.assignee_id) or access.sees_everything(actor, unit)):
        raise PermissionDenied("not yours")
    if visible.case_id is not None:
        raise ValidationError(_("The item is already in a case."))
    with transaction.atomic():
        visible.status = IncomingItem.Status.DONE
        visible.save(update_fields=["status"])
        audit.record(actor, unit, "documents.incoming.done", visible, changes={"note": note[:200]})
        with office_language():
            event(
                actor,
                unit,
                "done",
                _("Settled without a case: %(note)s") % {"note": note},
                item=visible,
            )
    return visible
