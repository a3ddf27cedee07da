"""The audit trail in the workbench."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from infostrada.accounts import permissions
from infostrada.accounts.access import official, workbench_context
from infostrada.accounts.roles import AUDIT_VIEW
from infostrada.audit.forms import AuditFilterForm
from infostrada.audit.models import AuditEvent

PAGE = 50


@official(AUDIT_VIEW)
def trail(request: HttpRequest) -> HttpResponse:
    """The unit's audit events, newest first; on the region, a region admin sees all."""
    unit = request.unit  # type: ignore[attr-defined]
    region_wide = unit.is_region and permissions.is_region_admin(request.user)
    form = AuditFilterForm(request.GET or None)
    if region_wide:
        qs = AuditEvent.objects.unscoped("region administrator reviews every unit")
    else:
        qs = AuditEvent.objects.for_unit(unit)
        del form.fields["unit"]
    events: list[AuditEvent] = []
    more = False
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    else:
        data = form.cleaned_data if form.is_bound else {}
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("actor"):
            qs = qs.filter(actor_name__icontains=data["actor"])
        if data.get("object_type"):
            qs = qs.filter(object_type=data["object_type"])
        if data.get("since"):
            qs = qs.filter(occurred_at__gte=_day_start(data["since"]))
        if data.get("until"):
            qs = qs.filter(occurred_at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
        if region_wide and data.get("unit"):
            qs = qs.filter(unit__slug=data["unit"])
        if data.get("before"):
            qs = qs.filter(pk__lt=data["before"])
    events = list(qs.select_related("unit").order_by("-id")[: PAGE + 1])
    more = len(events) > PAGE
    events = events[:PAGE]
    next_query = None
    if more:
        params = request.GET.copy()
        params["before"] = events[-1].pk
        next_query = params.urlencode()
    return render(
        request,
        "audit/trail.html",
        {
            **workbench_context(request, "audit"),
            "form": form,
            "events": events,
            "next_query": next_query,
            "region_wide": region_wide,
        },
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
