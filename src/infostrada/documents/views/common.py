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
