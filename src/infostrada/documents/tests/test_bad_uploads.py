"""Bad files at the chancellery desk: a clear error, and nothing stored at all.

For each kind of bad file the registration of a letter (with a good scan next
to the bad file) is refused with the upload check's error code, and neither
the item, nor any document, nor any file on disk, nor a register number is
left behind: the next good registration still gets number 1.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from infostrada.documents.models import Document, DocumentVersion, IncomingItem
from infostrada.documents.services import correspondence
from infostrada.documents.services.correspondence import IncomingData

from .conftest import actor, pdf_bytes

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dane.txt", b"\x00" * (8 * 1024 * 1024))
    return out.getvalue()


XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE wniosek [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
    b"<wniosek>&e;</wniosek>"
)

BAD = {
    "content_mismatch": ("skan.pdf", png_bytes()),
    "pdf_corrupt": ("skan.pdf", pdf_bytes()[:300]),
    "xml_dtd_forbidden": ("wniosek.xml", XXE),
    "archive_ratio": ("zalaczniki.zip", zip_bomb()),
    "too_large": ("duzy.pdf", pdf_bytes("x" * 10) + b"%" * 4096),
}


def letter() -> IncomingData:
    return IncomingData(
        channel="paper",
        received_on=timezone.localdate(),
        subject="Wniosek",
        party_kind="person",
        first_name="Jan",
        last_name="Kowalski",
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("code", sorted(BAD))
def test_a_bad_file_is_refused_and_nothing_is_stored(ezd, settings, code):
    if code == "too_large":
        settings.DOCUMENTS_MAX_UPLOAD_BYTES = 2048
    name, data = BAD[code]
    with pytest.raises(ValidationError) as refused:
        correspondence.register_incoming(
            actor=actor(ezd.kancelaria),
            unit=ezd.unit,
            data=letter(),
            files=[("dobry-skan.pdf", pdf_bytes()), (name, data)],
        )
    assert refused.value.code == code
    assert str(refused.value.message)  # a sentence for the official, not just a code
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()
    assert not Document.objects.for_unit(ezd.unit).exists()
    assert not DocumentVersion.objects.for_unit(ezd.unit).exists()
    assert stored_files() == []
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
    good = correspondence.register_incoming(
        actor=actor(ezd.kancelaria),
        unit=ezd.unit,
        data=letter(),
        files=[("dobry-skan.pdf", pdf_bytes())],
    )
    assert good.number == 1
    assert len(stored_files()) == 1


def test_the_xml_entity_is_never_expanded(ezd):
    with pytest.raises(ValidationError) as refused:
        correspondence.register_incoming(
            actor=actor(ezd.kancelaria),
            unit=ezd.unit,
            data=letter(),
            files=[("wniosek.xml", XXE)],
        )
    assert "root:" not in str(refused.value.messages)


def test_a_file_failing_after_its_blob_was_written_leaves_no_blob(ezd, monkeypatch):
    """A database failure after the files were written removes the new files again."""
    from infostrada.documents.services import correspondence as module

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError("storage refused the row")

    monkeypatch.setattr(module, "_store_incoming_document", broken)
    with pytest.raises(ValidationError):
        correspondence.register_incoming(
            actor=actor(ezd.kancelaria),
            unit=ezd.unit,
            data=letter(),
            files=[("skan.pdf", pdf_bytes())],
        )
    assert stored_files() == []
    assert not IncomingItem.objects.for_unit(ezd.unit).exists()
