"""``inspect_upload``: read an upload within its limit and check its content by its name."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from infostrada.documents.uploads.archives import REQUIRED_PARTS, check_zip
from infostrada.documents.uploads.errors import UploadRejected, too_large
from infostrada.documents.uploads.identify import describe, mismatch, sniff
from infostrada.documents.uploads.images import check_image
from infostrada.documents.uploads.limits import (
    MAX_ARCHIVE_DEPTH,
    MAX_ARCHIVE_ENTRIES,
    MAX_ARCHIVE_UNCOMPRESSED_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_UPLOAD_BYTES,
    READ_CHUNK,
    Budget,
    Limits,
)
from infostrada.documents.uploads.names import FileFormat, format_for_name, sanitize_filename
from infostrada.documents.uploads.pdf import check_pdf
from infostrada.documents.uploads.text import check_text
from infostrada.documents.uploads.xml import check_xml, xml_malformed


@dataclass(frozen=True)
class InspectedFile:
    """What we know about an accepted upload; the caller stores the bytes under it."""

    filename: str
    extension: str
    mime: str
    size: int
    sha256: str
    page_count: int | None = None


def inspect_upload(
    filename: str,
    data: bytes | IO[bytes],
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_entries: int = MAX_ARCHIVE_ENTRIES,
    max_uncompressed: int = MAX_ARCHIVE_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_COMPRESSION_RATIO,
    max_depth: int = MAX_ARCHIVE_DEPTH,
) -> InspectedFile:
    """Check an upload by name and content; return its metadata or raise UploadRejected.

    ``data`` may be bytes or a binary file-like object (a Django ``UploadedFile``); a
    seekable one is read from its start. Its size is checked before reading when known,
    and never more than ``max_bytes + 1`` bytes are read.
    """
    limits = Limits(max_bytes, max_entries, max_uncompressed, max_ratio, max_depth)
    name = sanitize_filename(filename)
    known = len(data) if isinstance(data, bytes | bytearray | memoryview) else _known_size(data)
    if known is not None and known > max_bytes:
        raise too_large(max_bytes, known)
    fmt, extension = format_for_name(name)
    payload = _read_bounded(data, max_bytes)
    if not payload:
        raise UploadRejected(
            "empty",
            _("The file %(name)s is empty (0 bytes). Check that it was saved and send it again."),
            {"name": name},
        )
    budget = Budget(max_uncompressed, max_entries)
    page_count = _check_content(fmt, extension, payload, limits, budget, depth=0)
    return InspectedFile(
        filename=name,
        extension=extension,
        mime=fmt.mime,
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        page_count=page_count,
    )


# --- reading -------------------------------------------------------------------------


def _known_size(stream: IO[bytes]) -> int | None:
    size = getattr(stream, "size", None)  # django.core.files.File and UploadedFile
    if isinstance(size, int):
        return size
    try:
        if stream.seekable():
            position = stream.tell()
            end = stream.seek(0, io.SEEK_END)
            stream.seek(position)
            return end
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _read_bounded(data: bytes | IO[bytes], max_bytes: int) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        payload = bytes(data)
    else:
        try:
            if data.seekable():
                data.seek(0)
        except (AttributeError, OSError, ValueError):
            pass
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = data.read(min(remaining, READ_CHUNK))
            if not chunk:
                break
            if not isinstance(chunk, bytes):
                raise TypeError("inspect_upload needs a binary stream")
            chunks.append(chunk)
            remaining -= len(chunk)
        payload = b"".join(chunks)
    if len(payload) > max_bytes:
        raise too_large(max_bytes, None)
    return payload


# --- content -------------------------------------------------------------------------


def _check_content(
    fmt: FileFormat,
    extension: str,
    payload: bytes,
    limits: Limits,
    budget: Budget,
    depth: int,
) -> int | None:
    """Check that ``payload`` really is ``fmt``; return the page count of a PDF."""
    family = sniff(payload)
    if fmt.key == "txt":
        if family not in (None, "xml"):
            raise mismatch(fmt, extension, *describe(payload, family))
        check_text(fmt, extension, payload)
        return None
    if fmt.key in REQUIRED_PARTS or fmt.key == "zip":
        if family != "zip":
            raise mismatch(fmt, extension, *describe(payload, family))
        check_zip(
            payload,
            limits,
            budget,
            depth,
            expected=fmt,
            extension=extension,
            check_entry=_check_entry,
        )
        return None
    if family != fmt.key:
        if fmt.key == "xml" and family is None:
            raise xml_malformed(1, 0)
        raise mismatch(fmt, extension, *describe(payload, family))
    if fmt.key == "pdf":
        return check_pdf(payload)
    if fmt.key == "xml":
        check_xml(payload, extension)
        return None
    check_image(fmt, payload)
    return None


def _check_entry(entry: str, content: bytes, limits: Limits, budget: Budget, depth: int) -> None:
    """A file inside a ZIP container must itself be an acceptable upload."""
    fmt, extension = format_for_name(sanitize_filename(entry))
    if not content:
        raise UploadRejected(
            "empty",
            _("The file %(name)s is empty (0 bytes). Check that it was saved and send it again."),
            {"name": entry},
        )
    _check_content(fmt, extension, content, limits, budget, depth)
