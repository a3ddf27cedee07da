"""One document: versions, editing a draft, approval, sealing, dispatch; downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from infostrada.accounts.access import official
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
    AddresseeForm,
    ApproversForm,
    DecisionForm,
    EditDraftForm,
    PostedForm,
    officials_of,
)
from infostrada.documents.models import (
    ApprovalStep,
    CaseParty,
    DistributionEntry,
    Document,
    DocumentVersion,
    OutgoingItem,
)
from infostrada.documents.services import dispatch, drafting
from infostrada.documents.services.dispatch import RecipientData
from infostrada.documents.views.common import (
    actor,
    apply_errors,
    frame,
    resident_initial,
    resident_lookup,
)

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
    lookup, found = resident_lookup(request)
    forms_ = {
        "edit": EditDraftForm(
            request.POST if action == "edit" else None,
            initial={"title": document.title, "body": latest.body if latest else ""},
        ),
        "submit": ApproversForm(
            request.POST if action == "submit" else None, approvers=_approvers(unit)
        ),
        "decide": DecisionForm(request.POST if action == "decide" else None),
        "addressee": AddresseeForm(
            request.POST if action == "addressee" else None,
            initial=resident_initial(found, lookup) | ({"channel": "portal"} if found else {}),
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
    elif action in ("sign", "withdraw", "dispatch", "add_parties", "remove_addressee"):
        try:
            if action in ("dispatch", "add_parties", "remove_addressee"):
                _distribution_action(request, document, action)
            elif action == "sign":
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
    distribution = distribution_of(unit, document)
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
            # the chancellery may dispatch a document without reading its case file
            case_openable=case is not None
            and access.visible_cases(actor(request), unit).filter(pk=case.pk).exists(),
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
            may_dispatch=document.status in dispatch.DISPATCHABLE
            and has_perm(me, DOC_DISPATCH, unit),
            may_address=document.status in dispatch.ADDRESSABLE
            and document.direction != Document.Direction.INCOMING
            and has_perm(me, DOC_DISPATCH, unit),
            distribution=distribution,
            # Items sent before documents had a distribution list (no entry).
            earlier=list(
                OutgoingItem.objects.for_unit(unit).filter(document=document, entry__isnull=True)
            ),
            pending=[e for e in distribution if e.item is None],
            lookup=lookup,
            found=found,
            has_parties=case is not None
            and CaseParty.objects.for_unit(unit).filter(case=case).exists(),
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
    elif action == "addressee":
        dispatch.add_addressee(
            actor=who,
            unit=unit,
            document=document,
            channel=data["channel"],
            recipient=RecipientData(**{k: data[k] for k in CORRESPONDENT}),
            citizen=data["citizen"],
            list_kind=data["list_kind"],
        )
        messages.success(request, _("The addressee is on the distribution list."))


def _distribution_action(request: HttpRequest, document: Document, action: str) -> None:
    """Buttons of the distribution list: add the case's parties, remove one, dispatch."""
    unit, who = request.unit, actor(request)  # type: ignore[attr-defined]
    if action == "add_parties":
        added, skipped = dispatch.add_case_parties(actor=who, unit=unit, document=document)
        messages.success(
            request,
            ngettext(
                "%(n)d party added to the distribution list.",
                "%(n)d parties added to the distribution list.",
                len(added),
            )
            % {"n": len(added)},
        )
        if skipped:
            messages.warning(
                request,
                _("No channel reaches %(names)s: add them by hand with an address.")
                % {"names": ", ".join(skipped)},
            )
    elif action == "remove_addressee":
        entry = (
            DistributionEntry.objects.for_unit(unit)
            .filter(document=document, pk=_int(request.POST.get("entry")))
            .select_related("document")
            .first()
        )
        if entry is None:
            raise Http404("no such addressee")
        dispatch.remove_addressee(actor=who, unit=unit, entry=entry)
        messages.success(request, _("The addressee was removed from the list."))
    else:
        ids = [int(pk) for pk in request.POST.getlist("entry") if pk.isdigit() and len(pk) < 19]
        items = dispatch.dispatch_pending(actor=who, unit=unit, document=document, entry_ids=ids)
        if not items:
            messages.info(request, _("Every addressee on the list has already been dispatched."))
        for item in items:
            if item.status == OutgoingItem.Status.FAILED:
                messages.error(
                    request,
                    _("%(number)s to %(recipient)s could not be sent: %(reason)s")
                    % {
                        "number": item.register_number,
                        "recipient": item.correspondent_name,
                        "reason": item.failure,
                    },
                )
            else:
                messages.success(
                    request,
                    _("Registered in the outgoing register as %(number)s.")
                    % {"number": item.register_number},
                )


def distribution_of(unit, document):  # type: ignore[no-untyped-def]
    """The document's addressees, each with its outgoing item (or None), in list order."""
    entries = list(
        DistributionEntry.objects.for_unit(unit)
        .filter(document=document)
        .order_by("list", "position", "pk")
    )
    items = {
        i.entry_id: i
        for i in OutgoingItem.objects.for_unit(unit).filter(
            document=document, entry_id__in=[e.pk for e in entries]
        )
    }
    for entry in entries:
        entry.item = items.get(entry.pk)
    return entries


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
    items = list(items)
    # The register lists every letter sent; link a case only for those who may open it.
    openable = set(
        access.visible_cases(actor(request), unit)
        .filter(pk__in={o.case_id for o in items if o.case_id})
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "documents/outgoing.html",
        frame(request, "outgoing", items=items, form=form, openable_cases=openable),
    )


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404("bad id") from None
