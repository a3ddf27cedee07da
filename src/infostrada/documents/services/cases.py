"""Cases: opening with a signature, the case file, parties, suspension, closing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada import normalisers
from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can, has_perm
from infostrada.accounts.roles import DOC_HANDLE, DOC_VIEW_ALL, WORKBENCH
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import access, search
from infostrada.documents.deadlines import statutory_deadline
from infostrada.documents.deliveries import pending_deliveries
from infostrada.documents.models import (
    Case,
    CaseList,
    CaseParty,
    CaseRelation,
    DeadlineKind,
    Department,
    Document,
    FileClass,
    IncomingItem,
)
from infostrada.documents.numbering import take_next
from infostrada.documents.services.common import (
    BlobWriter,
    add_version,
    event,
    office_language,
    user_of,
)
from infostrada.documents.services.correspondence import CORRESPONDENT_FIELDS
from infostrada.documents.services.files import check_uploads
from infostrada.tenancy.models import Unit


def retention_date(category: str, closed_on: datetime.date) -> datetime.date | None:
    """When a closed case may be destroyed (or reviewed), by its archival category.

    The period is counted in whole calendar years from 1 January of the year
    after the case was closed, as the introductory part of the JRWA annexed to
    the 2011 regulation says. Category A
    is kept for ever (None); Bc may go once it has served its purpose, i.e.
    from that 1 January.
    """
    start_year = closed_on.year + 1
    if category == "A":
        return None
    if category == "Bc":
        return datetime.date(start_year, 1, 1)
    years = int(category.removeprefix("BE").removeprefix("B"))
    return datetime.date(start_year + years, 1, 1)


def _ensure_in_department(actor: Actor, unit: Unit, department: Department) -> None:
    """An official opens cases in a department they work in (the secretary anywhere)."""
    if has_perm(actor, DOC_VIEW_ALL, unit):
        return
    me = user_of(actor)
    if me is None or department.pk not in access.department_ids(me, unit):
        raise PermissionDenied("not a member of the department")


@dataclass
class PartyData:
    role: str
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
    citizen: User | None = None


def open_case(
    *,
    actor: Actor,
    unit: Unit,
    department: Department,
    file_class: FileClass,
    title: str,
    item: IncomingItem | None = None,
    assignee: User | None = None,
    deadline_kind: str = DeadlineKind.ONE_MONTH,
    started_on: datetime.date | None = None,
    custom_deadline: datetime.date | None = None,
    description: str = "",
    parties: list[PartyData] = (),  # type: ignore[assignment]
) -> Case:
    """Open a case, from an incoming item or from nothing.

    The number is the next in the department's spis spraw for the JRWA class
    and the current year, taken under a lock in this transaction, so numbers
    are unique and gap-free however many officials open cases at once. With
    an item, its documents become the first documents of the case file and
    its sender the applicant; the KPA deadline runs from the day it arrived.
    """
    ensure_can(actor, DOC_HANDLE, unit)
    today = timezone.localdate()
    if department.unit_id != unit.pk or file_class.unit_id != unit.pk:
        raise PermissionDenied("another unit")
    if not department.is_valid_in(today.year):
        raise ValidationError({"department": _("The department does not exist this year.")})
    if not (file_class.is_leaf and file_class.is_active):
        raise ValidationError(
            {"file_class": _("Cases are kept only in active JRWA classes of the lowest level.")}
        )
    _ensure_in_department(actor, unit, department)
    if assignee is not None and not has_perm(assignee, WORKBENCH, unit):
        raise ValidationError({"assignee": _("The official holds no role in this unit.")})
    if assignee is not None and not has_perm(assignee, DOC_HANDLE, unit):
        raise ValidationError(
            {"assignee": _("The official's role in this unit does not include handling matters.")}
        )
    title = title.strip()
    if not title or len(title) > 500:
        raise ValidationError({"title": _("Give the case a title of 1 to 500 characters.")})
    if deadline_kind not in DeadlineKind.values:
        raise ValidationError({"deadline_kind": _("Unknown kind of deadline.")})
    if deadline_kind == DeadlineKind.CUSTOM and custom_deadline is None:
        raise ValidationError({"custom_deadline": _("Give the date set by the provision.")})
    if custom_deadline is not None:
        try:  # far-future dates overflowed the deadline arithmetic (a 500)
            normalisers.sane_date(custom_deadline)
        except ValidationError as exc:
            raise ValidationError({"custom_deadline": exc.messages}) from None
    if item is not None:
        item = access.get_item(actor, unit, item.pk)
        if item.case_id is not None:
            raise ValidationError({"item": _("The item is already in a case.")})
    started = started_on or (item.received_on if item is not None else today)
    if started > today:
        raise ValidationError({"started_on": _("The proceedings cannot start in the future.")})
    category = file_class.category_for(department.symbol)
    party_rows = list(parties)
    if item is not None and not party_rows:
        party_rows = [_party_from_item(item)]
    for party in party_rows:
        _validated_party(unit, party)
    with transaction.atomic():
        number, case_list = take_next(
            CaseList, unit=unit, department=department, file_class=file_class, year=today.year
        )
        case = Case.objects.create(
            unit=unit,
            case_list=case_list,
            department=department,
            file_class=file_class,
            number=number,
            year=today.year,
            signature=f"{department.symbol}.{file_class.symbol}.{number}.{today.year}",
            class_symbol=file_class.symbol,
            class_title=file_class.title,
            category=category,
            title=title,
            description=description.strip()[:4000],
            assignee=assignee or user_of(actor),
            opened_at=timezone.now(),
            opened_by=user_of(actor),
            started_on=started,
            deadline_kind=deadline_kind,
            deadline=statutory_deadline(deadline_kind, started, custom=custom_deadline),
        )
        written = [
            CaseParty.objects.create(unit=unit, case=case, **_party_fields(party))
            for party in party_rows
        ]
        if item is not None:
            _take_in_item(actor, unit, case, item)
        audit.record(
            actor,
            unit,
            "documents.case.opened",
            case,
            changes={
                "signature": case.signature,
                "title": title,
                "item": item.register_number if item else None,
            },
        )
        with office_language():
            event(
                actor,
                unit,
                "opened",
                _("Case opened: %(signature)s") % {"signature": case.signature},
                case=case,
            )
        if item is None:
            search.index_new_case(case, written)
        else:
            search.reindex_case(case)
    return case


def _party_from_item(item: IncomingItem) -> PartyData:
    values = {name: getattr(item, name) for name in CORRESPONDENT_FIELDS}
    return PartyData(role=CaseParty.Role.APPLICANT, **values)


def _party_fields(party: PartyData) -> dict[str, Any]:
    values = {name: getattr(party, name) for name in CORRESPONDENT_FIELDS}
    return {"role": party.role, "citizen": party.citizen, **values}


def _validated_party(unit: Unit, party: PartyData) -> None:
    row = CaseParty(unit=unit, **_party_fields(party))
    row.full_clean(exclude=["unit", "case"])
    row.clean_correspondent()
    if party.citizen is not None and party.citizen.kind != "citizen":
        raise ValidationError({"citizen": _("Only a resident's account can receive letters.")})


def _take_in_item(actor: Actor, unit: Unit, case: Case, item: IncomingItem) -> None:
    """Put an item's documents into the case file, in order, and link the item."""
    item.case = case
    item.status = IncomingItem.Status.IN_CASE
    item.save(update_fields=["case", "status"])
    documents = Document.objects.for_unit(unit).filter(incoming_item=item).order_by("pk")
    for document in documents:
        _place(case, document)
    with office_language():
        event(
            actor,
            unit,
            "item_added",
            _("Incoming item %(number)s added to the case file") % {"number": item.register_number},
            case=case,
            item=item,
        )


def _place(case: Case, document: Document) -> None:
    """Give a document the next position in the case file (locks the case row)."""
    locked = Case.objects.for_unit(case.unit_id).select_for_update().get(pk=case.pk)
    locked.last_document_position += 1
    locked.save(update_fields=["last_document_position"])
    case.last_document_position = locked.last_document_position
    document.case = case
    document.position = locked.last_document_position
    document.save(update_fields=["case", "position"])


def _ensure_handles(actor: Actor, unit: Unit, case: Case) -> Case:
    """The case is visible to the actor, open for changes, and the actor handles cases."""
    ensure_can(actor, DOC_HANDLE, unit)
    case = access.get_case(actor, unit, case.pk)
    if case.is_closed:
        raise ValidationError(_("The case is closed."))
    return case


def add_item_to_case(*, actor: Actor, unit: Unit, case: Case, item: IncomingItem) -> Case:
    """A further letter in a running case (e.g. the party's supplement)."""
    case = _ensure_handles(actor, unit, case)
    item = access.get_item(actor, unit, item.pk)
    if item.case_id is not None:
        raise ValidationError({"item": _("The item is already in a case.")})
    with transaction.atomic():
        _take_in_item(actor, unit, case, item)
        audit.record(
            actor,
            unit,
            "documents.case.item_added",
            case,
            changes={"item": item.register_number},
        )
        search.reindex_case(case)
    return case


def add_document(
    *,
    actor: Actor,
    unit: Unit,
    case: Case,
    title: str,
    kind: str,
    filename: str,
    data: bytes | IO[bytes],
    direction: str = Document.Direction.INTERNAL,
    description: str = "",
) -> Document:
    """Add a file (a note, an opinion, a scan) to the case file."""
    case = _ensure_handles(actor, unit, case)
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if not title.strip() or len(title) > 500:
        raise ValidationError({"title": _("Give the document a title of 1 to 500 characters.")})
    checked = check_uploads([(filename, data)])[0]
    me = user_of(actor)
    with BlobWriter() as blobs:
        path = blobs.put(unit.pk, checked.file)
        with transaction.atomic():
            document = Document.objects.create(
                unit=unit,
                direction=direction,
                kind=kind,
                dc_type=(
                    Document.DcType.IMAGE
                    if checked.file.mime.startswith("image/")
                    else Document.DcType.TEXT
                ),
                title=title.strip(),
                creator_name=(me.get_full_name() if me else actor.name) or unit.official_name,
                creator_kind="person" if me else "institution",
                created_at=timezone.now(),
                description=description.strip()[:4000],
                created_by=me,
                signature_status=checked.signature_status,
                signature_summary=checked.signature_summary[:500],
            )
            add_version(
                document=document, file=checked.file, path=path, actor=actor, text=checked.text
            )
            _place(case, document)
            audit.record(
                actor,
                unit,
                "documents.case.document_added",
                document,
                changes={
                    "case": case.signature,
                    "title": document.title,
                    "sha256": checked.file.sha256,
                },
            )
            with office_language():
                event(
                    actor,
                    unit,
                    "document_added",
                    _("Document added: %(title)s") % {"title": document.title},
                    case=case,
                )
            search.reindex_case(case)
    return document


def add_party(*, actor: Actor, unit: Unit, case: Case, party: PartyData) -> CaseParty:
    case = _ensure_handles(actor, unit, case)
    _validated_party(unit, party)
    with transaction.atomic():
        row = CaseParty.objects.create(unit=unit, case=case, **_party_fields(party))
        audit.record(
            actor,
            unit,
            "documents.case.party_added",
            row,
            changes={"case": case.signature, "party": row.correspondent_name},
        )
        with office_language():
            event(
                actor,
                unit,
                "party_added",
                _("Party added: %(name)s") % {"name": row.correspondent_name},
                case=case,
            )
        search.reindex_case(case)
    return row


def relate_cases(
    *, actor: Actor, unit: Unit, case: Case, related: Case, note: str = ""
) -> CaseRelation:
    case = _ensure_handles(actor, unit, case)
    related = access.get_case(actor, unit, related.pk)
    if related.pk == case.pk:
        raise ValidationError({"related": _("A case cannot be related to itself.")})
    with transaction.atomic():
        relation, _created = CaseRelation.objects.for_unit(unit).get_or_create(
            unit=unit, case=case, related=related, defaults={"note": note[:200]}
        )
        CaseRelation.objects.for_unit(unit).get_or_create(
            unit=unit, case=related, related=case, defaults={"note": note[:200]}
        )
        audit.record(
            actor,
            unit,
            "documents.case.related",
            case,
            changes={"case": case.signature, "related": related.signature},
        )
        with office_language():
            event(
                actor,
                unit,
                "related",
                _("Related to %(signature)s") % {"signature": related.signature},
                case=case,
            )
    return relation


def suspend_case(
    *, actor: Actor, unit: Unit, case: Case, since: datetime.date, reason: str
) -> Case:
    """Suspend the proceedings (KPA art. 97-98); the deadline stops running."""
    case = _ensure_handles(actor, unit, case)
    if case.status == Case.Status.SUSPENDED:
        raise ValidationError(_("The case is already suspended."))
    if since > timezone.localdate() or since < case.started_on:
        raise ValidationError({"since": _("Give a date between the start and today.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the legal ground of the suspension.")})
    with transaction.atomic():
        case.status = Case.Status.SUSPENDED
        case.suspended_since = since
        case.save(update_fields=["status", "suspended_since"])
        audit.record(
            actor,
            unit,
            "documents.case.suspended",
            case,
            changes={"since": str(since), "reason": reason[:200]},
        )
        with office_language():
            event(
                actor,
                unit,
                "suspended",
                _("Suspended from %(date)s: %(reason)s") % {"date": since, "reason": reason},
                case=case,
            )
    return case


def resume_case(*, actor: Actor, unit: Unit, case: Case, on: datetime.date) -> Case:
    """Resume suspended proceedings; the days of suspension extend the deadline."""
    ensure_can(actor, DOC_HANDLE, unit)
    case = access.get_case(actor, unit, case.pk)
    if case.status != Case.Status.SUSPENDED or case.suspended_since is None:
        raise ValidationError(_("The case is not suspended."))
    if on < case.suspended_since or on > timezone.localdate():
        raise ValidationError({"on": _("Give a date between the suspension and today.")})
    with transaction.atomic():
        this_period = (on - case.suspended_since).days
        case.suspended_days += this_period
        case.suspended_since = None
        case.status = Case.Status.OPEN
        if case.deadline_kind == DeadlineKind.CUSTOM:
            # A custom deadline is stored already moved by earlier suspensions:
            # move it by this period only (the total counted them twice).
            case.deadline = statutory_deadline(
                case.deadline_kind,
                case.started_on,
                suspended_days=this_period,
                custom=case.deadline,
            )
        else:
            case.deadline = statutory_deadline(
                case.deadline_kind, case.started_on, suspended_days=case.suspended_days
            )
        case.save(update_fields=["suspended_days", "suspended_since", "status", "deadline"])
        audit.record(
            actor,
            unit,
            "documents.case.resumed",
            case,
            changes={"on": str(on), "deadline": str(case.deadline)},
        )
        with office_language():
            event(
                actor,
                unit,
                "resumed",
                _("Resumed on %(date)s; deadline %(deadline)s")
                % {"date": on, "deadline": case.deadline or "—"},
                case=case,
            )
    return case


def close_case(
    *, actor: Actor, unit: Unit, case: Case, note: str, confirm_pending: bool = False
) -> Case:
    """Close a settled case; its retention date follows from its archival category.

    While a decision of the case has not been delivered to every addressee
    (``deliveries.pending_deliveries``) the case closes only with
    ``confirm_pending``: the official has seen the list and closes anyway.
    """
    case = _ensure_handles(actor, unit, case)
    if not note.strip():
        raise ValidationError({"note": _("Say how the case was settled.")})
    pending = pending_deliveries(unit, case)
    if pending and not confirm_pending:
        raise ValidationError(
            {
                "confirm_pending": _(
                    "A decision of this case has not been delivered to every addressee yet: "
                    "confirm that the case is to be closed anyway."
                )
            },
            code="pending_delivery",
        )
    unfinished = (
        Document.objects.for_unit(unit)
        .filter(
            case=case,
            status__in=[
                Document.Status.DRAFT,
                Document.Status.IN_APPROVAL,
                Document.Status.APPROVED,
            ],
        )
        .exists()
    )
    if unfinished:
        raise ValidationError(
            _("Drafts in this case are not finished: sign and dispatch them or withdraw them.")
        )
    now = timezone.now()
    with transaction.atomic():
        case.status = Case.Status.CLOSED
        case.closed_at = now
        case.closed_by = user_of(actor)
        case.closing_note = note.strip()[:500]
        case.retention_until = retention_date(case.category, timezone.localdate(now))
        case.save(
            update_fields=["status", "closed_at", "closed_by", "closing_note", "retention_until"]
        )
        audit.record(
            actor,
            unit,
            "documents.case.closed",
            case,
            changes={"note": note[:200], "retention_until": str(case.retention_until)}
            | ({"pending_deliveries_confirmed": len(pending)} if pending else {}),
        )
        with office_language():
            event(
                actor,
                unit,
                "closed",
                _("Case closed: %(note)s") % {"note": note.strip()},
                case=case,
            )
        search.reindex_case(case)
    return case
