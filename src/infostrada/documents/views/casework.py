"""Cases: the list with search, opening a case, the case file and its actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.access import official
from infostrada.accounts.permissions import has_perm
from infostrada.accounts.roles import DOC_ASSIGN, DOC_HANDLE, DOC_VIEW_ALL
from infostrada.documents import access, search
from infostrada.documents.deliveries import pending_deliveries
from infostrada.documents.forms import (
    AssignForm,
    CaseSearchForm,
    CloseForm,
    DocumentUploadForm,
    DraftForm,
    OpenCaseForm,
    PartyForm,
    RelateForm,
    ResumeForm,
    SuspendForm,
)
from infostrada.documents.models import (
    Case,
    CaseEvent,
    CaseParty,
    CaseRelation,
    Department,
    DistributionEntry,
    Document,
    DocumentVersion,
    IncomingItem,
    OutgoingItem,
)
from infostrada.documents.services import cases, correspondence, drafting
from infostrada.documents.views.common import (
    actor,
    apply_errors,
    frame,
    resident_initial,
    resident_lookup,
)

LIST_LIMIT = 50
# What the case list shows (signature, title, officer, status, deadline).
LIST_COLUMNS = (
    "id",
    "unit_id",
    "signature",
    "title",
    "status",
    "deadline",
    "assignee_id",
    "assignee__id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


@official()
def case_list(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    form = CaseSearchForm(request.GET or None, unit=unit)
    visible = (
        access.visible_cases(actor(request), unit).select_related("assignee").only(*LIST_COLUMNS)
    )
    ranked: list[int] | None = None
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["status"] == "overdue":
            visible = visible.filter(status=Case.Status.OPEN, deadline__lt=today)
        elif data["status"]:
            visible = visible.filter(status=data["status"])
        if data["department"]:
            visible = visible.filter(department=data["department"])
        if data["q"]:
            ranked = [
                pk for pk, _score in search.search_cases(actor(request), unit, data["q"], limit=200)
            ]
    if ranked is not None:
        rows = search.ranked_page(visible, ranked, LIST_LIMIT)
    else:
        rows = list(visible.order_by("-opened_at", "-pk")[:LIST_LIMIT])
    for case in rows:
        case.days_left = (case.deadline - today).days if case.deadline else None  # type: ignore[attr-defined]
    return render(
        request,
        "documents/case_list.html",
        frame(
            request,
            "cases",
            form=form,
            cases=rows,
            searched=ranked is not None,
            may_open=has_perm(request.user, DOC_HANDLE, unit),
        ),
    )


def _departments_for(request: HttpRequest):  # type: ignore[no-untyped-def]
    unit, me = request.unit, request.user  # type: ignore[attr-defined]
    departments = Department.objects.for_unit(unit).valid_in(timezone.localdate().year)
    if has_perm(me, DOC_VIEW_ALL, unit):
        return departments
    return departments.filter(pk__in=access.department_ids(me, unit))


@official(DOC_HANDLE)
def case_new(request: HttpRequest) -> HttpResponse:
    """Open a case from nothing or, with ``?item=``, from an incoming item."""
    unit = request.unit  # type: ignore[attr-defined]
    item = None
    item_id = request.GET.get("item") or request.POST.get("item")
    if item_id:
        item = access.get_item(actor(request), unit, item_id)
    initial = {"title": item.subject} if item else {}
    departments = _departments_for(request)
    if item and item.department_id and departments.filter(pk=item.department_id).exists():
        initial["department"] = item.department_id
    form = OpenCaseForm(request.POST or None, unit=unit, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.open_case(
                actor=actor(request),
                unit=unit,
                department=data["department"],
                file_class=data["file_class"],
                title=data["title"],
                item=item,
                deadline_kind=data["deadline_kind"],
                custom_deadline=data["custom_deadline"],
                description=data["description"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Case %(signature)s opened.") % {"signature": case.signature}
            )
            return redirect("documents:case_detail", unit_slug=unit.slug, case_id=case.pk)
    return render(request, "documents/case_new.html", frame(request, "cases", form=form, item=item))


@official()
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    case = access.get_case(actor(request), unit, case_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    pending = pending_deliveries(unit, case) if not case.is_closed else []
    lookup, found = resident_lookup(request)
    forms_ = {
        "upload": DocumentUploadForm(
            request.POST if action == "upload" else None,
            request.FILES if action == "upload" else None,
        ),
        "suspend": SuspendForm(request.POST if action == "suspend" else None),
        "resume": ResumeForm(
            request.POST if action == "resume" else None, initial={"on": timezone.localdate()}
        ),
        "close": CloseForm(request.POST if action == "close" else None, pending=bool(pending)),
        "assign": AssignForm(request.POST if action == "assign" else None, unit=unit),
        "party": PartyForm(
            request.POST if action == "party" else None, initial=resident_initial(found, lookup)
        ),
        "relate": RelateForm(request.POST if action == "relate" else None),
    }
    if action in forms_ and forms_[action].is_valid():
        form = forms_[action]
        try:
            _case_action(request, case, action, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("documents:case_detail", unit_slug=unit.slug, case_id=case.pk)
    today = timezone.localdate()
    documents = list(Document.objects.for_unit(unit).filter(case=case).order_by("position"))
    versions: dict[int, DocumentVersion] = {}
    for version in (
        DocumentVersion.objects.for_unit(unit)
        .filter(document__case=case)
        .order_by("document_id", "number")
    ):
        versions[version.document_id] = version
    for document in documents:
        document.current = versions.get(document.pk)  # type: ignore[attr-defined]
    me = request.user
    return render(
        request,
        "documents/case_detail.html",
        frame(
            request,
            "cases",
            case=case,
            documents=documents,
            parties=list(CaseParty.objects.for_unit(unit).filter(case=case)),
            items=list(IncomingItem.objects.for_unit(unit).filter(case=case).order_by("pk")),
            outgoing=list(OutgoingItem.objects.for_unit(unit).filter(case=case).order_by("pk")),
            related=list(
                CaseRelation.objects.for_unit(unit).filter(case=case).select_related("related")
            ),
            history=list(CaseEvent.objects.for_unit(unit).filter(case=case).order_by("at", "pk")),
            days_left=(case.deadline - today).days if case.deadline else None,
            forms=forms_,
            action=action,
            pending=pending,
            distributed=_distribution_lists(unit, documents),
            lookup=lookup,
            found=found,
            may_handle=has_perm(me, DOC_HANDLE, unit) and not case.is_closed,
            may_assign=has_perm(me, DOC_ASSIGN, unit) and not case.is_closed,
        ),
    )


def _distribution_lists(unit, documents):  # type: ignore[no-untyped-def]
    """The distribution list of every document of the case that has one (two queries)."""
    by_id = {d.pk: d for d in documents}
    entries = list(
        DistributionEntry.objects.for_unit(unit)
        .filter(document_id__in=by_id)
        .order_by("document_id", "list", "position", "pk")
    )
    items = {
        i.entry_id: i
        for i in OutgoingItem.objects.for_unit(unit).filter(entry_id__in=[e.pk for e in entries])
    }
    lists: dict[int, list] = {}  # type: ignore[type-arg]
    for entry in entries:
        entry.item = items.get(entry.pk)  # type: ignore[attr-defined]
        lists.setdefault(entry.document_id, []).append(entry)
    return [{"document": by_id[pk], "entries": rows} for pk, rows in lists.items()]


def _case_action(request: HttpRequest, case: Case, action: str, data: dict) -> None:  # type: ignore[type-arg]
    unit, who = request.unit, actor(request)  # type: ignore[attr-defined]
    if action == "upload":
        upload = data["file"]
        cases.add_document(
            actor=who,
            unit=unit,
            case=case,
            title=data["title"],
            kind=data["kind"],
            filename=upload.name,
            data=upload,
        )
        messages.success(request, _("The document was added to the case file."))
    elif action == "suspend":
        cases.suspend_case(
            actor=who, unit=unit, case=case, since=data["since"], reason=data["reason"]
        )
        messages.success(request, _("The case is suspended."))
    elif action == "resume":
        cases.resume_case(actor=who, unit=unit, case=case, on=data["on"])
        messages.success(request, _("The case is resumed."))
    elif action == "close":
        cases.close_case(
            actor=who,
            unit=unit,
            case=case,
            note=data["note"],
            confirm_pending=bool(data.get("confirm_pending")),
        )
        messages.success(request, _("The case is closed."))
    elif action == "party":
        fields = (
            "role",
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
            "citizen",
        )
        cases.add_party(
            actor=who, unit=unit, case=case, party=cases.PartyData(**{k: data[k] for k in fields})
        )
        messages.success(request, _("The party was added."))
    elif action == "relate":
        related = (
            access.visible_cases(who, unit).filter(signature=data["signature"].strip()).first()
        )
        if related is None:
            raise ValidationError({"signature": _("There is no such case that you may see.")})
        cases.relate_cases(actor=who, unit=unit, case=case, related=related)
        messages.success(request, _("The cases are related."))
    elif action == "assign":
        correspondence.assign(
            actor=who,
            unit=unit,
            case=case,
            department=data["department"],
            assignee=data["assignee"],
            instruction=data["instruction"],
            due_on=data["due_on"],
        )
        messages.success(request, _("Assigned."))


@official(DOC_HANDLE)
def draft_new(request: HttpRequest, case_id: int) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    case = access.get_case(actor(request), unit, case_id)
    form = DraftForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = drafting.create_draft(
                actor=actor(request),
                unit=unit,
                case=case,
                title=data["title"],
                kind=data["kind"],
                template=data["template"],
                body=data["body"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Draft created."))
            return redirect(
                "documents:document_detail", unit_slug=unit.slug, document_id=document.pk
            )
    return render(
        request,
        "documents/draft_new.html",
        frame(request, "cases", form=form, case=case, placeholders=drafting.PLACEHOLDERS),
    )
