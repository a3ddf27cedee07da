"""File names: the formats we accept by extension, and names safe to show and store."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from infostrada.documents.uploads.errors import UploadRejected
from infostrada.documents.uploads.limits import MAX_FILENAME_LENGTH


@dataclass(frozen=True)
class FileFormat:
    """One accepted format: what it is called, its MIME type and the names it may have."""

    key: str
    name: str  # the format's own name, the same in every language ("PDF", "DOCX")
    mime: str
    extensions: tuple[str, ...]  # the first one is what we suggest when renaming
    label: str  # gettext msgid, translated where shown


# Formats of the KRI regulation: Rozporządzenie Rady Ministrów z dnia 21 maja 2024 r.
# w sprawie Krajowych Ram Interoperacyjności, minimalnych wymagań dla rejestrów
# publicznych i wymiany informacji w postaci elektronicznej oraz minimalnych wymagań dla
# systemów teleinformatycznych (Dz.U. 2024 poz. 773), the annex listing data formats
# (załącznik nr 2). We accept the subset an EZD needs for correspondence and can check
# structurally without further libraries. Left out on purpose: legacy binary Office
# files (.doc/.xls/.rtf: macros, no structural check), SVG and HTML (can carry
# scripts), and archive formats we cannot inflate under a budget (.7z, .rar).
ALLOWED: Final[dict[str, FileFormat]] = {
    f.key: f
    for f in (
        FileFormat("pdf", "PDF", "application/pdf", (".pdf",), gettext_noop("PDF document")),
        # .xades: an XML document with an enveloped or enveloping XAdES signature, as
        # produced by ePUAP and qualified-signature tools (also as "pismo.pdf.xades").
        FileFormat(
            "xml", "XML", "application/xml", (".xml", ".xades"), gettext_noop("XML document")
        ),
        FileFormat(
            "odt",
            "ODT",
            "application/vnd.oasis.opendocument.text",
            (".odt",),
            gettext_noop("OpenDocument text (ODT)"),
        ),
        FileFormat(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            gettext_noop("Word document (DOCX)"),
        ),
        FileFormat(
            "ods",
            "ODS",
            "application/vnd.oasis.opendocument.spreadsheet",
            (".ods",),
            gettext_noop("OpenDocument spreadsheet (ODS)"),
        ),
        FileFormat(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            gettext_noop("Excel workbook (XLSX)"),
        ),
        FileFormat("txt", "TXT", "text/plain", (".txt",), gettext_noop("plain text (UTF-8)")),
        FileFormat("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), gettext_noop("JPEG image")),
        FileFormat("png", "PNG", "image/png", (".png",), gettext_noop("PNG image")),
        FileFormat("tiff", "TIFF", "image/tiff", (".tif", ".tiff"), gettext_noop("TIFF image")),
        FileFormat("zip", "ZIP", "application/zip", (".zip",), gettext_noop("ZIP archive")),
    )
}
_BY_EXTENSION: Final = {ext: f for f in ALLOWED.values() for ext in f.extensions}
_BY_MIME: Final = {f.mime: f for f in ALLOWED.values()} | {"text/xml": ALLOWED["xml"]}


def format_label(mime: str) -> str:
    """What people call a file of this MIME type ("PDF document"), in their language.

    Pages show this instead of ``application/vnd.oasis.opendocument.text``; a type
    we do not list (older files, another system's) is shown as it is.
    """
    found = _BY_MIME.get((mime or "").split(";")[0].strip().lower())
    return _(found.label) if found else mime


_WINDOWS_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
)
_WINDOWS_FORBIDDEN: Final = re.compile(r'[<>:"|?*]')


def sanitize_filename(filename: str) -> str:
    """Return a name safe to show, store and offer for download, keeping Polish letters.

    Drops any path (both separators: browsers on Windows may send ``C:\\...``), control
    and invisible format characters (a right-to-left override can disguise ``.exe`` as
    ``.pdf``), characters Windows forbids, and leading/trailing dots and spaces.
    Normalises to NFC because macOS sends decomposed letters (``a`` + ogonek).
    """
    name = unicodedata.normalize("NFC", filename)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        stem, ext = name, ""
    suffix = "." + ext if ext else ""
    stem = stem[:MAX_FILENAME_LENGTH]
    while stem and len((stem + suffix).encode()) > MAX_FILENAME_LENGTH:
        stem = stem[:-1].rstrip(" .")
    return stem + suffix if stem else name[-MAX_FILENAME_LENGTH:]


def format_for_name(name: str) -> tuple[FileFormat, str]:
    """The accepted format a (sanitised) name claims, and its extension in lower case."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        raise UploadRejected(
            "extension_missing",
            _(
                "The file name %(name)s has no extension, so we cannot tell what kind of "
                "file it should be. Add the right one (for example .pdf) and send it again."
            ),
            {"name": name},
        )
    extension = "." + ext.lower()
    fmt = _BY_EXTENSION.get(extension)
    if fmt is not None:
        return fmt, extension
    inner = "." + stem.rpartition(".")[2].lower() if "." in stem else ""
    if inner in _BY_EXTENSION:
        raise UploadRejected(
            "double_extension",
            _(
                "The file name %(name)s ends in %(extension)s after %(inner)s. A second "
                "extension can hide what a file really is, and %(extension)s files are not "
                "accepted. If it is a %(inner)s file, remove %(extension)s from the name."
            ),
            {"name": name, "extension": extension, "inner": inner},
        )
    raise UploadRejected(
        "extension_not_allowed",
        _(
            "Files of type %(extension)s are not accepted. Accepted types: %(allowed)s. "
            "Save the document in one of them (PDF is the usual choice) and send it again."
        ),
        {"extension": extension, "allowed": ", ".join(sorted(_BY_EXTENSION))},
    )
