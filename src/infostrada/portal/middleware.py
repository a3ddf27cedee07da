"""Language of a request: Polish first on pages, negotiated on the API.

A Polish public office speaks Polish to everyone who opens its portal, whatever
the browser's language setting (a resident's phone set to English still gets
the office's Polish pages, as at the counter); English is one click away in
the language switch, which sets Django's language cookie. The API is read by
machines: there the client's ``Accept-Language`` chooses the language of error
messages, Polish when it asks for nothing we have. See
docs/decisions/0006-polish-first-language.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


class PolishFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def language_for(self, request: HttpRequest) -> str:
        if request.path.startswith(API_PREFIX):
            return translation.get_language_from_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        return chosen if chosen in self.languages else settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            patch_vary_headers(response, ("Accept-Language",))
        else:
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
