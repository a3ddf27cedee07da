"""The office's organisation for the EZD: departments, people, deputies, JRWA, templates."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.access import official
from infostrada.accounts.roles import DOC_ORGANISE
from infostrada.documents.forms import (
    DepartmentForm,
    JrwaUploadForm,
    MemberForm,
    OfficeRulesForm,
    SubstitutionForm,
    TemplateForm,
)
from infostrada.documents.models import (
    Department,
    DepartmentMember,
    DocumentTemplate,
    FileClass,
    Substitution,
)
from infostrada.documents.services import organisation
from infostrada.documents.views.common import actor, apply_errors, frame


@official(DOC_ORGANISE)
def organisation_desk(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = {
        "department": DepartmentForm(
            request.POST if action == "department" else None,
            initial={"valid_from": timezone.localdate().year},
        ),
        "member": MemberForm(request.POST if action == "member" else None, unit=unit),
        "substitution": SubstitutionForm(
            request.POST if action == "substitution" else None, unit=unit
        ),
        "jrwa": JrwaUploadForm(
            request.POST if action == "jrwa" else None, request.FILES if action == "jrwa" else None
        ),
        "template": TemplateForm(request.POST if action == "template" else None),
        "rules": OfficeRulesForm(
            request.POST if action == "rules" else None,
            initial={"four_eyes_decisions": organisation.office_rules(unit).four_eyes_decisions},
        ),
    }
    if action in forms_ and forms_[action].is_valid():
        try:
            message = _act(request, action, forms_[action].cleaned_data)
        except ValidationError as error:
            apply_errors(forms_[action], error)
        else:
            messages.success(request, message)
            return redirect("documents:organisation", unit_slug=unit.slug)
    today = timezone.localdate()
    return render(
        request,
        "documents/organisation.html",
        frame(
            request,
            "organisation",
            forms=forms_,
            departments=list(Department.objects.for_unit(unit).order_by("symbol")),
            members=list(
                DepartmentMember.objects.for_unit(unit)
                .filter(Q(until__isnull=True) | Q(until__gte=today))
                .select_related("department", "user")
                .order_by("department__symbol")
            ),
            substitutions=list(
                Substitution.objects.for_unit(unit)
                .filter(ends_on__gte=today)
                .select_related("absent", "deputy")
                .order_by("starts_on")
            ),
            classes=list(FileClass.objects.for_unit(unit).order_by("symbol")),
            templates=list(DocumentTemplate.objects.for_unit(unit).order_by("name")),
        ),
    )


def _act(request: HttpRequest, action: str, data: dict) -> str:  # type: ignore[type-arg]
    unit, who = request.unit, actor(request)  # type: ignore[attr-defined]
    if action == "department":
        department = organisation.create_department(
            actor=who,
            unit=unit,
            symbol=data["symbol"],
            name=data["name"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        )
        return _("Department %(symbol)s created.") % {"symbol": department.symbol}
    if action == "member":
        organisation.add_member(
            actor=who,
            unit=unit,
            department=data["department"],
            user=data["user"],
            is_head=data["is_head"],
        )
        return _("The official is attached to the department.")
    if action == "substitution":
        organisation.add_substitution(
            actor=who,
            unit=unit,
            absent=data["absent"],
            deputy=data["deputy"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        )
        return _("The substitution is recorded.")
    if action == "rules":
        organisation.set_office_rules(
            actor=who, unit=unit, four_eyes_decisions=data["four_eyes_decisions"]
        )
        return _("The rules are saved.")
    if action == "jrwa":
        report = organisation.import_jrwa(actor=who, unit=unit, stream=io.StringIO(data["file"]))
        return _("JRWA loaded: %(created)d new, %(updated)d changed, %(gone)d withdrawn.") % {
            "created": len(report.created),
            "updated": len(report.updated),
            "gone": len(report.deactivated),
        }
    organisation.create_template(
        actor=who, unit=unit, name=data["name"], kind=data["kind"], body=data["body"]
    )
    return _("The template is saved.")
