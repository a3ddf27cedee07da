"""Every page carries a Content-Security-Policy, and no template needs an inline exception."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

import infostrada
from infostrada.accounts.roles import Role
from infostrada.portal.csp import source_of
from infostrada.testing import official

PUBLIC_PAGES = [
    "/",
    "/?q=Torun",
    "/lubicz/",
    "/lubicz/deklaracja-dostepnosci/",
    "/lubicz/geoportal/",
    "/lubicz/geoportal/wypis/",
    "/konto/logowanie/",
    "/api/v1/docs",
    "/no-such-unit/",
]
OFFICIAL_PAGES = ["/urzad/lubicz/", "/urzad/lubicz/ezd/", "/urzad/lubicz/audyt/"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def _check_html(response, url):
    assert response["Content-Type"].startswith("text/html"), url
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"], url
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_the_policy(client, lubicz, url):
    _check_html(client.get(url), url)


def test_workbench_pages_have_the_policy(client, lubicz):
    client.force_login(official(lubicz, Role.SECRETARY, Role.UNIT_ADMIN))
    for url in OFFICIAL_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        _check_html(response, url)


def test_the_viewer_may_load_its_base_maps(client, lubicz):
    img = _policy(client.get("/lubicz/geoportal/"))["img-src"]
    assert {"https://tile.openstreetmap.org", "https://mapy.geoportal.gov.pl"} <= set(img)


def test_a_download_keeps_its_own_stricter_policy(rf):
    from django.http import HttpResponse

    from infostrada.portal.csp import ContentSecurityPolicyMiddleware

    def download(request):
        response = HttpResponse(b"%PDF", content_type="application/pdf")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = ContentSecurityPolicyMiddleware(download)(rf.get("/x"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://wms.example.pl:8080/wms?", "http://wms.example.pl:8080"),
        ("javascript:alert(1)", None),
        ("https://evil.example;script-src */x", None),
    ],
)
def test_base_map_origins_become_sources(url, source):
    assert source_of(url) == source


# What CSP without 'unsafe-inline' blocks: inline scripts, style attributes,
# <style> elements, event-handler attributes, javascript: URLs.
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I), "script"),
    (re.compile(r"<style\b", re.I), "<style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _template_files():
    root = Path(infostrada.__file__).parent
    dirs = [Path(d) for d in engines["django"].engine.dirs] + list(root.glob("*/templates"))
    return sorted({f for d in dirs for f in d.rglob("*.html")})


def test_no_template_has_inline_script_or_style():
    found = [
        f"{path.relative_to(Path(infostrada.__file__).parent)}: {what}"
        for path in _template_files()
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert _template_files() and not found


def test_the_policy_allows_nothing_inline():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert not any("unsafe" in value for values in directives.values() for value in values)
