"""What the EZD views share: the frame's context and turning service errors into form errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from infostrada.accounts.access import workbench_context
from infostrada.audit.context import Actor


def frame(request: HttpRequest, nav: str, **extra: Any) -> dict[str, Any]:
    return {**workbench_context(request, nav), **extra}


def actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def upload_list(files: list[Any]) -> list[tuple[str, Any]]:
    """(name, file) pairs for the services; the files stream from Django's upload handler."""
    return [(f.name, f) for f in files]


def resident_lookup(request: HttpRequest) -> tuple[Any, Any]:
    """The GET step of the party and addressee forms: ``?resident=`` PESEL or e-mail.

    Returns the bound lookup form (or None when nothing was asked) and the one
    account it found (or None). It never lists accounts: see documents.residents.
    """
    from infostrada.documents.forms import ResidentLookupForm

    if "resident" not in request.GET:
        return ResidentLookupForm(), None
    form = ResidentLookupForm(request.GET)
    return form, (form.cleaned_data["resident"] if form.is_valid() else None)


def resident_initial(found: Any, lookup: Any) -> dict[str, Any]:
    """What a found account fills in: the person's name, e-mail, PESEL and the account key."""
    from infostrada.documents.residents import pesel_of

    if found is None:
        return {}
    return {
        "party_kind": "person",
        "first_name": found.first_name,
        "last_name": found.last_name,
        "email": found.email,
        "pesel": pesel_of(found),
        "account": lookup.data["resident"].strip(),
    }
