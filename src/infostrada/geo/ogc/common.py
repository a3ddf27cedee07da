"""What every OGC handler shares: the request it reads, the response it returns, errors.

The handlers of this package are plain functions from :class:`OgcRequest` to
:class:`OgcResponse` (pygeoapi's model, STYLE.md): they know nothing of
Django's request objects, so they can be called from tests, a benchmark or
another web framework; ``views.py`` is the thin adapter. HTML pages are
returned as a template name and its context, rendered by the adapter.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
MVT = "application/vnd.mapbox-vector-tile"


@dataclass(frozen=True)
class OgcRequest:
    """One request as the handlers see it.

    ``base_url`` is the absolute address of the service root (``.../ogc/``),
    the start of every link.
    """

    base_url: str
    params: Mapping[str, list[str]] = field(default_factory=dict)
    accept: str = ""
    if_none_match: str = ""

    def get(self, name: str) -> str | None:
        """The first value of a parameter (exact name), or None."""
        values = self.params.get(name)
        return values[0] if values else None

    def get_ci(self, name: str) -> str | None:
        """The first value of a parameter whose name matches case-insensitively (WMS KVP)."""
        lowered = name.lower()
        for key, values in self.params.items():
            if key.lower() == lowered and values:
                return values[0]
        return None

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """An absolute URL under the service root with query parameters."""
        query = urlencode([(k, v) for k, v in (params or {}).items() if v is not None])
        return self.base_url + path + ("?" + query if query else "")

    def self_params(self, **changes: Any) -> dict[str, Any]:
        """This request's parameters (first values) with ``changes`` applied; None removes."""
        params: dict[str, Any] = {k: v[0] for k, v in self.params.items() if v}
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return params


@dataclass
class OgcResponse:
    status: int = 200
    content_type: str = JSON
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    template: str | None = None  # an HTML page: the adapter renders it with ``context``
    context: dict[str, Any] | None = None


class OgcError(Exception):
    """An OGC API exception: HTTP status, a code, a human-readable description."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


def bad_request(description: str, code: str = "InvalidParameterValue") -> OgcError:
    return OgcError(400, code, description)


def not_found(description: str) -> OgcError:
    return OgcError(404, "NotFound", description)


def error_response(error: OgcError) -> OgcResponse:
    """OGC API - Common exception schema: ``{"code", "description"}`` (plus HTTP status)."""
    return json_response(
        {"code": error.code, "description": error.description, "status": error.status},
        status=error.status,
    )


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(
    data: Any, *, status: int = 200, content_type: str = JSON, headers: dict[str, str] | None = None
) -> OgcResponse:
    return OgcResponse(
        status=status, content_type=content_type, body=dumps(data), headers=headers or {}
    )


def html_response(template: str, context: dict[str, Any], status: int = 200) -> OgcResponse:
    return OgcResponse(status=status, content_type=HTML, template=template, context=context)


def quote_id(value: str) -> str:
    """A path segment for an identifier (feature ids may hold '/', e.g. parcel numbers)."""
    return quote(value, safe="")


def wants_html(request: OgcRequest) -> bool:
    """Content negotiation: ``f=json|html`` first, then the Accept header; JSON by default.

    Only an Accept header that prefers HTML over JSON (a browser's) gets
    HTML; ``*/*`` and clients that send nothing get JSON.
    """
    f = request.get("f")
    if f is not None:
        value = f.lower()
        if value in ("json", "geojson", "application/json", GEOJSON):
            return False
        if value in ("html", HTML):
            return True
        raise bad_request(
            _("Unknown format f=%(f)s; use f=json or f=html.") % {"f": f}, "InvalidParameterValue"
        )
    best_html = best_json = 0.0
    for part in request.accept.split(","):
        media, _sep, rest = part.strip().partition(";")
        quality = 1.0
        for option in rest.split(";"):
            name, _eq, value = option.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.strip().lower()
        if media in (HTML, "application/xhtml+xml"):
            best_html = max(best_html, quality)
        elif media in (JSON, GEOJSON, "application/*"):
            best_json = max(best_json, quality)
    return best_html > best_json


def parse_int(request: OgcRequest, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(
            _("Parameter %(name)s must be a whole number, not %(value)r.")
            % {"name": name, "value": raw}
        ) from None
    if not minimum <= value <= maximum:
        raise bad_request(
            _("Parameter %(name)s must be between %(minimum)s and %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )
    return value


def parse_numbers(raw: str, name: str) -> list[float]:
    """Comma-separated finite numbers; OgcError otherwise."""
    values: list[float] = []
    for part in raw.split(","):
        try:
            value = float(part)
        except ValueError:
            raise bad_request(
                _("Parameter %(name)s must be a list of numbers separated by commas.")
                % {"name": name}
            ) from None
        if not math.isfinite(value):
            raise bad_request(_("Parameter %(name)s must hold finite numbers.") % {"name": name})
        values.append(value)
    return values


def link(href: str, rel: str, type_: str, title: str = "", **extra: Any) -> dict[str, Any]:
    out = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    out.update(extra)
    return out
