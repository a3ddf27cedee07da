"""Stored files survive retries and failures; check-files and sweep-files find the rest.

Issue 8: identical retries of one letter, sent at once, all got 201 with one
item, and the item's file was gone: the request that wrote the shared,
content-addressed blob rolled back (it lost the race on the source id) and
deleted the blob the winner had committed. These tests send the retries as
integrators do, each on its own thread with its own database connection.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import threading
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client
from django.utils import timezone

from infostrada.documents.blobs import check_versions, stored_blobs, sweep_orphans
from infostrada.documents.models import Document, DocumentVersion, IncomingItem
from infostrada.documents.services import correspondence
from infostrada.documents.services.common import BlobWriter, FileToStore
from infostrada.documents.services.correspondence import IncomingData
from infostrada.documents.services.files import check_upload

from .conftest import actor, pdf_bytes, register
from .test_api import RW, bearer, letter_data, post_item

pytestmark = pytest.mark.django_db
RETRIES = 50


def _versions(unit) -> list[DocumentVersion]:  # type: ignore[no-untyped-def]
    return list(DocumentVersion.objects.for_unit(unit).order_by("pk"))


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_identical_retries_with_a_new_file_keep_the_file(ezd, capsys):
    headers = bearer(ezd.unit, RW)
    data = letter_data(source_system="epuap", source_id="msg-retry-50")
    scan = pdf_bytes("Wniosek wysłany pięćdziesiąt razy")
    answers: list[tuple[int, int]] = []
    start = threading.Barrier(RETRIES)

    def send() -> None:
        try:
            start.wait(timeout=60)
            response = post_item(Client(), headers, data, files=[("wniosek.pdf", scan)])
            answers.append((response.status_code, response.json().get("id", 0)))
        finally:
            connections.close_all()

    began = time.monotonic()
    threads = [threading.Thread(target=send) for _ in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.monotonic() - began

    item = IncomingItem.objects.for_unit(ezd.unit).get(source_id="msg-retry-50")
    assert answers == [(201, item.pk)] * RETRIES
    (version,) = _versions(ezd.unit)
    assert default_storage.exists(version.file.name), "the item lost its file"
    download = Client().get(
        f"/api/v1/units/lubicz/documents/{version.document_id}/versions/{version.number}/content",
        **headers,
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == scan
    assert check_versions().problems == []
    call_command("check_files")
    call_command("audit_verify")
    left = sum(1 for _ in stored_blobs()) - 1
    with capsys.disabled():
        print(
            f"\n{RETRIES} concurrent retries ({connections['default'].vendor}): "
            f"{elapsed:.1f} s, 1 item with its file, {left} orphan blobs left for the sweep"
        )


@pytest.mark.django_db(transaction=True)
def test_a_failed_operation_never_deletes_a_file_a_concurrent_one_committed(ezd):
    """The race of issue 8, step by step: the loser wrote the blob, the winner committed."""
    scan = pdf_bytes("Pismo wysłane dwa razy naraz")
    loser_file = check_upload("pismo.pdf", scan)
    with pytest.raises(RuntimeError), BlobWriter() as loser:
        mine = loser.put(ezd.unit.pk, loser_file)  # the loser stores the new file first
        winner = correspondence.register_incoming(  # the winner commits meanwhile
            actor=actor(ezd.kancelaria),
            unit=ezd.unit,
            data=IncomingData(
                channel="paper",
                received_on=timezone.localdate(),
                subject="Pismo",
                party_kind="institution",
                institution="Nadleśnictwo Toruń",
            ),
            files=[("pismo.pdf", scan)],
        )
        raise RuntimeError("the loser's insert failed on the source id")
    (version,) = _versions(ezd.unit)
    assert version.document.incoming_item_id == winner.pk
    assert default_storage.exists(version.file.name), "the winner's file was deleted"
    assert mine != version.file.name and not default_storage.exists(mine)  # its own: gone
    assert check_versions().problems == []


def test_check_files_lists_missing_and_altered_files(ezd):
    register(ezd, subject="Pierwsze")
    register(ezd, subject="Drugie")
    register(ezd, subject="Trzecie")
    first, second, _third = _versions(ezd.unit)
    call_command("check_files")
    default_storage.delete(first.file.name)
    Path(default_storage.path(second.file.name)).write_bytes(b"%PDF-1.4 zmieniony")
    report = check_versions()
    assert report.checked == 3
    assert [p.split(":")[1].strip() for p in report.problems] == [
        "file missing",
        f"size {len(b'%PDF-1.4 zmieniony')}, recorded {second.size}",
    ]
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_files", stderr=err)
    assert failed.value.returncode == 1
    assert first.file.name in err.getvalue() and second.file.name in err.getvalue()


def test_check_files_notices_same_size_different_bytes(ezd):
    register(ezd)
    (version,) = _versions(ezd.unit)
    path = Path(default_storage.path(version.file.name))
    data = bytearray(path.read_bytes())
    data[-2] ^= 1
    path.write_bytes(bytes(data))
    (problem,) = check_versions().problems
    assert f"recorded {version.sha256}" in problem
    assert check_versions(hashes=False).problems == []


def test_the_sweep_removes_old_orphans_only(ezd):
    register(ezd)
    (version,) = _versions(ezd.unit)
    orphan = FileToStore(
        filename="x.pdf",
        mime="application/pdf",
        size=3,
        sha256=hashlib.sha256(b"abc").hexdigest(),
        data=b"abc",
    )
    young = BlobWriter().put(ezd.unit.pk, orphan)
    old = BlobWriter().put(ezd.unit.pk, orphan)
    day_ago = time.time() - 25 * 3600
    for name in (old, version.file.name):
        os.utime(default_storage.path(name), (day_ago, day_ago))
    dry = sweep_orphans(grace=datetime.timedelta(hours=24), dry_run=True)
    assert dry.removed == [old] and default_storage.exists(old)
    out = io.StringIO()
    call_command("sweep_files", "--grace-hours", "24", stdout=out)
    assert f"deleted {old}" in out.getvalue()
    assert not default_storage.exists(old)
    assert default_storage.exists(young) and default_storage.exists(version.file.name)
    # with no grace at all the young orphan goes too; the referenced file never does
    assert sweep_orphans(grace=datetime.timedelta(0), now=timezone.now()).removed == [young]
    assert check_versions().problems == []
    assert Document.objects.for_unit(ezd.unit).count() == 1
