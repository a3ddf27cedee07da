"""Refuse NUL characters at the edge, before any view or query sees them.

PostgreSQL text cannot hold U+0000 and fails the whole statement, so a
``?q=%00`` or a JSON string with ``\\u0000`` would otherwise surface as a
server error deep inside a query (found by the API fuzz test). No Polish
name, address or document title contains one, so a request that carries one
in its path, query string or JSON body is answered 400 with a clear message:
problem+json on the API, a plain page elsewhere. Django's form fields already
refuse NUL in posted forms, and uploaded files are left alone (a PDF may
contain any byte).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _json_body_has_nul(request: HttpRequest) -> bool:
    if request.content_type != "application/json":
        return False
    body = request.body
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body.lower():
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False  # malformed JSON is the API's own 400


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path
            or any(NUL in key or _has_nul(values) for key, values in request.GET.lists())
            or _json_body_has_nul(request)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        detail = _("The request contains a NUL character (code 0), which no field accepts.")
        if request.path.startswith("/api/"):
            from infostrada.api import problem

            return problem(400, _("Malformed request"), detail, kind="malformed")
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
