"""The platform's JSON API at ``/api/v1/``.

Every error leaves as an RFC 9457 ``application/problem+json`` document with a
``type``, ``title``, ``status``, ``detail`` and, for invalid input, an
``errors`` list naming each field (``loc`` as pydantic gives it, joined with
dots). Nothing a client can send produces a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from infostrada.accounts.api import router as accounts_router
from infostrada.audit.api import router as audit_router
from infostrada.documents.api import router as documents_router
from infostrada.tenancy.api import router as tenancy_router
from infostrada.tenancy.scoping import UnscopedQueryError

log = logging.getLogger(__name__)
PROBLEM_BASE = "https://infostrada.example/problems/"

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` lists invalid fields.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}
PROBLEM_RESPONSES = {
    "400": "Malformed request: a body that is not valid JSON, or a NUL character anywhere.",
    "401": "No valid bearer token or session.",
    "403": "The token's scopes or the official's roles do not allow this in this unit.",
    "404": "No such unit or resource (the same answer for one of another unit).",
    "413": "The request body is larger than the server accepts.",
    "422": "Invalid input; `errors` names each field.",
}


class InfostradaAPI(NinjaAPI):
    """The API whose OpenAPI document also describes its problem responses.

    django-ninja documents only the success schema; integrators generate
    clients from the document, so every error an operation can answer is
    listed with the shared problem+json schema.
    """

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        spec = super().get_openapi_schema(**kwargs)
        spec.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for path, operations in spec["paths"].items():
            for operation in operations.values():
                codes = ["400"]  # infostrada.input_guard answers 400 on any path
                if operation.get("requestBody") or operation.get("parameters"):
                    codes.append("422")
                if operation.get("requestBody"):
                    codes.append("413")
                if operation.get("security"):
                    codes += ["401", "403"]
                if "{" in path:
                    codes.append("404")
                for code in codes:
                    operation["responses"].setdefault(
                        code,
                        {
                            "description": PROBLEM_RESPONSES[code],
                            "content": {
                                "application/problem+json": {
                                    "schema": {"$ref": "#/components/schemas/Problem"}
                                }
                            },
                        },
                    )
        return spec


api = InfostradaAPI(
    title="Infostrada API",
    version="1",
    description=(
        "API of the Infostrada regional e-administration platform. Public reads need "
        "no credentials; everything else takes a unit-bound bearer token "
        "(`Authorization: Bearer inf_...`) or an official's session. Errors are "
        "RFC 9457 problem details."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    # Swagger UI's deep links put a link inside each operation's toggle button
    # (nested interactive controls: axe-core "serious", WCAG 4.1.2); without
    # them the page passes, and an operation is still found by its tag.
    docs=Swagger(settings={"deepLinking": False}),
    openapi_url="/openapi.json",
)


def problem(
    status: int, title: str, detail: str = "", *, kind: str = "", **extra: Any
) -> JsonResponse:
    body = {
        "type": PROBLEM_BASE + (kind or str(status)),
        "title": title,
        "status": status,
        "detail": detail or title,
        **extra,
    }
    return JsonResponse(
        body,
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        out.append(
            {
                "field": ".".join(loc),
                "message": str(err.get("msg", "")),
                "code": str(err.get("type", "invalid")),
            }
        )
    return out


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem(
        422,
        _("Invalid input"),
        _("Some fields are not valid."),
        kind="validation",
        errors=_field_errors(exc.errors),
    )


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": str(m), "code": "invalid"}
            for field, messages in exc.message_dict.items()
            for m in messages
        ]
    else:
        errors = [{"field": "", "message": str(m), "code": "invalid"} for m in exc.messages]
    return problem(
        422, _("Invalid input"), _("Some fields are not valid."), kind="validation", errors=errors
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(
        401,
        _("Authentication required"),
        _("Send a valid bearer token or log in."),
        kind="unauthenticated",
    )
    response["WWW-Authenticate"] = 'Bearer realm="infostrada"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return problem(
            400, _("Malformed request"), _("The request body is not valid JSON."), kind="malformed"
        )
    return problem(exc.status_code, str(exc), str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(
        413,
        _("Request too large"),
        _("The request body is larger than the server accepts."),
        kind="too-large",
    )


@api.exception_handler(TooManyFilesSent)
@api.exception_handler(TooManyFieldsSent)
def _too_many(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        400,
        _("Malformed request"),
        _("The request has too many fields or files."),
        kind="malformed",
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, _("Forbidden"), _("You may not do this in this unit."), kind="forbidden")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, _("Not found"), _("There is no such resource."), kind="not-found")


@api.exception_handler(UnscopedQueryError)
def _unscoped(request: HttpRequest, exc: UnscopedQueryError) -> HttpResponse:
    # A programming error, never the client's fault: fail closed and log it.
    log.error("unscoped tenant query in API: %s", exc)
    return problem(500, _("Server error"), kind="server")


api.add_router("/", tenancy_router)
api.add_router("/", accounts_router)
api.add_router("/", audit_router)
api.add_router("/", documents_router)
api.add_router("/", "infostrada.geo.api.router")  # the zoning extract request
