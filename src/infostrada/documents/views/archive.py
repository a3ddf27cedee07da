"""The office's archive: hand-over lists, disposal (brakowanie), the state archive."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from infostrada.accounts.access import official
from infostrada.accounts.roles import DOC_ARCHIVE
from infostrada.documents.models import ArchiveTransfer, Case, Department, DisposalList
from infostrada.documents.services import archive
from infostrada.documents.views.common import actor, frame

LIST_LIMIT = 200


def _chosen_cases(request: HttpRequest):  # type: ignore[no-untyped-def]
    ids = [int(pk) for pk in request.POST.getlist("cases") if pk.isdigit()][:LIST_LIMIT]
    return list(Case.objects.for_unit(request.unit).filter(pk__in=ids))  # type: ignore[attr-defined]


def _one(model, request: HttpRequest, field: str):  # type: ignore[no-untyped-def]
    value = request.POST.get(field, "")
    row = (
        model.objects.for_unit(request.unit).filter(pk=int(value)).first()  # type: ignore[attr-defined]
        if value.isdigit()
        else None
    )
    if row is None:
        raise Http404("no such list")
    return row


@official(DOC_ARCHIVE)
def archive_desk(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            message = _archive_action(request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if message:
                messages.success(request, message)
        return redirect("documents:archive", unit_slug=unit.slug)
    closed = (
        Case.objects.for_unit(unit)
        .filter(status=Case.Status.CLOSED, archive_status=Case.ArchiveStatus.IN_DEPARTMENT)
        .select_related("department")
        .order_by("department__symbol", "closed_at")[:LIST_LIMIT]
    )
    in_archive_a = (
        Case.objects.for_unit(unit)
        .filter(archive_status=Case.ArchiveStatus.IN_ARCHIVE, category="A")
        .order_by("closed_at")[:LIST_LIMIT]
    )
    transfers = ArchiveTransfer.objects.for_unit(unit).order_by("-created_at")[:50]
    disposals = DisposalList.objects.for_unit(unit).order_by("-created_at")[:50]
    return render(
        request,
        "documents/archive.html",
        frame(
            request,
            "archive",
            closed=list(closed),
            in_archive_a=list(in_archive_a),
            due=archive.due_for_disposal(unit)[:LIST_LIMIT],
            transfers=list(transfers),
            disposals=[(d, archive.disposal_lines(unit, d)) for d in disposals],
            departments=Department.objects.for_unit(unit),
        ),
    )


def _archive_action(request: HttpRequest) -> str:
    unit, who = request.unit, actor(request)  # type: ignore[attr-defined]
    action = request.POST.get("action", "")
    reference = request.POST.get("reference", "")[:200]
    if action == "transfer":
        department = _one(Department, request, "department")
        transfer = archive.transfer_to_office_archive(
            actor=who, unit=unit, department=department, cases=_chosen_cases(request)
        )
        return _("Transfer list %(number)s drawn up.") % {
            "number": f"{transfer.number}/{transfer.year}"
        }
    if action == "confirm":
        archive.confirm_transfer(
            actor=who,
            unit=unit,
            transfer=_one(ArchiveTransfer, request, "transfer"),
            reference=reference,
        )
        return _("Receipt confirmed: the cases are in the archive.")
    if action == "dispose":
        disposal = archive.create_disposal_list(actor=who, unit=unit, cases=_chosen_cases(request))
        return _("Disposal list %(number)s drawn up.") % {
            "number": f"{disposal.number}/{disposal.year}"
        }
    if action == "approve":
        archive.approve_disposal(
            actor=who,
            unit=unit,
            disposal=_one(DisposalList, request, "disposal"),
            reference=reference,
        )
        return _("The state archive's consent is recorded.")
    if action == "execute":
        archive.execute_disposal(
            actor=who, unit=unit, disposal=_one(DisposalList, request, "disposal")
        )
        return _("The documentation on the list was destroyed.")
    if action == "export":
        transfer = archive.export_to_state_archive(
            actor=who,
            unit=unit,
            cases=_chosen_cases(request),
            receiver=request.POST.get("receiver", "")[:300],
        )
        return _("Archival package %(number)s prepared.") % {
            "number": f"{transfer.number}/{transfer.year}"
        }
    if action == "received":
        archive.confirm_state_receipt(
            actor=who,
            unit=unit,
            transfer=_one(ArchiveTransfer, request, "transfer"),
            reference=reference,
        )
        return _("The state archive's receipt is recorded.")
    return ""


@official(DOC_ARCHIVE)
def package_download(request: HttpRequest, transfer_id: int) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    transfer = ArchiveTransfer.objects.for_unit(unit).filter(pk=transfer_id).first()
    if (
        transfer is None
        or not transfer.package
        or not default_storage.exists(transfer.package.name)
    ):
        raise Http404("no package")
    response = FileResponse(
        default_storage.open(transfer.package.name, "rb"),
        as_attachment=True,
        filename=f"paczka-archiwalna-{transfer.number}-{transfer.year}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
