"""What bytes really are, by their magic numbers and (for ZIP-based files) their parts.

Used to tell an official what a refused file actually contains and which name it
should have, rather than only that it does not match the one it has.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from typing import Final

import puremagic
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from infostrada.documents.uploads.errors import UploadRejected
from infostrada.documents.uploads.limits import MAX_ARCHIVE_ENTRIES
from infostrada.documents.uploads.names import ALLOWED, FileFormat

ZIP_MAGIC: Final = b"PK\x03\x04"
EMPTY_ZIP_MAGIC: Final = b"PK\x05\x06"
_BOMS: Final = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
TEXT_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# ZIP-based things we recognise but do not accept, so that the message can say what
# the file really is.
_OTHER_ZIP_KINDS: Final = {
    "docm": gettext_noop("macro-enabled Word document (DOCM)"),
    "xlsm": gettext_noop("macro-enabled Excel workbook (XLSM)"),
    "pptx": gettext_noop("PowerPoint presentation (PPTX)"),
    "odp": gettext_noop("OpenDocument presentation (ODP)"),
    "odg": gettext_noop("OpenDocument drawing (ODG)"),
    "odf": gettext_noop("OpenDocument file of another kind"),
}
_ODF_KINDS: Final = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
}


def sniff(data: bytes) -> str | None:
    """The accepted family the bytes belong to by their magic number, if any."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:4] in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        return "zip"
    if data.startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and b"\x00" not in data[:1024]):
        return "pdf"  # readers accept a little junk before the header; so do we
    if data.startswith((b"\xff\xfe<", b"\xfe\xff\x00<")):
        return "xml"
    head = data[:256].removeprefix(_BOMS[0]).lstrip(b" \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    return None


def describe(data: bytes, family: str | None) -> tuple[str, str | None]:
    """A translated name for what the bytes really are, and the extension to suggest."""
    if family == "zip":
        kind = zip_kind(data)
        if kind in ALLOWED:
            return _(ALLOWED[kind].label), ALLOWED[kind].extensions[0]
        return _(_OTHER_ZIP_KINDS[kind]), None
    if family == "xml" and re.search(rb"<(!doctype\s+)?html", data[:1024], re.IGNORECASE):
        return _("a file of type %(type)s") % {"type": "HTML"}, None
    if family is not None:
        return _(ALLOWED[family].label), ALLOWED[family].extensions[0]
    try:
        matches = puremagic.magic_string(data)
    except Exception:  # puremagic raises on anything it does not know
        matches = []
    if matches and matches[0].extension:
        kind = matches[0].extension.lstrip(".").upper()
        return _("a file of type %(type)s") % {"type": kind}, None
    if not TEXT_CONTROL.search(data[:4096].decode("utf-8", "replace")):
        return _(ALLOWED["txt"].label), ".txt"
    return _("unrecognised binary data"), None


def mismatch(
    expected: FileFormat, extension: str, actual: str, suggested: str | None
) -> UploadRejected:
    params = {"extension": extension, "actual": actual, "expected": expected.name}
    if suggested:
        params["suggested"] = suggested
        message = _(
            "The file is named %(extension)s but its content is in another format: "
            "%(actual)s. Save it again as %(expected)s or rename it %(suggested)s."
        )
    else:
        message = _(
            "The file is named %(extension)s but its content is in another format: "
            "%(actual)s. Save it again as %(expected)s and send it again."
        )
    return UploadRejected("content_mismatch", message, params)


# --- ZIP-based files -----------------------------------------------------------------


def zip_kind(data: bytes) -> str:
    """What a ZIP-based file is, from its part names (and an ODF ``mimetype`` entry)."""
    count = count_central_directory(data)
    if count is None or count > 10 * MAX_ARCHIVE_ENTRIES:
        return "zip"  # not worth listing; the archive checks will refuse it
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 200:
                mimetype = archive.read("mimetype")  # bounded by the declared size
    except Exception:  # damaged or hostile: the archive checks say which
        return "zip"
    if "mimetype" in names:
        return _ODF_KINDS.get(mimetype.decode("ascii", "replace").strip(), "odf")
    if "word/document.xml" in names:
        return "docm" if "word/vbaProject.bin" in names else "docx"
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def count_central_directory(data: bytes) -> int | None:
    """Count entries from the raw central directory before zipfile builds an object each.

    An upper bound (the signature is counted, not parsed), so a 25 MiB archive of half a
    million empty entries costs one ``bytes.count`` instead of seconds and hundreds of
    megabytes. ``None`` when there is no end record; zipfile then reports the damage.
    """
    eocd = data.rfind(EMPTY_ZIP_MAGIC, max(0, len(data) - 22 - 65535))
    if eocd < 0 or len(data) - eocd < 22:
        return None
    cd_size = struct.unpack("<I", data[eocd + 12 : eocd + 16])[0]
    end = eocd
    locator = eocd - 20
    if cd_size == 0xFFFFFFFF and locator >= 56 and data[locator : locator + 4] == b"PK\x06\x07":
        end = locator - 56  # a ZIP64 end record without extensible data
        if data[end : end + 4] != b"PK\x06\x06":
            return None
        cd_size = struct.unpack("<Q", data[end + 40 : end + 48])[0]
    return data.count(b"PK\x01\x02", max(0, end - cd_size), end)
