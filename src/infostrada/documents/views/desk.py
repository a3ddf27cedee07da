"""My tasks, the chancellery desk, the incoming register and one incoming item."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.access import official
from infostrada.accounts.permissions import has_perm
from infostrada.accounts.roles import DOC_ASSIGN, DOC_HANDLE, DOC_REGISTER
from infostrada.documents import access
from infostrada.documents.deadlines import DUE_SOON_DAYS
from infostrada.documents.forms import AssignForm, CommentForm, RegisterIncomingForm
from infostrada.documents.models import Assignment, Case, CaseEvent, Document, IncomingItem
from infostrada.documents.services import correspondence
from infostrada.documents.services.correspondence import IncomingData
from infostrada.documents.services.drafting import approval_queue
from infostrada.documents.views.common import actor, apply_errors, frame, upload_list

LIST_LIMIT = 50
PENDING_COLUMNS = (
    "id",
    "unit_id",
    "item_id",
    "case_id",
    "department_id",
    "assignee_id",
    "assigned_by_id",
    "instruction",
    "due_on",
    "item__id",
    "item__unit_id",
    "item__year",
    "item__number",
    "item__subject",
    "item__source_system",
    "case__id",
    "case__unit_id",
    "case__signature",
    "case__title",
    "department__id",
    "department__symbol",
    "assigned_by__id",
    "assigned_by__username",
    "assigned_by__first_name",
    "assigned_by__last_name",
)


@official()
def tasks(request: HttpRequest) -> HttpResponse:
    """Moje zadania: what waits for me — assignments, cases due soon, approvals."""
    unit, me = request.unit, request.user  # type: ignore[attr-defined]
    today = timezone.localdate()
    people = [me.pk, *access.deputised_ids(me, unit)]
    departments = access.department_ids(me, unit)
    pending = (
        Assignment.objects.for_unit(unit)
        .filter(status=Assignment.Status.PENDING)
        .filter(Q(assignee_id__in=people) | Q(assignee__isnull=True, department_id__in=departments))
        .select_related("item", "case", "department", "assigned_by")
        # only what the list shows: up to 50 rows of five joined tables
        .only(*PENDING_COLUMNS)
        .order_by("due_on", "created_at")[:LIST_LIMIT]
    )
    my_cases = (
        Case.objects.for_unit(unit)
        .filter(assignee_id__in=people, status__in=[Case.Status.OPEN, Case.Status.SUSPENDED])
        .only("id", "unit_id", "signature", "title", "status", "deadline")
        .order_by("deadline", "opened_at")[:LIST_LIMIT]
    )
    approvals = approval_queue(actor(request), unit)[:LIST_LIMIT]
    return render(
        request,
        "documents/tasks.html",
        frame(
            request,
            "ezd",
            pending=list(pending),
            my_cases=[_with_days(c, today) for c in my_cases],
            approvals=list(approvals),
            due_soon=today + datetime.timedelta(days=DUE_SOON_DAYS),
            today=today,
        ),
    )


def _with_days(case: Case, today: datetime.date) -> Case:
    case.days_left = (case.deadline - today).days if case.deadline else None  # type: ignore[attr-defined]
    return case


@official(DOC_REGISTER)
def chancellery(request: HttpRequest) -> HttpResponse:
    """Kancelaria: register a letter (and its scan) in a few keystrokes, see today's entries."""
    unit = request.unit  # type: ignore[attr-defined]
    form = RegisterIncomingForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        incoming = IncomingData(
            channel=data["channel"],
            received_on=data["received_on"],
            subject=data["subject"],
            letter_date=data["letter_date"],
            sender_reference=data["sender_reference"],
            attachments_note=data["attachments_note"],
            **{
                k: data[k]
                for k in (
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
            },
        )
        try:
            item = correspondence.register_incoming(
                actor=actor(request),
                unit=unit,
                data=incoming,
                files=upload_list(data["files"]),
            )
            if data["department"]:
                correspondence.assign(
                    actor=actor(request),
                    unit=unit,
                    item=item,
                    department=data["department"],
                    instruction=data["instruction"],
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Registered as %(number)s.") % {"number": item.register_number},
            )
            return redirect("documents:chancellery", unit_slug=unit.slug)
    today = (
        IncomingItem.objects.for_unit(unit)
        .filter(registered_at__date=timezone.localdate())
        .select_related("department")
        .order_by("-number")[:LIST_LIMIT]
    )
    return render(
        request,
        "documents/chancellery.html",
        frame(request, "chancellery", form=form, today_items=list(today)),
    )


@official()
def incoming_list(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    items = access.visible_items(actor(request), unit).select_related("department", "assignee")
    status = request.GET.get("status", "")
    if status in IncomingItem.Status.values:
        items = items.filter(status=status)
    number = request.GET.get("number", "").strip()[:20]
    if number:
        part = number.split("/")[0]
        if part.isdigit():
            items = items.filter(number=int(part))
    before = request.GET.get("before", "")
    if before.isdigit():
        items = items.filter(pk__lt=int(before))
    page = list(items.order_by("-pk")[: LIST_LIMIT + 1])
    more = len(page) > LIST_LIMIT
    page = page[:LIST_LIMIT]
    return render(
        request,
        "documents/incoming_list.html",
        frame(
            request,
            "incoming",
            items=page,
            statuses=IncomingItem.Status.choices,
            status=status,
            number=number,
            next_before=page[-1].pk if more and page else None,
        ),
    )


@official()
def incoming_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    item = access.get_item(actor(request), unit, item_id)
    assign_form = AssignForm(
        request.POST if request.POST.get("action") in ("assign", "forward") else None, unit=unit
    )
    comment_form = CommentForm(request.POST if request.POST.get("action") == "return" else None)
    if request.method == "POST":
        response = _item_action(request, item, assign_form, comment_form)
        if response is not None:
            return response
    documents = Document.objects.for_unit(unit).filter(incoming_item=item).order_by("pk")
    assignments = (
        Assignment.objects.for_unit(unit)
        .filter(item=item)
        .select_related("department", "assignee", "assigned_by", "item")
        .order_by("created_at")
    )
    open_assignment = next((a for a in assignments if a.status == "pending"), None)
    history = CaseEvent.objects.for_unit(unit).filter(item=item).order_by("at", "pk")
    me = request.user
    may_handle = has_perm(me, DOC_HANDLE, unit)
    return render(
        request,
        "documents/incoming_detail.html",
        frame(
            request,
            "incoming",
            item=item,
            # the chancellery sees the letter, not always its case file
            case_openable=bool(
                item.case_id
                and access.visible_cases(actor(request), unit).filter(pk=item.case_id).exists()
            ),
            documents=list(documents),
            assignments=list(assignments),
            open_assignment=open_assignment,
            history=list(history),
            assign_form=assign_form,
            comment_form=comment_form,
            may_assign=has_perm(me, DOC_ASSIGN, unit),
            may_handle=may_handle,
            # accepting, returning and forwarding are EZD work (documents.handle)
            is_recipient=may_handle and _is_recipient(request, open_assignment),
        ),
    )


def _is_recipient(request: HttpRequest, assignment: Assignment | None) -> bool:
    if assignment is None:
        return False
    unit, me = request.unit, request.user  # type: ignore[attr-defined]
    if assignment.assignee_id is not None:
        return assignment.assignee_id in (me.pk, *access.deputised_ids(me, unit))
    return assignment.department_id in access.department_ids(me, unit)


def _item_action(
    request: HttpRequest, item: IncomingItem, assign_form: AssignForm, comment_form: CommentForm
) -> HttpResponse | None:
    unit = request.unit  # type: ignore[attr-defined]
    action = request.POST.get("action", "")
    pending = (
        Assignment.objects.for_unit(unit)
        .filter(item=item, status=Assignment.Status.PENDING)
        .order_by("-pk")
        .first()
    )
    try:
        if action == "assign" and assign_form.is_valid():
            correspondence.assign(
                actor=actor(request),
                unit=unit,
                item=item,
                **_assign_values(assign_form.cleaned_data),
            )
            messages.success(request, _("Assigned."))
        elif action == "forward" and assign_form.is_valid() and pending is not None:
            correspondence.forward_assignment(
                actor=actor(request),
                unit=unit,
                assignment=pending,
                **_assign_values(assign_form.cleaned_data),
            )
            messages.success(request, _("Forwarded."))
        elif action == "accept" and pending is not None:
            correspondence.accept_assignment(actor=actor(request), unit=unit, assignment=pending)
            messages.success(request, _("Accepted: the item is yours to handle."))
        elif action == "return" and comment_form.is_valid() and pending is not None:
            correspondence.return_assignment(
                actor=actor(request),
                unit=unit,
                assignment=pending,
                comment=comment_form.cleaned_data["comment"],
            )
            messages.success(request, _("Returned."))
        elif action == "done":
            correspondence.mark_done(
                actor=actor(request), unit=unit, item=item, note=request.POST.get("note", "")[:300]
            )
            messages.success(request, _("Settled without a case."))
        else:
            return None
    except ValidationError as error:
        apply_errors(assign_form if action in ("assign", "forward") else comment_form, error)
        return None
    return redirect("documents:incoming_detail", unit_slug=unit.slug, item_id=item.pk)


def _assign_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("department", "assignee", "instruction", "due_on")}
