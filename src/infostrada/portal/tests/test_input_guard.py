"""NUL characters are refused at the edge with a 400, on pages and the API.

PostgreSQL cannot store U+0000; without the guard these requests were 500s
there (found by the API fuzz test).
"""

import json

import pytest

from infostrada.portal.tests.test_isolation import snapshot


@pytest.mark.parametrize(
    "url",
    ["/?q=Lu%00bicz", "/?q%00=x", "/api/v1/units?q=%00", "/api/v1/units/lu%00bicz", "/lu%00bicz/"],
)
def test_nul_in_the_url_is_a_clear_400(client, region, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
        assert "NUL" in response.json()["detail"]
    else:
        assert "NUL" in response.content.decode()


@pytest.mark.parametrize("body", ['{"email": "a\\u0000@example.pl"}', '{"addr\\u0000ess": "x"}'])
def test_nul_in_a_json_body_is_a_clear_400_and_changes_nothing(client, lubicz, body):
    before = snapshot()
    response = client.patch("/api/v1/units/lubicz", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed")
    assert snapshot() == before


def test_an_escaped_backslash_is_not_a_nul(client, region):
    """The text \\u0000 written out (backslash, u, zeros) is ordinary input."""
    body = json.dumps({"email": "\\u0000"})
    response = client.patch("/api/v1/units/lubicz", data=body, content_type="application/json")
    assert response.status_code == 401  # reached the API: no credentials were sent


def test_pages_refuse_nul_in_polish(client, region):
    assert "znak NUL" in client.get("/?q=%00").content.decode()
