"""Text of accepted attachments, for full-text search.

DESIGN.md decides: "Text from attachments (for search): pypdf and the ODF/OOXML XML
directly" (see also ADR 0009). The files reaching this module have passed
``uploads.inspect_upload``, but a file can be valid and still defeat a reader (a PDF
whose fonts lack a Unicode map, a DOCX written by an odd generator), so extraction never
raises: it returns what it could read, ``""`` at worst, and logs at debug level. Search
is a convenience; the document itself is what counts.

XML is parsed with the same hardened parser as at intake (``uploads.parse_xml``: any DTD
refused, no entities, no network), and ZIP parts are read through ``zipfile``, which
never inflates more than the size the archive declares, capped again here.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from typing import Final

from lxml import etree
from pypdf import PdfReader

from infostrada.documents.uploads import ALLOWED, parse_xml

logger = logging.getLogger(__name__)

#: The largest XML part we parse for text: far above any real letter or spreadsheet,
#: low enough that an lxml tree of it fits in a worker's memory.
MAX_XML_PART_BYTES: Final = 64 * 1024 * 1024
#: Longer "words" are base64 blobs, digests or text that lost its spaces; they only
#: bloat the index and match nothing anyone types.
MAX_WORD_CHARS: Final = 100

_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT: Final = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE: Final = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# Signatures and their certificates are base64 and digests, not words.
_SKIPPED_NAMESPACES: Final = (
    "{http://www.w3.org/2000/09/xmldsig#}",
    "{http://uri.etsi.org/01903/v1.3.2#}",
    "{http://uri.etsi.org/01903/v1.4.1#}",
)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES: Final = re.compile(r"[^\S\n]+")
_LONG_WORD: Final = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
# ePUAP documents carry attachments as base64, usually wrapped at 76 characters.
_BASE64_WORD: Final = re.compile(r"[A-Za-z0-9+/=]{40,}")
_NEWLINES: Final = re.compile(r"\s*\n\s*")


def extract_text(data: bytes, mime: str, *, max_chars: int = 1_000_000) -> str:
    """Return the searchable text of an accepted file, at most ``max_chars`` characters.

    ``mime`` is the MIME type ``inspect_upload`` reported (parameters such as
    ``; charset=windows-1250`` are honoured for text). Images and archives have no text
    here (no OCR): they return ``""``. Paragraphs and rows become lines; runs of spaces
    collapse; Polish letters are kept (NFKC only unfolds ligatures and the like).
    """
    media_type, _sep, parameters = mime.partition(";")
    reader = _READERS.get(media_type.strip().lower())
    if reader is None or max_chars <= 0:
        return ""
    pieces: list[str] = []
    budget = max_chars * 2  # raw text shrinks when whitespace is normalised
    try:
        for piece in reader(data, parameters):
            pieces.append(piece)
            budget -= len(piece)
            if budget <= 0:
                break
    except Exception as exc:  # a reader that gives up keeps what it had read so far
        logger.debug("Text extraction from %s stopped: %r", media_type, exc)
    return _normalise("".join(pieces))[:max_chars].rstrip()


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _LONG_WORD.sub(" ", text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


# --- readers: each yields text pieces and may stop early -----------------------------


def _pdf(data: bytes, _parameters: str) -> Iterator[str]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        return  # intake refuses these; nothing to read without the password
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text()
        except Exception as exc:  # one bad page does not hide the others
            logger.debug("PDF page %s: no text: %r", number, exc)
            continue
        yield text
        yield "\n"


def _plain(data: bytes, parameters: str) -> Iterator[str]:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", parameters, re.IGNORECASE)
    encoding = match.group(1) if match else "utf-8-sig"
    try:
        text = data.decode(encoding, "replace")
    except LookupError:
        text = data.decode("utf-8-sig", "replace")
    yield text


def _xml(data: bytes, _parameters: str) -> Iterator[str]:
    yield from _xml_text(parse_xml(data))


def _xml_text(root: etree._Element) -> Iterator[str]:
    """Every text node, each element's own text on a line, signatures left out."""
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            if element.tag.startswith(_SKIPPED_NAMESPACES):
                walker.skip_subtree()
            elif element.text and not _is_base64(element.text):
                yield element.text
                yield "\n"
        elif element.tail and element is not root:
            yield element.tail  # after an element, a comment or a processing instruction


def _is_base64(text: str) -> bool:
    """Whether a text node is an embedded file (only long base64 lines), not words."""
    lines = text.split()
    return bool(lines) and all(_BASE64_WORD.fullmatch(line) for line in lines)


def _zip_part(data: bytes, name: str) -> etree._Element | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            info = archive.getinfo(name)
        except KeyError:
            return None
        if info.file_size > MAX_XML_PART_BYTES:
            logger.debug("Part %s is %s bytes; not indexed", name, info.file_size)
            return None
        with archive.open(info) as part:
            return parse_xml(part.read(MAX_XML_PART_BYTES))


def _docx(data: bytes, _parameters: str) -> Iterator[str]:
    """``w:t`` runs in ``word/document.xml``; paragraphs and breaks become newlines.

    Deleted text in tracked changes (``w:delText``) and field codes (``w:instrText``)
    are other elements, so they are left out, as Word does when it shows the document.
    """
    root = _zip_part(data, "word/document.xml")
    if root is None:
        return
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _W + "t" and element.text:
                yield element.text
            elif tag == _W + "tab":
                yield "\t"
            elif tag in (_W + "br", _W + "cr"):
                yield "\n"
        elif tag == _W + "p":
            yield "\n"


def _odf(data: bytes, _parameters: str) -> Iterator[str]:
    """Text of ``content.xml``; paragraphs, headings and table rows become lines.

    ``text:s`` stands for spaces and ``text:tab``/``text:line-break`` for what they say;
    they would be lost by taking text nodes alone.
    """
    root = _zip_part(data, "content.xml")
    if root is None:
        return
    in_cell = 0  # paragraphs inside a table cell are one cell, not one line each
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _TABLE + "table-cell":
                in_cell += 1
            elif tag == _TEXT + "s":
                yield " "
            elif tag == _TEXT + "tab":
                yield "\t"
            elif tag == _TEXT + "line-break":
                yield "\n"
            if element.text and tag != _TEXT + "s":
                yield element.text
        else:
            if tag == _TABLE + "table-cell":
                in_cell -= 1
                yield "\t"
            elif tag in (_TEXT + "p", _TEXT + "h"):
                yield " " if in_cell else "\n"
            elif tag == _TABLE + "table-row":
                yield "\n"
            if element.tail and element.getparent() is not None:
                yield element.tail


def _xlsx(data: bytes, _parameters: str) -> Iterator[str]:
    """The shared strings table: every text cell's value, once, one per line.

    Numbers and dates are left out (they live in the sheets as numbers), and so are
    phonetic hints (``rPh``), which Excel does not show.
    """
    root = _zip_part(data, "xl/sharedStrings.xml")
    if root is None:
        return
    for item in root.iter(_S + "si"):
        for element in item.iter(_S + "t"):
            if element.text and element.getparent().tag != _S + "rPh":
                yield element.text
        yield "\n"


_READERS: Final[dict[str, Callable[[bytes, str], Iterator[str]]]] = {
    ALLOWED["pdf"].mime: _pdf,
    ALLOWED["txt"].mime: _plain,
    ALLOWED["xml"].mime: _xml,
    "text/xml": _xml,
    ALLOWED["docx"].mime: _docx,
    ALLOWED["odt"].mime: _odf,
    ALLOWED["ods"].mime: _odf,
    ALLOWED["xlsx"].mime: _xlsx,
}
