"""ZIP-based files (ZIP, DOCX, XLSX, ODT, ODS): bombs, zip slip and encryption refused.

They are checked from the central directory and then by inflating every entry
ourselves with a byte budget, because the sizes an archive declares can lie.
Overlapping entries (the "better zip bomb") are refused. Files inside a ZIP
container must each be acceptable uploads; the parts of a document must be safe
(XML without a DTD), and its main part must be what the name claims.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Final

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from infostrada.documents.uploads.errors import UploadRejected, too_large
from infostrada.documents.uploads.identify import (
    ZIP_MAGIC,
    count_central_directory,
    describe,
    mismatch,
    zip_kind,
)
from infostrada.documents.uploads.limits import (
    HEAD_BYTES,
    RATIO_GRACE_BYTES,
    READ_CHUNK,
    Budget,
    Limits,
)
from infostrada.documents.uploads.names import FileFormat
from infostrada.documents.uploads.xml import scan_prolog

logger = logging.getLogger(__name__)

#: Checks one file inside a ZIP container as an upload of its own: (entry, content,
#: limits, budget, depth). Passed in by the caller, because that check comes back here
#: for an archive inside the archive.
EntryCheck = Callable[[str, bytes, Limits, Budget, int], None]

_INFLATE_IN: Final = 64 * 1024

# Parts each document kind must have, and the local name of its main part's root.
REQUIRED_PARTS: Final = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "odt": ("mimetype", "content.xml"),
    "ods": ("mimetype", "content.xml"),
}
_MAIN_PART_ROOT: Final = {
    "docx": ("word/document.xml", "document"),
    "xlsx": ("xl/workbook.xml", "workbook"),
    "odt": ("content.xml", "document-content"),
    "ods": ("content.xml", "document-content"),
}
_ARCHIVE_JUNK: Final = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _archive_error(code: str, entry: str = "", limit: int = 0) -> UploadRejected:
    params: dict[str, object] = {"entry": entry, "limit": limit}
    if code == "archive_corrupt":
        message = _(
            "The file is damaged: its internal ZIP structure is broken or inconsistent. "
            "Save or pack it again with the program that created it and send it again."
        )
    elif code == "archive_too_many_entries":
        message = ngettext(
            "The archive contains more than %(limit)s file. Split it into smaller archives.",
            "The archive contains more than %(limit)s files. Split it into smaller archives.",
            limit,
        )
    elif code == "archive_too_large":
        params["limit"] = filesizeformat(limit)
        message = _(
            "Unpacked, the file would take more than %(limit)s, or it declares sizes that "
            "do not match its content. Split it into smaller files or archives."
        )
    elif code == "archive_ratio":
        message = _(
            "The part %(entry)s is compressed more than %(limit)s times, as archive bombs "
            "are. Pack the files again normally, or send them without packing."
        )
    elif code == "archive_nested":
        message = ngettext(
            "The archive contains archives nested more than %(limit)s level deep "
            "(%(entry)s). Unpack the inner archives and pack all files into one archive.",
            "The archive contains archives nested more than %(limit)s levels deep "
            "(%(entry)s). Unpack the inner archives and pack all files into one archive.",
            limit,
        )
    elif code == "archive_unsafe_path":
        message = _(
            "The archive contains a file with an unsafe path (%(entry)s): absolute paths "
            "and '..' are not allowed. Pack the files again from their folder."
        )
    elif code == "archive_encrypted":
        message = _(
            "The archive or a file in it is password-protected (%(entry)s). Encrypted files "
            "cannot be checked or archived. Pack the files again without a password."
        )
    else:
        assert code == "archive_method", code
        message = _(
            "The archive uses a compression method we cannot check (%(entry)s). Pack the "
            "files again with standard ZIP compression."
        )
    return UploadRejected(code, message, params)


def _in_archive(entry: str, exc: UploadRejected, *, container: bool) -> UploadRejected:
    """Say which file inside an archive (or which part of a document) was refused.

    The inner code is kept, so an API client learns *what* is wrong either way.
    """
    if container:
        message = _("%(entry)s inside the archive: %(reason)s")
    else:
        message = _("The part %(entry)s of the file: %(reason)s")
    return UploadRejected(
        exc.code or "archive_corrupt", message, {"entry": entry, "reason": exc.text}
    )


def check_zip(
    payload: bytes,
    limits: Limits,
    budget: Budget,
    depth: int,
    *,
    expected: FileFormat | None,
    extension: str = "",
    check_entry: EntryCheck,
) -> None:
    """Refuse bombs, zip slip and encryption; check that the file is the expected kind.

    ``expected`` is None for an archive embedded in a document (a spreadsheet inside a
    DOCX): it must be safe but need not be any particular format. ``check_entry`` checks
    each file inside a ZIP container.
    """
    declared_count = count_central_directory(payload)
    if declared_count is not None and declared_count > budget.entries_left:
        raise _archive_error("archive_too_many_entries", limit=limits.max_entries)
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            infos = archive.infolist()
    except Exception as exc:  # zipfile raises several types on damaged input
        logger.debug("ZIP refused as corrupt: %r", exc)
        raise _archive_error("archive_corrupt") from None
    if len(infos) > budget.entries_left:
        raise _archive_error("archive_too_many_entries", limit=limits.max_entries)
    budget.entries_left -= len(infos)
    if not infos:
        raise UploadRejected(
            "empty", _("The archive contains no files. Add the files and send it again.")
        )

    _check_central_directory(infos, limits, budget)
    spans = _data_spans(payload, infos)

    document = None
    if expected is not None:
        kind = zip_kind(payload)
        names = {info.filename for info in infos}
        missing = [p for p in REQUIRED_PARTS.get(expected.key, ()) if p not in names]
        if kind != expected.key and not (kind == "zip" and missing):
            raise mismatch(expected, extension, *describe(payload, "zip"))
        if missing:  # a damaged document, or a plain ZIP given a document's name
            raise _missing_part(expected, extension, missing[0])
        document = kind if kind in REQUIRED_PARTS else None
    container = expected is not None and expected.key == "zip"

    for info in sorted(infos, key=lambda i: i.header_offset):
        entry = info.filename
        keep = container and not info.is_dir() and not _is_junk(entry)
        try:
            head, content = _inflate(payload, info, spans[id(info)], limits, budget, keep)
        except UploadRejected as exc:
            if exc.code == "too_large":  # one file inside is over the per-file limit
                raise _in_archive(entry, exc, container=True) from None
            raise
        nested = head.startswith(ZIP_MAGIC)
        if nested and depth + 1 > limits.max_depth:
            raise _archive_error("archive_nested", entry, limits.max_depth)
        root = None
        try:
            if document and entry.endswith((".xml", ".rels")):
                root = scan_prolog(head, final=len(head) == info.file_size)
            if keep:
                assert content is not None
                check_entry(entry, content, limits, budget, depth + 1)
            elif nested:
                assert content is not None
                check_zip(
                    content, limits, budget, depth + 1, expected=None, check_entry=check_entry
                )
        except UploadRejected as exc:
            raise _in_archive(entry, exc, container=keep or nested) from None
        if document and entry == _MAIN_PART_ROOT[document][0]:
            assert expected is not None
            if (root or "").rpartition(" ")[2] != _MAIN_PART_ROOT[document][1]:
                raise _missing_part(expected, extension, entry)


def _missing_part(expected: FileFormat, extension: str, part: str) -> UploadRejected:
    return UploadRejected(
        "content_mismatch",
        _(
            "The file is named %(extension)s but is not a valid %(expected)s document: its "
            "part %(part)s is missing or wrong. It may be damaged or another kind of file; "
            "save it again as %(expected)s from the office program and send it again."
        ),
        {"extension": extension, "expected": expected.name, "part": part},
    )


def _is_junk(entry: str) -> bool:
    """Metadata that macOS and Windows add when packing; stored, but not checked as files."""
    return entry.startswith("__MACOSX/") or entry.rpartition("/")[2] in _ARCHIVE_JUNK


def _check_central_directory(infos: list[zipfile.ZipInfo], limits: Limits, budget: Budget) -> None:
    """The cheap checks, on what the archive declares, before inflating anything."""
    declared_total = 0
    for info in infos:
        entry = info.filename
        parts = entry.replace("\\", "/").split("/")
        if entry.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", entry) or ".." in parts:
            raise _archive_error("archive_unsafe_path", entry)
        if info.flag_bits & 0x1:
            raise _archive_error("archive_encrypted", entry)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _archive_error("archive_method", entry)
        declared_total += info.file_size
        if declared_total > budget.bytes_left:
            raise _archive_error("archive_too_large", limit=limits.max_uncompressed)
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _archive_error("archive_ratio", entry, limits.max_ratio)


def _data_spans(payload: bytes, infos: list[zipfile.ZipInfo]) -> dict[int, tuple[int, int]]:
    """Where each entry's compressed bytes are; refuse entries that overlap.

    Overlapping entries let a few kilobytes be referenced by thousands of entries (the
    "better zip bomb"), and no archiver writes them.
    """
    spans: dict[int, tuple[int, int]] = {}
    previous_end = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        start = info.header_offset
        header = payload[start : start + 30]
        if len(header) < 30 or header[:4] != ZIP_MAGIC or start < previous_end:
            raise _archive_error("archive_corrupt")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        data_start = start + 30 + name_length + extra_length
        data_end = data_start + info.compress_size
        if data_end > len(payload):
            raise _archive_error("archive_corrupt")
        spans[id(info)] = (data_start, data_end)
        previous_end = data_end
    return spans


def _inflate(
    payload: bytes,
    info: zipfile.ZipInfo,
    span: tuple[int, int],
    limits: Limits,
    budget: Budget,
    keep: bool,
) -> tuple[bytes, bytes | None]:
    """Inflate one entry ourselves, counting every byte against the budget.

    zipfile trusts the declared size; we do not: the real output is counted, its CRC and
    length compared with what the archive declares, and we stop the moment the budget or
    the ratio is exceeded. Returns the first bytes of the entry and, when ``keep`` (or
    when the entry is itself an archive), the whole entry, up to ``limits.max_bytes``.
    """
    raw = memoryview(payload)[span[0] : span[1]]
    head = bytearray()
    parts: list[bytes] | None = []  # None once we know we need not keep the content
    produced = 0
    crc = 0

    def take(out: bytes) -> None:
        nonlocal produced, crc, parts
        produced += len(out)
        budget.bytes_left -= len(out)
        if budget.bytes_left < 0:
            raise _archive_error("archive_too_large", limit=limits.max_uncompressed)
        if produced > RATIO_GRACE_BYTES and produced > limits.max_ratio * max(len(raw), 1):
            raise _archive_error("archive_ratio", info.filename, limits.max_ratio)
        crc = zlib.crc32(out, crc)
        if len(head) < HEAD_BYTES:
            head.extend(out[: HEAD_BYTES - len(head)])
        if parts is not None and len(head) >= 4 and not (keep or head.startswith(ZIP_MAGIC)):
            parts = None
        if parts is not None:
            if produced > limits.max_bytes:
                raise too_large(limits.max_bytes, None)
            parts.append(out)

    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), READ_CHUNK):
            take(bytes(raw[offset : offset + READ_CHUNK]))
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        position = 0
        try:
            while not inflater.eof:
                if inflater.unconsumed_tail:
                    chunk = inflater.unconsumed_tail
                elif position < len(raw):
                    chunk = bytes(raw[position : position + _INFLATE_IN])
                    position += len(chunk)
                else:
                    break
                take(inflater.decompress(chunk, READ_CHUNK))
        except zlib.error:
            raise _archive_error("archive_corrupt") from None
        if not inflater.eof:
            raise _archive_error("archive_corrupt")
    if produced != info.file_size or crc != info.CRC:
        logger.debug(
            "ZIP entry %r declares %s bytes, has %s", info.filename, info.file_size, produced
        )
        raise _archive_error("archive_corrupt")
    return bytes(head), (b"".join(parts) if parts is not None else None)
