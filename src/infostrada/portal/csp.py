"""The Content-Security-Policy header of every page (django-csp, configured in settings).

The policy in ``settings.CONTENT_SECURITY_POLICY`` allows only the platform's
own origin for scripts, styles and fetches. The one thing it cannot know at
import time is where the map viewer's external base maps come from: they are
the geoportal's configuration (``GEO_BASE_MAPS``, by default OpenStreetMap
tiles and the national orthophoto WMS), so this middleware adds their origins
to ``img-src`` (Leaflet loads tiles as images). An installation without base
maps (``GEO_BASE_MAPS=[]``) allows no external image at all.

See docs/decisions/0014-content-security-policy.md.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase


def source_of(url: str) -> str | None:
    """The CSP source expression of a URL template's origin; None for anything odd.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` gives
    ``https://*.tile.example.org``: Leaflet fills ``{s}`` with a subdomain.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").replace("{s}", "*")
    if parts.scheme not in ("https", "http") or not host:
        return None
    if not all(ch.isalnum() or ch in "-.*" for ch in host):
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


@functools.cache
def base_map_sources() -> tuple[str, ...]:
    """Origins of the configured base maps (settings do not change while serving)."""
    from infostrada.geo.viewer import base_maps

    found = (source_of(entry["url"]) for entry in base_maps())
    return tuple(sorted({source for source in found if source}))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and base_map_sources():
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", ()), *base_map_sources()]
            parts.update = update
        return parts
