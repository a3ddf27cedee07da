"""Serve a unit's portal on its own host name (e.g. ``bip.lubicz.pl``)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from infostrada.tenancy.models import UnitDomain

_PLATFORM_HOSTS = {"127.0.0.1", "localhost", "[::1]", "testserver"}


class UnitHostMiddleware:
    """On a unit's own host, route through the unit-host URLconf.

    The platform's own host names are recognised without a query, so the
    common case costs nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        public = urlsplit(settings.PUBLIC_URL).hostname
        self.platform_hosts = _PLATFORM_HOSTS | ({public} if public else set())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.host_unit = None  # type: ignore[attr-defined]
        host = request.get_host().rsplit(":", 1)[0].lower()
        if host not in self.platform_hosts:
            domain = UnitDomain.objects.select_related("unit").filter(host=host).first()
            if domain is not None and domain.unit.is_active:
                request.host_unit = domain.unit  # type: ignore[attr-defined]
                request.urlconf = "infostrada.portal.unit_host_urls"  # type: ignore[attr-defined]
        return self.get_response(request)
