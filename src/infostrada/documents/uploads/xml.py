"""XML: well-formed, and refused outright when it has any DTD (billion laughs, XXE).

EZD documents, ePUAP forms and XAdES signatures never need a DTD. A streaming
pre-scan with expat stops at the DOCTYPE before any entity is declared, and lxml
parses with entities, DTD loading and network off.
"""

from __future__ import annotations

from typing import Final
from xml.parsers import expat

from django.utils.translation import gettext as _
from lxml import etree

from infostrada.documents.uploads.errors import UploadRejected
from infostrada.documents.uploads.limits import HEAD_BYTES

_XMLDSIG_SIGNATURE: Final = "{http://www.w3.org/2000/09/xmldsig#}Signature"


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML: any DTD refused, no entities, no network, no filesystem.

    ``huge_tree`` is on because ePUAP documents carry attachments as base64 text nodes
    larger than libxml2's 10 MB default. Of the caps it lifts, those against entity
    expansion cannot matter (any DTD is refused by the expat pre-scan before lxml runs),
    and text size and nesting stay bounded by the upload limit and libxml2's own maximum.
    """
    scan_prolog(data, final=True)  # raises unless a root element follows a clean prolog
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=True,
        collect_ids=False,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise xml_malformed(line, column) from exc


def check_xml(data: bytes, extension: str) -> None:
    """A safe, well-formed XML document; one named ``.xades`` must carry a signature."""
    root = parse_xml(data)
    if extension == ".xades" and next(root.iter(_XMLDSIG_SIGNATURE), None) is None:
        raise UploadRejected(
            "content_mismatch",
            _(
                "The file is named .xades but contains no XML signature (ds:Signature). "
                "If it is an unsigned XML document, rename it .xml; otherwise sign it "
                "again."
            ),
        )


class _RootReached(Exception):
    pass


class _DoctypeFound(Exception):
    pass


def scan_prolog(data: bytes, *, final: bool) -> str | None:
    """Return the root element's name (``"uri local"``), refusing any DTD on the way.

    expat reports a DOCTYPE the moment it starts, before its internal subset (where
    entities would be declared) is read, and we stop at the first element, so this costs
    only the prolog. With ``final=False`` ``data`` may be just the start of a document.
    """
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
        parser.Parse(data, final)
    except _RootReached:
        return root[0]
    except _DoctypeFound:
        raise UploadRejected(
            "xml_dtd_forbidden",
            _(
                "The XML contains a document type declaration (DOCTYPE). For security, XML "
                "with a DTD or entity declarations is not accepted. Export the document "
                "again without a DOCTYPE and send it again."
            ),
        ) from None
    except expat.ExpatError as exc:
        raise xml_malformed(exc.lineno, exc.offset) from None
    if final or len(data) >= HEAD_BYTES:
        raise xml_malformed(1, 0)  # no root element, or a prolog no real file has
    return None


def xml_malformed(line: int, column: int) -> UploadRejected:
    return UploadRejected(
        "xml_malformed",
        _(
            "The XML is not well-formed (error at line %(line)s, column %(column)s), so it "
            "is damaged or not XML at all. Export or save it again and send it again."
        ),
        {"line": line, "column": column},
    )
