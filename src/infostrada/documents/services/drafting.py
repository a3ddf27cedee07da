"""Outgoing documents: drafts from templates, versions, approval path, sealing."""

from __future__ import annotations

import hashlib
from string import Template
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can, has_perm
from infostrada.accounts.roles import DOC_APPROVE, DOC_HANDLE, DOC_SIGN
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import access, notifications, render, search
from infostrada.documents.models import (
    ApprovalStep,
    Case,
    CaseParty,
    DistributionEntry,
    Document,
    DocumentTemplate,
    DocumentVersion,
)
from infostrada.documents.services.cases import _ensure_handles, _place
from infostrada.documents.services.common import (
    BlobWriter,
    FileToStore,
    add_version,
    event,
    office_language,
    pgettext_office,
    user_of,
)
from infostrada.documents.services.organisation import office_rules
from infostrada.tenancy.models import Unit

MAX_BODY = 100_000
MAX_APPROVERS = 10
# What a template may use; anything else stays as typed ($name is left alone).
PLACEHOLDERS = {
    "case_signature": "ZP.6730.12.2026",
    "case_title": gettext_lazy("title of the case"),
    "applicant": gettext_lazy("the applicant's name"),
    "applicant_address": gettext_lazy("the applicant's postal address"),
    "date": "24 listopada 2026 r.",
    "unit": gettext_lazy("the unit's official name"),
    "official": gettext_lazy("the case officer's name"),
}


def _context(case: Case, actor: Actor) -> dict[str, str]:
    applicant = (
        CaseParty.objects.for_unit(case.unit_id).filter(case=case).order_by("role", "pk").first()
    )
    me = user_of(actor)
    return {
        "case_signature": case.signature,
        "case_title": case.title,
        "applicant": applicant.correspondent_name if applicant else "",
        "applicant_address": applicant.postal_address if applicant else "",
        "date": render.polish_date(timezone.localdate()),
        "unit": case.unit.official_name,
        "official": (me.get_full_name() if me else "") or "",
    }


def _text_file(title: str, body: str) -> FileToStore:
    data = body.encode("utf-8")
    return FileToStore(
        filename=f"{title[:80]}.txt",
        mime="text/plain",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def _check_body(title: str, body: str) -> None:
    if not title.strip() or len(title) > 500:
        raise ValidationError({"title": _("Give the document a title of 1 to 500 characters.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("The text is too long.")})
    if "\x00" in body:
        raise ValidationError({"body": _("The text contains a NUL character.")})


def create_draft(
    *,
    actor: Actor,
    unit: Unit,
    case: Case,
    title: str,
    kind: str = Document.Kind.LETTER,
    template: DocumentTemplate | None = None,
    body: str = "",
    recipient_name: str = "",
    in_reply_to: Document | None = None,
) -> Document:
    """A draft reply or decision in a case, from a template or from a text."""
    case = _ensure_handles(actor, unit, case)
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if template is not None:
        if template.unit_id != unit.pk or not template.is_active:
            raise ValidationError({"template": _("Unknown template.")})
        body = Template(template.body).safe_substitute(_context(case, actor))
    _check_body(title, body)
    if in_reply_to is not None and in_reply_to.case_id != case.pk:
        raise ValidationError({"in_reply_to": _("Reply to a document of the same case.")})
    if not recipient_name:
        context = _context(case, actor)
        recipient_name = context["applicant"]
    file = _text_file(title, body)
    with BlobWriter() as blobs:
        path = blobs.put(unit.pk, file)
        with transaction.atomic():
            document = Document.objects.create(
                unit=unit,
                direction=Document.Direction.OUTGOING,
                kind=kind,
                title=title.strip(),
                creator_name=unit.official_name,
                creator_kind="institution",
                recipient_name=recipient_name[:300],
                created_at=timezone.now(),
                status=Document.Status.DRAFT,
                created_by=user_of(actor),
                template=template,
                in_reply_to=in_reply_to,
            )
            add_version(
                document=document,
                file=file,
                path=path,
                actor=actor,
                body=body,
                text=body,
                note=pgettext_office("first draft"),
            )
            _place(case, document)
            audit.record(
                actor,
                unit,
                "documents.draft.created",
                document,
                changes={"case": case.signature, "title": document.title},
            )
            with office_language():
                event(
                    actor,
                    unit,
                    "draft_created",
                    _("Draft created: %(title)s") % {"title": document.title},
                    case=case,
                )
            search.reindex_case(case)
    return document


def _editable(actor: Actor, unit: Unit, document: Document) -> Document:
    ensure_can(actor, DOC_HANDLE, unit)
    document = access.get_document(actor, unit, document.pk)
    if document.status != Document.Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed."))
    if document.case is None or document.case.is_closed:
        raise ValidationError(_("The case is closed."))
    return document


def update_draft(
    *, actor: Actor, unit: Unit, document: Document, title: str, body: str, note: str = ""
) -> DocumentVersion:
    """A new version of the draft; earlier versions stay in the history."""
    document = _editable(actor, unit, document)
    _check_body(title, body)
    file = _text_file(title, body)
    with BlobWriter() as blobs:
        path = blobs.put(unit.pk, file)
        with transaction.atomic():
            if document.title != title.strip():
                document.title = title.strip()
                document.save(update_fields=["title"])
            version = add_version(
                document=document,
                file=file,
                path=path,
                actor=actor,
                body=body,
                text=body,
                note=note[:300],
            )
            audit.record(
                actor,
                unit,
                "documents.draft.updated",
                document,
                changes={"version": version.number, "sha256": file.sha256},
            )
            with office_language():
                event(
                    actor,
                    unit,
                    "draft_updated",
                    _("Draft %(title)s: version %(n)d")
                    % {"title": document.title, "n": version.number},
                    case=document.case,
                )
            search.reindex_case(document.case)
    return version


# Administrative acts (KPA art. 104, 123) that the four-eyes rule covers.
FOUR_EYES_KINDS = (Document.Kind.DECISION, Document.Kind.RULING)


def _four_eyes(unit: Unit, document: Document) -> bool:
    """Whether the unit requires a decision's approver to be someone other than its author."""
    return document.kind in FOUR_EYES_KINDS and office_rules(unit).four_eyes_decisions


def _authors(document: Document) -> set[int]:
    """Who wrote the document: who created it and who wrote any of its versions."""
    authors = set(
        DocumentVersion.objects.for_unit(document.unit_id)
        .filter(document=document, created_by__isnull=False)
        .values_list("created_by_id", flat=True)
    )
    if document.created_by_id is not None:
        authors.add(document.created_by_id)
    return authors


def submit_for_approval(
    *, actor: Actor, unit: Unit, document: Document, approvers: list[User]
) -> list[ApprovalStep]:
    """Send a draft along an approval path of one or more approvers, in the order given.

    The order is the official's: the first approver decides first. Where the
    unit requires it (OfficeRules.four_eyes_decisions), a decision's path may
    not name its author; nothing is written then.
    """
    document = _editable(actor, unit, document)
    if not approvers:
        raise ValidationError({"approvers": _("Choose at least one approver.")})
    if len(approvers) > MAX_APPROVERS:
        raise ValidationError({"approvers": _("At most ten approvers.")})
    if len({a.pk for a in approvers}) != len(approvers):
        raise ValidationError({"approvers": _("Each approver may appear once.")})
    for approver in approvers:
        if not has_perm(approver, DOC_APPROVE, unit):
            raise ValidationError(
                {
                    "approvers": _("%(name)s may not approve documents in this unit.")
                    % {"name": approver.get_full_name() or approver.username}
                }
            )
    if _four_eyes(unit, document):
        authors = _authors(document)
        for approver in approvers:
            if approver.pk in authors:
                raise ValidationError(
                    {
                        "approvers": _(
                            "%(name)s wrote this decision and cannot approve it: this unit "
                            "requires the approval of another official (four-eyes rule)."
                        )
                        % {"name": approver.get_full_name() or approver.username}
                    }
                )
    with transaction.atomic():
        last_round = (
            ApprovalStep.objects.for_unit(unit)
            .filter(document=document)
            .order_by("-round")
            .values_list("round", flat=True)
            .first()
        )
        round_ = (last_round or 0) + 1
        steps = [
            ApprovalStep.objects.create(
                unit=unit,
                document=document,
                position=i,
                round=round_,
                approver=approver,
                decision=ApprovalStep.Decision.PENDING if i == 1 else ApprovalStep.Decision.WAITING,
            )
            for i, approver in enumerate(approvers, start=1)
        ]
        document.status = Document.Status.IN_APPROVAL
        document.save(update_fields=["status"])
        names = ", ".join(a.get_full_name() or a.username for a in approvers)
        audit.record(
            actor,
            unit,
            "documents.draft.submitted",
            document,
            changes={"approvers": [a.username for a in approvers], "round": round_},
        )
        with office_language():
            event(
                actor,
                unit,
                "submitted",
                _("Sent for approval to %(names)s") % {"names": names},
                case=document.case,
            )
        notifications.approval_requested(steps[0])
    return steps


def decide(
    *, actor: Actor, unit: Unit, document: Document, approve: bool, comment: str = ""
) -> ApprovalStep:
    """The current approver approves (passing it on) or returns the draft."""
    ensure_can(actor, DOC_APPROVE, unit)
    me = user_of(actor)
    with transaction.atomic():
        step = (
            ApprovalStep.objects.for_unit(unit)
            .select_for_update(of=("self",))
            .filter(document_id=document.pk, decision=ApprovalStep.Decision.PENDING)
            .select_related("document", "document__case")
            .first()
        )
        if step is None:
            raise ValidationError(_("Nothing waits for approval in this document."))
        if me is None or not (
            step.approver_id == me.pk or step.approver_id in access.deputised_ids(me, unit)
        ):
            raise PermissionDenied("not your turn")
        if not approve and not comment.strip():
            raise ValidationError({"comment": _("Say what is to be corrected.")})
        document = step.document
        if approve and _four_eyes(unit, document) and me.pk in _authors(document):
            raise ValidationError(
                _(
                    "You wrote this decision and cannot approve it: this unit requires the "
                    "approval of another official (four-eyes rule). Return it, or ask for "
                    "it to be sent to another approver."
                )
            )
        step.decision = (
            ApprovalStep.Decision.APPROVED if approve else ApprovalStep.Decision.RETURNED
        )
        step.decided_at = timezone.now()
        step.decided_by = me
        step.comment = comment.strip()[:1000]
        step.save(update_fields=["decision", "decided_at", "decided_by", "comment"])
        following = (
            ApprovalStep.objects.for_unit(unit)
            .filter(document=document, round=step.round, position__gt=step.position)
            .order_by("position")
        )
        if approve:
            nxt = following.first()
            if nxt is not None:
                nxt.decision = ApprovalStep.Decision.PENDING
                nxt.save(update_fields=["decision"])
                notifications.approval_requested(nxt)
            else:
                document.status = Document.Status.APPROVED
                document.save(update_fields=["status"])
        else:
            following.delete()
            document.status = Document.Status.DRAFT
            document.save(update_fields=["status"])
        name = me.get_full_name() or me.username
        audit.record(
            actor,
            unit,
            "documents.draft.approved" if approve else "documents.draft.returned",
            document,
            changes={"round": step.round, "position": step.position, "comment": comment[:200]},
        )
        with office_language():
            event(
                actor,
                unit,
                "approved" if approve else "returned",
                (_("Approved by %(name)s") if approve else _("Returned by %(name)s: %(comment)s"))
                % {"name": name, "comment": comment.strip()},
                case=document.case,
            )
    return step


def latest_version(document: Document) -> DocumentVersion:
    return (
        DocumentVersion.objects.for_unit(document.unit_id)
        .filter(document=document)
        .order_by("-number")
        .first()
    )


def sign(*, actor: Actor, unit: Unit, document: Document, signer_title: str = "") -> Document:
    """Render the approved draft to PDF and seal it with the unit's certificate (PAdES)."""
    from infostrada.documents import seal

    ensure_can(actor, DOC_SIGN, unit)
    document = access.get_document(actor, unit, document.pk)
    if document.status != Document.Status.APPROVED:
        raise ValidationError(_("Only an approved document can be signed."))
    case = document.case
    if case is None or case.is_closed:
        raise ValidationError(_("The case is closed."))
    me = user_of(actor)
    body = latest_version(document).body
    applicant = CaseParty.objects.for_unit(unit).filter(case=case).order_by("role", "pk").first()
    recipient_lines = [document.recipient_name]
    if applicant is not None and applicant.correspondent_name == document.recipient_name:
        recipient_lines += [applicant.street, f"{applicant.postal_code} {applicant.city}".strip()]
    today = timezone.localdate()
    signer_name = me.get_full_name() if me else actor.name
    listed = DistributionEntry.objects.for_unit(unit).filter(document=document)
    footer = render.distribution_footer(
        [e.correspondent_name for e in listed if e.list == DistributionEntry.List.RECIPIENT],
        [e.correspondent_name for e in listed if e.list != DistributionEntry.List.RECIPIENT],
    )
    with office_language():
        pdf = render.letter_pdf(
            render.Letter(
                office_name=unit.official_name,
                office_address=unit.address.replace(", ", "\n"),
                place=unit.address.rsplit(" ", 1)[-1] if unit.address else unit.name,
                date=today,
                signature=case.signature,
                recipient_lines=[line for line in recipient_lines if line],
                title=document.title,
                body=body,
                signer_lines=[
                    signer_name,
                    signer_title or _("on behalf of the head of the office"),
                    _("— sealed electronically —"),
                ],
                footer=footer,
            )
        )
    sealed = seal.seal_pdf(unit, pdf, reason=document.title, signer_name=signer_name)
    file = FileToStore(
        filename=f"{case.signature}-{document.pk}.pdf",
        mime="application/pdf",
        size=len(sealed),
        sha256=hashlib.sha256(sealed).hexdigest(),
        data=sealed,
    )
    with BlobWriter() as blobs:
        path = blobs.put(unit.pk, file)
        with transaction.atomic():
            document.status = Document.Status.SIGNED
            document.signed_at = timezone.now()
            document.signature_status = Document.SignatureStatus.VALID
            document.signature_summary = pgettext_office("Sealed by %(unit)s") % {
                "unit": unit.official_name
            }
            document.save(
                update_fields=["status", "signed_at", "signature_status", "signature_summary"]
            )
            add_version(
                document=document,
                file=file,
                path=path,
                actor=actor,
                text=body,
                body=body,
                note=pgettext_office("signed PDF"),
            )
            audit.record(
                actor,
                unit,
                "documents.signed",
                document,
                changes={"sha256": file.sha256, "case": case.signature},
            )
            with office_language():
                event(
                    actor,
                    unit,
                    "signed",
                    _("Signed: %(title)s") % {"title": document.title},
                    case=case,
                )
    return document


def withdraw_draft(*, actor: Actor, unit: Unit, document: Document, reason: str) -> Document:
    """Drop a draft that will not be sent (it stays in the case file as withdrawn)."""
    ensure_can(actor, DOC_HANDLE, unit)
    document = access.get_document(actor, unit, document.pk)
    if document.status not in (
        Document.Status.DRAFT,
        Document.Status.IN_APPROVAL,
        Document.Status.APPROVED,
    ):
        raise ValidationError(_("Only an unsigned draft can be withdrawn."))
    with transaction.atomic():
        ApprovalStep.objects.for_unit(unit).filter(
            document=document,
            decision__in=[ApprovalStep.Decision.PENDING, ApprovalStep.Decision.WAITING],
        ).delete()
        document.status = Document.Status.WITHDRAWN
        document.description = (_("Withdrawn: %(reason)s") % {"reason": reason})[:4000]
        document.save(update_fields=["status", "description"])
        audit.record(
            actor, unit, "documents.draft.withdrawn", document, changes={"reason": reason[:200]}
        )
        with office_language():
            event(
                actor,
                unit,
                "withdrawn",
                _("Draft withdrawn: %(title)s") % {"title": document.title},
                case=document.case,
            )
    return document


def approval_queue(actor: Actor, unit: Unit) -> Any:
    """Drafts waiting for this official's decision (or their absent colleague's)."""
    me = user_of(actor)
    if me is None:
        return ApprovalStep.objects.for_unit(unit).none()
    people = [me.pk, *access.deputised_ids(me, unit)]
    return (
        ApprovalStep.objects.for_unit(unit)
        .filter(approver_id__in=people, decision=ApprovalStep.Decision.PENDING)
        .select_related("document", "document__case")
        .order_by("pk")
    )
