"""Files entering the EZD: checked by content, read for search, signatures verified.

Everything here runs *before* the database transaction of the operation, so
that a rejected file stops the operation before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.conf import settings

from infostrada.documents.services.common import FileToStore


def max_upload_bytes() -> int:
    """``INFOSTRADA_MAX_UPLOAD_MB`` (settings.DOCUMENTS_MAX_UPLOAD_BYTES), read per call."""
    return settings.DOCUMENTS_MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class CheckedFile:
    file: FileToStore
    text: str
    signature_status: str
    signature_summary: str


def check_upload(filename: str, data: bytes | IO[bytes]) -> FileToStore:
    """Inspect an uploaded file by content; raise ``UploadRejected`` (a ValidationError)."""
    from infostrada.documents.uploads import inspect_upload

    limit = max_upload_bytes()
    if not isinstance(data, bytes | bytearray):
        data = data.read(limit + 1)
    inspected = inspect_upload(filename, bytes(data), max_bytes=limit)
    return FileToStore(
        filename=inspected.filename,
        mime=inspected.mime,
        size=inspected.size,
        sha256=inspected.sha256,
        data=bytes(data),
        page_count=getattr(inspected, "page_count", None),
    )


def read_and_verify(file: FileToStore) -> CheckedFile:
    """Text for full-text search and the electronic signature check of a stored file."""
    from infostrada.documents.extract import extract_text
    from infostrada.documents.seal import verify_signatures

    text = extract_text(file.data, file.mime)
    status, summary = verify_signatures(file.data, file.mime)
    return CheckedFile(file=file, text=text, signature_status=status, signature_summary=summary)


def check_uploads(files: list[tuple[str, bytes | IO[bytes]]]) -> list[CheckedFile]:
    """Check every file of an operation first: one bad file refuses them all."""
    return [read_and_verify(check_upload(name, data)) for name, data in files]
