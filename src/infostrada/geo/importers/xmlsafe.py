"""Reading untrusted XML (GML) as a stream: no DTD, no entities, no network.

The same rules as ``documents.uploads.parse_xml`` (DESIGN.md: "XML is parsed with
external entities off"), for files too large to hold as one tree: an expat
pre-scan of the prolog refuses any DOCTYPE before a single entity could be
declared, and lxml's ``iterparse`` then reads the file element by element with
entities, DTD loading and network access off. The callers clear every element
they have read, so memory stays bounded by one feature, not the file.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import IO, Final
from xml.parsers import expat

from django.utils.translation import gettext as _
from lxml import etree

from infostrada.geo.importers.report import ImportRefused

#: How far into a file its root element must start (a prolog with a long comment
#: still fits; a file of nothing but comments does not).
PROLOG_BYTES: Final = 1024 * 1024


def as_stream(data: bytes | IO[bytes]) -> IO[bytes]:
    """A seekable binary stream at its start (uploads, opened files, bytes)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data))
    with contextlib.suppress(AttributeError, OSError, ValueError):
        data.seek(0)
    return data


def looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<")


class _RootReached(Exception):
    pass


class _DoctypeFound(Exception):
    pass


def check_prolog(stream: IO[bytes]) -> str:
    """The root element (``"namespace local"``) of the XML; refuse a DTD or non-XML.

    Leaves the stream at its start.
    """
    head = stream.read(PROLOG_BYTES)
    stream.seek(0)
    if not head.strip():
        raise ImportRefused("empty", _("The file is empty."))
    if not looks_like_xml(head[:4096]):
        raise ImportRefused(
            "not_xml",
            _(
                "The file is not XML, so it is not GML. Check that you chose the right "
                "kind of data and file."
            ),
        )
    parser = expat.ParserCreate(namespace_separator=" ")
    root: list[str] = []

    def on_doctype(*_args: object) -> None:
        raise _DoctypeFound

    def on_element(name: str, _attributes: object) -> None:
        root.append(name)
        raise _RootReached

    parser.StartDoctypeDeclHandler = on_doctype
    parser.EntityDeclHandler = on_doctype
    parser.StartElementHandler = on_element
    try:
        parser.Parse(head, len(head) < PROLOG_BYTES)
    except _RootReached:
        return root[0]
    except _DoctypeFound:
        raise ImportRefused(
            "xml_dtd_forbidden",
            _(
                "The file contains a document type declaration (DOCTYPE). For security, "
                "XML with a DTD or entity declarations is not accepted. Export the data "
                "again without a DOCTYPE."
            ),
        ) from None
    except expat.ExpatError as exc:
        raise xml_malformed(exc.lineno, exc.offset, expat.ErrorString(exc.code)) from None
    raise xml_malformed(1, 0, "no root element")


def xml_malformed(line: int, column: int, reason: str) -> ImportRefused:
    return ImportRefused(
        "xml_malformed",
        _(
            "The file is not well-formed XML (line %(line)s, column %(column)s: %(reason)s). "
            "It is damaged or incomplete; export it again. Nothing was imported."
        ),
        {"line": line, "column": column, "reason": reason},
    )


def iterparse(stream: IO[bytes]) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) pairs of a checked stream; malformed XML becomes ImportRefused."""
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        yield from events
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise xml_malformed(line, column, exc.msg or "") from None


def check_well_formed(stream: IO[bytes]) -> None:
    """Refuse a DTD, non-XML or XML that is not well-formed (read once, in bounded memory).

    For GML that OGR reads: OGR stops quietly at the first syntax error, so a
    truncated file would otherwise look like a file with fewer (or no) features.
    Leaves the stream at its start.
    """
    check_prolog(stream)
    for event, element in iterparse(stream):
        if event == "end":
            release(element)
    stream.seek(0)


def release(element: etree._Element) -> None:
    """Drop an element that has been read, and its already-read siblings, from memory."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
