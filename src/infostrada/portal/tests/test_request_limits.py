"""A request body over the limit is refused before it is read (issue 8).

The declared length is enough to refuse: these requests declare a body
larger than ``INFOSTRADA_MAX_REQUEST_MB`` and send almost none of it, as a
client is cut off by the server. ``test_served_process`` sends a real 288 MiB
body to a served worker and measures its memory.
"""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from infostrada.input_guard import _BoundedStream
from infostrada.portal.tests.test_isolation import snapshot

pytestmark = pytest.mark.django_db


def over_the_limit() -> str:
    return str(settings.REQUEST_MAX_BYTES + 1)


def test_an_oversize_api_request_is_a_413_problem_and_changes_nothing(client, lubicz):
    before = snapshot()
    response = client.post(
        "/api/v1/units/lubicz/incoming-items",
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=over_the_limit(),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/too-large") and body["status"] == 413
    assert body["limit_bytes"] == settings.REQUEST_MAX_BYTES
    assert "100 MiB" in body["detail"]
    assert snapshot() == before


def test_an_oversize_form_gets_a_page_in_the_sites_language(client, region):
    response = client.post(
        "/konto/logowanie/",
        data=b"username=a",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=over_the_limit(),
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Żądanie jest za duże</h1>" in page
    assert "100 MiB" in page and "Nic nie zapisano" in page


def test_a_request_within_the_limit_goes_through(client, region):
    response = client.post(
        "/api/v1/units/lubicz",
        data=json.dumps({}),
        content_type="application/json",
    )
    assert response.status_code != 413


def test_the_bytes_read_are_counted_whatever_the_headers_say():
    stream = _BoundedStream(io.BytesIO(b"a" * 10), limit=10)
    assert stream.read() == b"a" * 10
    with pytest.raises(RequestDataTooBig):
        _BoundedStream(io.BytesIO(b"a" * 11), limit=10).read()
    with pytest.raises(RequestDataTooBig):
        _BoundedStream(io.BytesIO(b"a\n" * 6), limit=10).read(4096)
    lines = _BoundedStream(io.BytesIO(b"ab\ncd\n"), limit=6)
    assert list(lines) == [b"ab\n", b"cd\n"]


def test_uploaded_files_over_a_mebibyte_are_streamed_to_disk_not_memory():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    assert settings.FILE_UPLOAD_TEMP_DIR.is_dir()
