"""The crawl's own rules, on small pages: what needs JavaScript, how forms are sent, patterns.

The crawl itself runs against the served demo (``make crawl``, ``.ci/run``);
these tests make sure its checks can fail.
"""

from __future__ import annotations

from infostrada.testing_crawl import pages
from infostrada.testing_crawl.crawler import pattern_of, status_problem
from infostrada.testing_crawl.run import tracebacks

URL = "http://127.0.0.1:8101/lubicz/"


def _problems(body: str) -> list[str]:
    doc = pages.parse(f'<!DOCTYPE html><html lang="pl"><body>{body}</body></html>')
    return pages.needs_javascript(doc, URL)


def test_a_page_that_works_without_javascript_passes():
    assert (
        _problems(
            '<a href="#main">Skip</a><main id="main"><h1>Lubicz</h1>'
            '<a href="/lubicz/geoportal/">Geoportal</a>'
            '<form method="get"><input name="q"><button>Szukaj</button></form>'
            # script-only tools hidden until a script shows them are fine
            '<section hidden><button type="button">Pomiar</button></section>'
            # a form with nothing to fill in and no button (an empty list) is harmless
            '<form method="post"><input type="hidden" name="action" value="x"></form></main>'
        )
        == []
    )


def test_script_only_navigation_and_controls_are_found():
    found = _problems(
        '<main><h1>x</h1><a href="#">Menu</a><a href="javascript:void(0)">Open</a>'
        '<a href="#nowhere">Down</a><button type="button">Map</button>'
        '<span onclick="go()">Go</span>'
        '<form method="get"><input name="q"></form></main>'
    )
    assert len(found) == 6, found
    assert any("'Menu' goes nowhere" in p for p in found)
    assert any("#nowhere, which is not on the page" in p for p in found)
    assert any("'Map' works only with JavaScript" in p for p in found)
    assert any("inline script handler (onclick)" in p for p in found)
    assert any("has no submit button" in p for p in found)


def test_a_page_drawn_by_a_script_needs_javascript_unless_noscript_says_what_to_do():
    drawn = '<div id="app"></div><script>draw()</script>'
    assert _problems(drawn) == ["the page shows no content without JavaScript"]
    assert _problems(drawn + '<noscript><a href="/api.json">the API</a></noscript>') == []


def test_a_get_form_is_sent_with_its_defaults():
    doc = pages.parse(
        '<html><body><form action="/urzad/przelacz/">'
        '<select name="unit"><option value="a">A</option><option value="b" selected>B</option>'
        '</select><input type="checkbox" name="layers" value="x" checked>'
        '<input type="checkbox" name="layers" value="y"><textarea name="t">z</textarea>'
        '<input type="file" name="f"><button type="submit" name="go" value="1">Go</button>'
        "</form></body></html>"
    )
    (form,) = pages.forms(doc, URL)
    assert form.method == "get"
    assert form.get_url() == "http://127.0.0.1:8101/urzad/przelacz/?unit=b&layers=x&t=z&go=1"
    assert form.files == ["f"]


def test_patterns_keep_demo_units_apart_and_pool_the_others():
    priority = {"lubicz", "torun"}
    lubicz = pattern_of("http://h/lubicz/geoportal/?parcel=1&layers=a", priority)
    assert lubicz == ("geoportal:viewer", ("layers", "parcel"), "lubicz")
    assert pattern_of("http://h/torun/geoportal/", priority)[2] == "torun"
    # two units without demo data share one pattern (three instances for all of them)
    assert pattern_of("http://h/ciechocinek/", priority) == pattern_of("http://h/lipno/", priority)
    assert pattern_of("http://h/static/portal/x.css", priority)[0] == "static"


def test_what_fails():
    assert status_problem(500) and status_problem(502)
    assert status_problem(404) and status_problem(403)
    assert status_problem(200) is None and status_problem(302) is None


def test_the_servers_traceback_is_found_for_a_path(tmp_path):
    log = tmp_path / "serve.log"
    log.write_text(
        "Internal Server Error: /urzad/lubicz/ezd/\n"
        "Traceback (most recent call last):\n"
        '  File "/x/django/core/handlers/exception.py", line 55, in inner\n'
        '  File "/x/infostrada/documents/templates/documents/tasks.html", line 12, in top\n'
        "AttributeError: 'NoneType' object has no attribute 'username'\n"
        "Some other warning\n"
    )
    found = tracebacks(log)
    assert "tasks.html" in found["/urzad/lubicz/ezd/"]
    assert "AttributeError" in found["/urzad/lubicz/ezd/"]


def test_the_api_docs_page_has_a_language_and_a_way_in_without_javascript(client):
    """The footer links /api/v1/docs on every page; Swagger UI alone is a blank page."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    doc = pages.parse(response.content)
    assert doc.get("lang") == "pl"
    assert pages.needs_javascript(doc, "http://testserver/api/v1/docs") == []
    assert "http://testserver/api/v1/openapi.json" in pages.links(
        doc, "http://testserver/api/v1/docs"
    )
