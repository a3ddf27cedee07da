"""Error pages (403, 404, 500) in the site's layout and the visitor's language.

Django's own handlers answer in English and without the portal's header,
footer and language switch. Ours render ``403.html`` and ``404.html`` through
the normal base template (the language middleware has already chosen the
language: Polish, or English when the visitor chose it). Under ``/api/`` the
answer is RFC 9457 problem+json, like every other API error.

The 500 page is different: it is shown when something is broken, possibly the
database or a context processor, so it renders ``500.html`` with a plain
Context (no request, no context processors, no database) from a template that
extends nothing, and falls back to a fixed page if even that fails.
"""

from __future__ import annotations

import logging

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from infostrada.accounts.access import public

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
_LAST_RESORT = (
    '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Błąd serwera</title>'
    "</head><body><h1>Błąd serwera</h1><p>Spróbuj ponownie za chwilę. / Server error: "
    'please try again in a moment.</p><p><a href="/">Infostrada</a></p></body></html>'
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _problem(status: int, title: str, detail: str, kind: str) -> HttpResponse:
    """The same problem+json the API's own handlers send (infostrada.api)."""
    from infostrada.api import problem  # the API layer imports every product: only when needed

    return problem(status, title, detail, kind=kind)


@public
@requires_csrf_token
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: the page does not exist (or is not the visitor's to know of)."""
    if _is_api(request):
        return _problem(404, _("Not found"), _("There is no such resource."), "not-found")
    body = loader.render_to_string("404.html", {"path": request.path}, request)
    return HttpResponseNotFound(body)


@public
@requires_csrf_token
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: logged in, but the role does not allow this page."""
    if _is_api(request):
        return _problem(403, _("Forbidden"), _("You may not do this in this unit."), "forbidden")
    body = loader.render_to_string("403.html", {}, request)
    return HttpResponseForbidden(body)


@public
@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a page that needs nothing that may be what broke."""
    if _is_api(request):
        return _problem(500, _("Server error"), "", "server")
    try:
        body = loader.get_template("500.html").render(
            {"LANGUAGE_CODE": translation.get_language() or "pl"}
        )
    except Exception:  # the error page itself must not fail
        log.exception("the 500 page could not be rendered")
        body = _LAST_RESORT
    return HttpResponseServerError(body)
