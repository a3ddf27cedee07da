"""One document: versions, editing a draft, approval, sealing, dispatch; downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from infostrada.accounts.access import official
from infostrada.accounts.models import User
from infostrada.accounts.permissions import has_perm
from infostrada.accounts.roles import (
    DOC_APPROVE,
    DOC_DISPATCH,
    DOC_HANDLE,
    DOC_SIGN,
    ROLE_PERMISSIONS,
)
from infostrada.documents import access
from infostrada.documents.forms import (
    ApproversForm,
    DecisionForm,
    DispatchForm,
    EditDraftForm,
    PostedForm,
    officials_of,
)
from infostrada.documents.models import (
    ApprovalStep,
    CaseParty,
    Document,
    DocumentVersion,
    OutgoingItem,
)
from infostrada.documents.services import dispatch, drafting
from infostrada.documents.services.dispatch import RecipientData
from infostrada.documents.views.common import actor, apply_errors, frame

CORRESPONDENT = (
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
    "email",
)


def _approvers(unit):  # type: ignore[no-untyped-def]
    """Officials whose role in the unit lets them approve (one query, no per-user checks)."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if DOC_APPROVE in perms]
    return officials_of(unit).filter(memberships__unit=unit, memberships__role__in=roles)


@official()
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    document = access.get_document(actor(request), unit, document_id)
    case = document.case
    action = request.POST.get("action", "") if request.method == "POST" else ""
    latest = drafting.latest_version(document)
    applicant = (
        CaseParty.objects.for_unit(unit).filter(case=case).order_by("role", "pk").first()
        if case
        else None
    )
    initial_recipient = (
        {k: getattr(applicant, k) for k in CORRESPONDENT} | {"citizen": applicant.citizen_id}
        if applicant
        else {}
    )
    if applicant is not None and applicant.citizen_id:
        initial_recipient["channel"] = "portal"
    citizens = User.objects.filter(kind=User.Kind.CITIZEN).order_by("last_name", "first_name")
    forms_ = {
        "edit": EditDraftForm(
            request.POST if action == "edit" else None,
            initial={"title": document.title, "body": latest.body if latest else ""},
        ),
        "submit": ApproversForm(
            request.POST if action == "submit" else None, approvers=_approvers(unit)
        ),
        "decide": DecisionForm(request.POST if action == "decide" else None),
        "dispatch": DispatchForm(
            request.POST if action == "dispatch" else None,
            citizens=citizens,
            initial=initial_recipient,
        ),
    }
    if action in forms_ and forms_[action].is_valid():
        try:
            _document_action(request, document, action, forms_[action].cleaned_data)
        except ValidationError as error:
            apply_errors(forms_[action], error)
        else:
            return redirect(
                "documents:document_detail", unit_slug=unit.slug, document_id=document.pk
            )
    elif action in ("sign", "withdraw"):
        try:
            if action == "sign":
                drafting.sign(actor=actor(request), unit=unit, document=document)
                messages.success(request, _("The document is signed with the unit's seal."))
            else:
                drafting.withdraw_draft(
                    actor=actor(request),
                    unit=unit,
                    document=document,
                    reason=request.POST.get("reason", "")[:300],
                )
                messages.success(request, _("The draft was withdrawn."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("documents:document_detail", unit_slug=unit.slug, document_id=document.pk)
    me = request.user
    steps = list(
        ApprovalStep.objects.for_unit(unit)
        .filter(document=document)
        .select_related("approver", "decided_by")
        .order_by("round", "position")
    )
    my_turn = any(
        s.decision == ApprovalStep.Decision.PENDING
        and s.approver_id in (me.pk, *access.deputised_ids(me, unit))
        for s in steps
    )
    editable = document.status == Document.Status.DRAFT and case is not None and not case.is_closed
    return render(
        request,
        "documents/document_detail.html",
        frame(
            request,
            "cases",
            document=document,
            case=case,
            latest=latest,
            versions=list(
                DocumentVersion.objects.for_unit(unit).filter(document=document).order_by("-number")
            ),
            steps=steps,
            forms=forms_,
            action=action,
            my_turn=my_turn,
            may_edit=editable and has_perm(me, DOC_HANDLE, unit),
            may_sign=document.status == Document.Status.APPROVED and has_perm(me, DOC_SIGN, unit),
            may_dispatch=document.status == Document.Status.SIGNED
            and has_perm(me, DOC_DISPATCH, unit),
            dispatches=list(OutgoingItem.objects.for_unit(unit).filter(document=document)),
        ),
    )


def _document_action(request: HttpRequest, document: Document, action: str, data: dict) -> None:  # type: ignore[type-arg]
    unit, who = request.unit, actor(request)  # type: ignore[attr-defined]
    if action == "edit":
        drafting.update_draft(
            actor=who,
            unit=unit,
            document=document,
            title=data["title"],
            body=data["body"],
            note=data["note"],
        )
        messages.success(request, _("A new version of the draft is saved."))
    elif action == "submit":
        drafting.submit_for_approval(
            actor=who, unit=unit, document=document, approvers=data["approvers"]
        )
        messages.success(request, _("The draft was sent for approval."))
    elif action == "decide":
        approve = data["decision"] == "approve"
        drafting.decide(
            actor=who, unit=unit, document=document, approve=approve, comment=data["comment"]
        )
        messages.success(request, _("Approved.") if approve else _("Returned for correction."))
    elif action == "dispatch":
        recipient = RecipientData(**{k: data[k] for k in CORRESPONDENT})
        item = dispatch.dispatch(
            actor=who,
            unit=unit,
            document=document,
            channel=data["channel"],
            recipient=recipient,
            citizen=data["citizen"],
        )
        messages.success(
            request,
            _("Registered in the outgoing register as %(number)s.")
            % {"number": item.register_number},
        )


@official()
def version_download(request: HttpRequest, document_id: int, version: int) -> HttpResponse:
    """The bytes of one version, only for whoever may see the document."""
    unit = request.unit  # type: ignore[attr-defined]
    document = access.get_document(actor(request), unit, document_id)
    row = DocumentVersion.objects.for_unit(unit).filter(document=document, number=version).first()
    if row is None or not row.file.name or not default_storage.exists(row.file.name):
        raise Http404("no such version")
    response = FileResponse(
        default_storage.open(row.file.name, "rb"),
        as_attachment=True,
        filename=row.filename,
        content_type=row.mime,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@official(DOC_APPROVE)
def approvals(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    queue = list(drafting.approval_queue(actor(request), unit))
    return render(request, "documents/approvals.html", frame(request, "approvals", queue=queue))


@official(DOC_DISPATCH)
def outgoing_register(request: HttpRequest) -> HttpResponse:
    """Rejestr przesyłek wychodzących; paper letters are marked as posted here."""
    unit = request.unit  # type: ignore[attr-defined]
    form = PostedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = OutgoingItem.objects.for_unit(unit).filter(pk=_int(request.POST.get("item"))).first()
        if item is None:
            raise Http404("no such item")
        try:
            dispatch.mark_posted(
                actor=actor(request), unit=unit, item=item, posted_on=form.cleaned_data["posted_on"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Marked as posted."))
        return redirect("documents:outgoing_register", unit_slug=unit.slug)
    items = (
        OutgoingItem.objects.for_unit(unit)
        .select_related("document", "case")
        .order_by("-year", "-number")[:100]
    )
    return render(
        request, "documents/outgoing.html", frame(request, "outgoing", items=list(items), form=form)
    )


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404("bad id") from None
