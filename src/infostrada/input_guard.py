"""Guards at the edge, before any view reads the request: NUL characters, body size.

NUL characters
--------------

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

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
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


class _BoundedStream:
    """The request body stream, refusing to give out more than ``limit`` bytes.

    Django reads at most ``CONTENT_LENGTH`` bytes, and a body without one (chunked)
    as empty; this counts what is really read, so that no server or future
    interface can feed a worker more than the limit whatever the headers say.
    """

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream = stream
        self.left = limit

    def _take(self, data: bytes) -> bytes:
        self.left -= len(data)
        if self.left < 0:
            raise RequestDataTooBig(
                "Request body exceeded settings.REQUEST_MAX_BYTES while being read."
            )
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self.left + 1:
            size = self.left + 1  # one byte over the limit is enough to know
        return self._take(self.stream.read(size))

    def readline(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self.left + 1:
            size = self.left + 1
        return self._take(self.stream.readline(size))

    def __iter__(self) -> Any:
        return iter(self.readline, b"")

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


class RequestSizeLimitMiddleware:
    """Refuse a request body over ``REQUEST_MAX_BYTES`` before any of it is read.

    Django's own limits count form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and
    the number of files, not the size of the files: twelve files of 24 MiB each
    reached the EZD's checks, which read every file. The declared length is
    checked first (413 at once, the body is never read: the worker's memory
    does not grow); the bytes actually read are counted as well. The API answers
    RFC 9457 problem+json, pages a short page in the site's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads such a body as empty
        if declared > limit:
            return self.refuse(request, limit)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            request._stream = _BoundedStream(stream, limit)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, limit: int) -> HttpResponse:
        megabytes = limit // (1024 * 1024)
        detail = _(
            "The request is larger than %(megabytes)d MiB, the most this server accepts "
            "at once. Send fewer or smaller files."
        ) % {"megabytes": megabytes}
        if request.path.startswith("/api/"):
            from infostrada.api import problem

            return problem(413, _("Request too large"), detail, kind="too-large", limit_bytes=limit)
        return render(
            request,
            "infostrada/request_too_large.html",
            {"detail": detail},
            status=413,
        )
