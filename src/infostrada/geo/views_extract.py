"""Pages of the zoning extract: the request form of a unit's geoportal, the officials' desk.

The form works without JavaScript in two steps: "Calculate the fee" lays the
extract out and shows the stamp duty, "Submit the request" registers it (a
hidden token makes a double submission register once; a changed fee shows
the new one instead of submitting). A logged-in resident's account receives
the extract. The desk lists the requests with where each one is and seals
and sends approved extracts (approval itself is the EZD's document page).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infostrada import normalisers
from infostrada.accounts.access import official, public, workbench_context
from infostrada.accounts.permissions import has_perm
from infostrada.accounts.roles import DOC_DISPATCH, DOC_SIGN
from infostrada.accounts.services import actor_for_user
from infostrada.documents import access
from infostrada.documents.models import Document, IncomingItem
from infostrada.geo import extract as ex
from infostrada.geo import ratelimit
from infostrada.geo import services_extract as se
from infostrada.tenancy.resolve import request_unit

CONFIRMATION_SALT = "geo.zoning-extract.confirmation"
CONFIRMATION_AGE = 7 * 24 * 3600
DESK_LIMIT = 50
TOKEN = re.compile(r"^[0-9a-f]{32}$")
APPLICANT_FIELDS = (
    "first_name",
    "last_name",
    "institution",
    "street",
    "postal_code",
    "city",
    "email",
)


def _parcels_help() -> str:
    return _(
        "Parcel identifiers, one per line, e.g. 041504_2.0001.123/4 "
        "(at most %(count)d, all in this municipality)."
    ) % {"count": ex.MAX_PARCELS}


class ExtractRequestForm(forms.Form):
    parcels = forms.CharField(
        label=gettext_lazy("Parcels"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text=lazy(_parcels_help, str)(),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What do you need?"),
        choices=[
            (ex.BOTH, gettext_lazy("Extract (wypis) and map excerpt (wyrys)")),
            (ex.WYPIS, gettext_lazy("Extract (wypis): the text of the plan")),
            (ex.WYRYS, gettext_lazy("Map excerpt (wyrys)")),
        ],
        initial=ex.BOTH,
        widget=forms.RadioSelect,
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        max_length=se.MAX_PURPOSE,
        required=False,
        help_text=gettext_lazy("Optional: you need not say why you ask."),
    )
    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    institution = forms.CharField(
        label=gettext_lazy("Company or institution"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Only if you apply for a company or an institution."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    street = forms.CharField(
        label=gettext_lazy("Street and number"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=gettext_lazy("Postal code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=gettext_lazy("City"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        max_length=254,
        required=False,
        help_text=gettext_lazy(
            "Without an account on the portal, the extract is sent to this address, "
            "or by post when you give none."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=32)
    fee_total = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not TOKEN.match(token):
            raise forms.ValidationError(_("The form expired: load the page again."))
        return token

    def clean_postal_code(self) -> str:  # NN-NNN, normalised (infostrada.normalisers)
        return normalisers.optional(normalisers.postal_code)(self.cleaned_data["postal_code"])


def _apply(form: forms.Form, error: ValidationError) -> None:
    """Service errors next to the fields they name (``applicant.email`` → ``email``)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, texts in error.message_dict.items():
        field = name.removeprefix("applicant.")
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _confirmation(unit: Any, signed: str) -> se.ExtractRequest | None:
    try:
        data = signing.loads(signed, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != unit.pk:
        return None
    item = (
        IncomingItem.objects.for_unit(unit)
        .filter(pk=data.get("i"), source_system=se.SOURCE_SYSTEM)
        .first()
    )
    return se.request_state(unit, item) if item else None


def _not_issued_here(request: HttpRequest, unit: Any, refused: Exception) -> HttpResponse:
    """A clear 404 page: the unit (a powiat, the województwo, a partner) issues no extracts."""
    return render(
        request,
        "geo/portal/error.html",
        {
            "unit": unit,
            "footer_unit": unit,
            "title": _("No zoning extracts here"),
            "message": str(refused.args[0]) if refused.args else "",
            "back": reverse("geoportal:viewer", kwargs={"unit_slug": unit.slug}),
        },
        status=404,
    )


def _too_many(request: HttpRequest, unit: Any, refusal: ratelimit.Refusal) -> HttpResponse:
    """429: too many requests from this address, or to this unit, in the last hour."""
    if refusal.scope == "client":
        message = _(
            "Too many requests for zoning extracts have been sent from your address in the "
            "last hour. Try again in %(minutes)s minutes, or send the request by post."
        )
    else:
        message = _(
            "%(unit)s has received too many requests for zoning extracts online in the last "
            "hour. Try again in %(minutes)s minutes, or send the request by post."
        )
    response = render(
        request,
        "geo/portal/error.html",
        {
            "unit": unit,
            "footer_unit": unit,
            "title": _("Too many requests"),
            "message": message
            % {"unit": unit.official_name, "minutes": (refusal.retry_after + 59) // 60},
            "back": reverse("zoning_extract:request", kwargs={"unit_slug": unit.slug}),
        },
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


@public
def request_extract(request: HttpRequest, unit_slug: str | None = None) -> HttpResponse:
    """``/<unit>/geoportal/wypis/``: request a wypis and/or wyrys, seeing the fee first."""
    unit = request_unit(request, unit_slug)
    try:
        se.ensure_issued_here(unit)
    except se.NotIssuedHere as refused:
        return _not_issued_here(request, unit, refused)
    user = request.user
    citizen = user if user.is_authenticated and getattr(user, "kind", "") == "citizen" else None
    context: dict[str, Any] = {"unit": unit, "footer_unit": unit, "citizen": citizen}
    signed = request.GET.get("potwierdzenie", "")[:500]
    if signed and request.method == "GET":
        done = _confirmation(unit, signed)
        if done is not None:
            return render(request, "geo/extract/sent.html", {**context, "done": done})
    try:
        se.ensure_available(unit)
    except ValidationError as error:
        return render(request, "geo/extract/request.html", {**context, "closed": error.messages})
    preview = None
    if request.method == "POST":
        form = ExtractRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            applicant = se.Applicant(
                **{name: data[name] for name in APPLICANT_FIELDS}, citizen=citizen
            )
            try:
                se.check_applicant(applicant)
                preview = se.preview_extract(unit=unit, parcels=data["parcels"], kind=data["kind"])
                total = str(preview.fee.total)
                if request.POST.get("action") == "submit" and data["fee_total"] == total:
                    try:
                        result = se.request_extract(
                            unit=unit,
                            applicant=applicant,
                            parcels=data["parcels"],
                            kind=data["kind"],
                            purpose=data["purpose"],
                            channel="portal",
                            source_id=f"portal-form:{data['token']}",
                            actor=actor_for_user(user),
                            admit=ratelimit.admitter(request, unit),
                        )
                    except ratelimit.RateLimited as limited:
                        return _too_many(request, unit, limited.refusal)
                    token = signing.dumps(
                        {"u": unit.pk, "i": result.item.pk}, salt=CONFIRMATION_SALT
                    )
                    url = reverse("zoning_extract:request", kwargs={"unit_slug": unit.slug})
                    return redirect(f"{url}?potwierdzenie={token}")
                if request.POST.get("action") == "submit":
                    messages.warning(request, _("The fee has changed: check it and submit again."))
                bound = request.POST.copy()
                bound["fee_total"] = total
                form = ExtractRequestForm(bound)
                form.is_valid()
            except ValidationError as error:
                preview = None
                _apply(form, error)
    else:
        initial: dict[str, Any] = {"token": se.new_source_id(), "kind": ex.BOTH}
        wanted = request.GET.get("dzialki", "")[:2000]
        if wanted:
            initial["parcels"] = "\n".join(ex.parcel_list(wanted)[: ex.MAX_PARCELS])
        if citizen is not None:
            initial |= {
                "first_name": citizen.first_name,
                "last_name": citizen.last_name,
                "email": citizen.email,
            }
        form = ExtractRequestForm(initial=initial)
    return render(
        request,
        "geo/extract/request.html",
        {
            **context,
            "form": form,
            "applicant_fields": [form[name] for name in APPLICANT_FIELDS],
            "preview": preview,
            "fee": preview.fee if preview else None,
            "legal_basis": ex.LEGAL_BASIS,
            "max_parcels": ex.MAX_PARCELS,
        },
    )


@official()
def desk(request: HttpRequest) -> HttpResponse:
    """``/urzad/<unit>/geoportal/wypisy/``: the requests, and sealing and sending extracts."""
    unit = request.unit  # type: ignore[attr-defined]
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            document = access.get_document(actor, unit, request.POST.get("document", ""))
            if action == "seal":
                se.seal_extract(actor=actor, unit=unit, document=document)
                messages.success(request, _("The extract is sealed with the unit's seal."))
            elif action == "dispatch":
                out = se.dispatch_extract(actor=actor, unit=unit, document=document)
                messages.success(
                    request,
                    _("Registered in the outgoing register as %(number)s.")
                    % {"number": out.register_number},
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("zoning_extract:desk", unit_slug=unit.slug)
    items = list(se.visible_requests(actor, unit)[:DESK_LIMIT])
    rows = se.request_states(unit, items)
    # The chancellery sees every request but not every case file: link only
    # what this official may open (a link that answers 404 is a dead end).
    case_ids = {r.case.pk for r in rows if r.case}
    document_ids = {r.document.pk for r in rows if r.document}
    openable_cases = set(
        access.visible_cases(actor, unit).filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    openable_documents = set(
        access.visible_documents(actor, unit)
        .filter(pk__in=document_ids)
        .values_list("pk", flat=True)
    )
    user = request.user
    return render(
        request,
        "geo/extract/desk.html",
        {
            **workbench_context(request, "zoning_extracts"),
            "rows": rows,
            "openable_cases": openable_cases,
            "openable_documents": openable_documents,
            "may_seal": has_perm(user, DOC_SIGN, unit),
            "may_dispatch": has_perm(user, DOC_DISPATCH, unit),
            "approved": Document.Status.APPROVED,
            "signed": Document.Status.SIGNED,
        },
    )
