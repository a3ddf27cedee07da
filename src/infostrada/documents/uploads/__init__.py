"""Safe intake of files for the EZD: check an upload by its content before anything stores it.

DESIGN.md: "Uploads are checked by content, not by name; XML is parsed with external
entities off. No 500 for anything a user can send." This package is the one place that
decides whether bytes sent by an official, a resident or another system may enter the
document register. It is pure (no models, no database, no network, no filesystem): the
caller stores the bytes exactly as received, so the SHA-256 computed here identifies the
received document (receipts and signatures refer to those exact bytes).

``inspect_upload`` either returns an :class:`InspectedFile` or raises
:class:`UploadRejected` with one of the codes in :data:`ERROR_CODES` and a message that
tells an official what is wrong and what to do, in English msgids translated later.

Decisions a newcomer would ask about:

* The extension must be on the allow-list *and* the content must be that format. A PNG
  named ``.pdf`` is refused rather than silently relabelled, because the name is what
  officials, archives and other offices see (``names``, ``identify``).
* XML with any DTD is refused outright (billion laughs, XXE): EZD documents, ePUAP
  forms and XAdES signatures never need one. A streaming pre-scan with expat stops at
  the DOCTYPE before any entity is declared, and lxml parses with entities, DTD loading
  and network off (``xml``).
* ZIP-based files (ZIP, DOCX, XLSX, ODT, ODS) are checked from the central directory and
  then by inflating every entry ourselves with a byte budget, because the sizes an
  archive declares can lie. Overlapping entries (the "better zip bomb") are refused
  (``archives``).
* Text must be UTF-8 (KRI names UTF-8 for text). Windows-1250 files are refused with a
  specific code and a fix-it message rather than re-encoded: we store the bytes as
  received, and guessing between Windows-1250, ISO-8859-2 and CP852 from bytes alone is
  unreliable; a wrong guess garbles Polish letters silently (``text``).

Modules: ``content`` (``inspect_upload``: reading within the limit, dispatch by format),
``limits``, ``errors``, ``names``, ``identify`` (what bytes really are), ``pdf``,
``images``, ``text``, ``xml`` and ``archives``. Import from this package, not from them.
"""

from __future__ import annotations

from infostrada.documents.uploads.content import InspectedFile, inspect_upload
from infostrada.documents.uploads.errors import ERROR_CODES, UploadRejected
from infostrada.documents.uploads.limits import (
    MAX_ARCHIVE_DEPTH,
    MAX_ARCHIVE_ENTRIES,
    MAX_ARCHIVE_UNCOMPRESSED_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_FILENAME_LENGTH,
    MAX_UPLOAD_BYTES,
    RATIO_GRACE_BYTES,
)
from infostrada.documents.uploads.names import ALLOWED, FileFormat, sanitize_filename
from infostrada.documents.uploads.xml import parse_xml

__all__ = [
    "ALLOWED",
    "ERROR_CODES",
    "MAX_ARCHIVE_DEPTH",
    "MAX_ARCHIVE_ENTRIES",
    "MAX_ARCHIVE_UNCOMPRESSED_BYTES",
    "MAX_COMPRESSION_RATIO",
    "MAX_FILENAME_LENGTH",
    "MAX_UPLOAD_BYTES",
    "RATIO_GRACE_BYTES",
    "FileFormat",
    "InspectedFile",
    "UploadRejected",
    "inspect_upload",
    "parse_xml",
    "sanitize_filename",
]
