"""The geoportal in a real headless Chromium: map, search, keyboard, no-JavaScript, axe-core.

Run with ``pytest -m browser``. External base maps are cut off (as on an
installation without internet access): the map must still load with the
platform's own layers, and nothing may come from another host.
"""

# ruff: noqa: F811 (pytest fixtures imported from other test modules)

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from infostrada.documents.tests.conftest import ezd  # noqa: F401 (fixture)
from infostrada.geo.tests.test_portal import P1, P2, geo, parcel_url  # noqa: F401 (fixture)
from infostrada.testing_browser import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("geo"),
]


@pytest.fixture
def offline(browser, live_server):
    """A page whose requests to any other host fail, each one recorded."""
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    own = urlsplit(live_server.url).netloc
    page.foreign = []  # type: ignore[attr-defined]
    page.wms = []  # type: ignore[attr-defined]

    def route(r):  # type: ignore[no-untyped-def]
        url = urlsplit(r.request.url)
        if url.netloc != own:
            page.foreign.append((r.request.resource_type, r.request.url))  # type: ignore[attr-defined]
            return r.abort()
        if url.path == "/ogc/wms":
            page.wms.append(parse_qs(url.query))  # type: ignore[attr-defined]
        return r.continue_()

    page.route("**/*", route)
    yield page
    context.close()


def _query(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def test_the_map_loads_its_own_layers_offline_and_has_no_serious_violations(offline, live_server):
    page = offline
    page.goto(f"{live_server.url}/lubicz/geoportal/")
    page.wait_for_selector("#map.leaflet-container")
    assert page.locator("#layers input[data-layer]").count() == 5
    page.wait_for_function("() => document.querySelectorAll('#map .leaflet-tile').length > 0")
    page.wait_for_timeout(300)
    asked = {q.get("LAYERS", [""])[0] for q in page.wms}  # type: ignore[attr-defined]
    assert "lubicz.dzialki" in asked and "lubicz.mpzp" in asked
    one = next(q for q in page.wms if q["LAYERS"] == ["lubicz.dzialki"])  # type: ignore[attr-defined]
    assert one["CRS"] == ["EPSG:3857"] and one["VERSION"] == ["1.3.0"]
    assert one["TRANSPARENT"] == ["TRUE"] and len(one["BBOX"][0].split(",")) == 4
    # the base map was tried and failed; no script or style came from elsewhere
    assert page.foreign, "the default base map should have been requested"  # type: ignore[attr-defined]
    assert not [u for kind, u in page.foreign if kind in ("script", "stylesheet", "font")]  # type: ignore[attr-defined]
    # the layer list acts on the map and on the permalink
    page.uncheck("#layer-lubicz--dzialki")
    page.wait_for_function("() => !location.search.includes('lubicz.dzialki')")
    assert "lubicz.mpzp" in _query(page)["layers"][0]
    assert "lubicz.dzialki" not in page.input_value("#print-form input[name=layers]")
    assert serious_violations(page) == []


def test_a_search_finds_the_parcel_and_its_page_shows_it(offline, live_server):
    page = offline
    page.goto(f"{live_server.url}/lubicz/geoportal/")
    page.wait_for_selector("#map.leaflet-container")
    page.fill("#parcel-q", "Grabowiec 123/4")
    page.press("#parcel-q", "Enter")
    link = page.locator("#search-results a", has_text=P1)
    link.wait_for()
    assert page.locator("#search-live").get_attribute("aria-live") == "polite"
    # the map went to the parcel
    page.wait_for_function("() => Number(new URLSearchParams(location.search).get('zoom')) >= 16")
    link.click()
    page.wait_for_url(f"**{parcel_url('lubicz', P1)}")
    assert P1 in page.locator("main h1").inner_text()
    assert "Grabowiec" in page.locator("main").inner_text()
    assert page.locator("img[src$='mapa.png']").evaluate("img => img.naturalWidth") == 640
    assert serious_violations(page) == []


def test_the_map_and_its_tools_work_from_the_keyboard(offline, live_server):
    page = offline
    page.goto(f"{live_server.url}/lubicz/geoportal/?lat=53.03&lon=18.75&zoom=15")
    page.wait_for_selector("#map.leaflet-container")
    # the skip link leads to the search results
    page.focus(".geo-skip a[href='#search-results']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "search-results"
    # the map takes focus, visibly, and moves and zooms with keys
    page.focus("#map")
    assert page.evaluate("document.activeElement.id") == "map"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => !location.search.includes('lon=18.750000')")
    page.keyboard.press("+")
    page.wait_for_function("() => location.search.includes('zoom=16')")
    # measuring a distance with buttons only; the result is announced
    page.focus("#measure-distance")
    page.keyboard.press("Enter")
    assert page.get_attribute("#measure-distance", "aria-pressed") == "true"
    page.focus("#measure-add")
    page.keyboard.press("Enter")
    page.focus("#map")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    page.focus("#measure-add")
    page.keyboard.press("Enter")
    result = page.locator("#measure-result")
    assert result.get_attribute("aria-live") == "polite"
    text = result.inner_text()
    assert " m" in text and any(ch.isdigit() for ch in text), text
    page.keyboard.press("Escape")
    assert page.get_attribute("#measure-distance", "aria-pressed") == "false"
    # information at the centre, from a button
    page.goto(f"{live_server.url}/lubicz/geoportal/?parcel={P1}")
    page.wait_for_selector("#map.leaflet-container")
    page.click("#info-centre")
    page.locator("#info a", has_text=P1).wait_for()


def test_without_javascript_the_page_offers_search_layers_and_print(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="pl-PL")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/lubicz/geoportal/")
        assert not page.locator("#map").is_visible()
        assert page.locator("#layers input[type=checkbox]").count() == 5
        assert page.locator("#layers .legend li", has_text="zabudowa usługowa").count() == 1
        bbox = page.input_value("#print-form input[name=bbox]")
        assert len(bbox.split(",")) == 4
        page.uncheck("#layer-lubicz--budynki")
        page.click("#layer-form button[type=submit]")
        assert "lubicz.budynki" not in _query(page)["layers"]
        assert not page.is_checked("#layer-lubicz--budynki")
        assert page.is_checked("#layer-lubicz--dzialki")
        page.fill("#parcel-q", "torunska 12")
        page.click("#parcel-search button")
        page.locator("#search-results a[href*='/dzialki/']", has_text=P1).click()
        assert P1 in page.locator("main h1").inner_text()
    finally:
        context.close()


def test_the_permalink_and_the_extract_link_follow_the_selected_parcel(offline, live_server):
    """A permalink kept ``parcel=`` of a parcel no longer selected (stale)."""
    page = offline
    page.goto(f"{live_server.url}/lubicz/geoportal/?parcel={P1}")
    page.wait_for_selector("#map.leaflet-container")
    link = page.locator("#extract-link")
    assert P1 in link.inner_text()
    assert _query_of(link.get_attribute("href"))["dzialki"] == [P1]
    page.wait_for_function("() => location.search.includes('parcel=')")
    # a search with several results clears the selection: no parcel= any more
    page.fill("#parcel-q", "Grabowiec")
    page.press("#parcel-q", "Enter")
    page.locator("#search-results li").nth(1).wait_for()
    page.wait_for_function("() => !new URLSearchParams(location.search).has('parcel')")
    assert "parcel=" not in (page.get_attribute("#permalink", "href") or "")
    assert link.get_attribute("href").endswith("/lubicz/geoportal/wypis/")
    # choosing another parcel selects it
    page.locator("#search-results li", has_text=P2).locator("button").click()
    page.wait_for_function(
        "(p) => new URLSearchParams(location.search).get('parcel') === p", arg=P2
    )
    assert _query_of(link.get_attribute("href"))["dzialki"] == [P2]


def _query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


WIDTH = "document.documentElement.scrollWidth"


def test_on_a_phone_the_map_comes_first_and_nothing_overflows(browser, live_server, ezd):
    """At 375 px the map started 4,800 px down the page (in the demo), under the whole panel."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale="pl-PL")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/lubicz/geoportal/")
        page.wait_for_selector("#map.leaflet-container")
        top = page.evaluate("document.getElementById('map').getBoundingClientRect().top + scrollY")
        panel = page.evaluate(
            "document.querySelector('.geo-panel').getBoundingClientRect().top + scrollY"
        )
        assert top < panel and top < 600, (top, panel)
        assert page.evaluate(WIDTH) <= 375
        # the extract form, empty and with the fee laid out
        page.goto(f"{live_server.url}/lubicz/geoportal/wypis/?dzialki={P1}")
        assert page.locator("textarea[name=parcels]").input_value() == P1
        assert page.evaluate(WIDTH) <= 375, page.evaluate(WIDTH)
        page.fill("input[name=first_name]", "Anna")
        page.fill("input[name=last_name]", "Nowak")
        page.fill("input[name=email]", "anna.nowak@example.invalid")
        page.click("button[value=preview]")
        page.locator("#fee-heading").wait_for()
        assert page.evaluate(WIDTH) <= 375, page.evaluate(WIDTH)
    finally:
        context.close()
