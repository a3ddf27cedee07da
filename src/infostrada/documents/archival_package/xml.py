"""XML of the package: building and hardened parsing, always validated against the XSD.

The schema, ``xsd/paczka-archiwalna-1.0.xsd`` next to this module, is the
project's own (see the package's docstring).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

import xmlschema
from lxml import etree

from infostrada.documents.archival_package.checks import _check_document
from infostrada.documents.archival_package.model import (
    MAX_XML_BYTES,
    NAMESPACE,
    SCHEMA_VERSION,
    Access,
    AccessLevel,
    Address,
    CaseMeta,
    Creator,
    CreatorRole,
    DateEvent,
    DcmiType,
    DocumentDate,
    DocumentMeta,
    DocumentType,
    FileFormat,
    Grouping,
    Identifier,
    InvalidInputError,
    MalformedXmlError,
    Party,
    PartyKind,
    Relation,
    RelationKind,
    SchemaValidationError,
    TransferEntry,
    TransferList,
    UnsafeXmlError,
)


@cache
def _schema() -> xmlschema.XMLSchema10:
    source = resources.files(__package__).joinpath("xsd/paczka-archiwalna-1.0.xsd")
    with resources.as_file(source) as path:
        return xmlschema.XMLSchema10(str(path))


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _root(tag: str, **attrs: str) -> etree._Element:
    return etree.Element(_q(tag), nsmap={None: NAMESPACE}, wersja=SCHEMA_VERSION, **attrs)


def _add(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    """A child element; ``None`` text means an element without text."""
    el = etree.SubElement(parent, _q(tag), **attrs)
    if text is not None:
        try:
            el.text = text.isoformat() if isinstance(text, date) else str(text)
        except ValueError:
            raise InvalidInputError(
                [f"{tag}: the text holds characters that XML cannot carry"]
            ) from None
    return el


def _opt(parent: etree._Element, tag: str, text: object) -> None:
    if text is not None:
        _add(parent, tag, text)


def _serialise(root: etree._Element, path: str = "") -> bytes:
    """Serialise and validate exactly as a reader will, so nothing invalid is ever written."""
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    _load_xml(data, path, etree.QName(root).localname)
    return data


def _load_xml(data: bytes, path: str, root_tag: str) -> etree._Element:
    """Parse untrusted XML with no DTD, no entities, no network, then validate it."""
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXmlError(f"{path}: XML larger than {MAX_XML_BYTES} bytes is not parsed")
    # Refused before the parser sees it: our XML never has a DTD, and libxml2
    # would otherwise try to fetch an external one (blocked, but then a parse error).
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXmlError(f"{path}: a DOCTYPE or entity declaration is not allowed")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedXmlError(f"{path}: not well-formed XML ({exc})") from None
    docinfo = root.getroottree().docinfo
    if (docinfo.encoding or "").upper() != "UTF-8":
        # Also keeps the byte scan above meaningful: it reads UTF-8 only.
        raise MalformedXmlError(f"{path}: the XML must be encoded in UTF-8")
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXmlError(f"{path}: a DOCTYPE is not allowed in the package")
    if next(root.iter(etree.Entity), None) is not None:
        raise UnsafeXmlError(f"{path}: entity references are not allowed in the package")
    if root.tag != _q(root_tag):
        raise SchemaValidationError(path, [f"the root element must be {{{NAMESPACE}}}{root_tag}"])
    errors = [f"{e.path}: {e.reason}" for e in _schema().iter_errors(root)]
    if errors:
        raise SchemaValidationError(path, errors)
    return root


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    return el.find(_q(tag))


def _text(el: etree._Element, tag: str) -> str | None:
    child = el.find(_q(tag))
    return None if child is None else (child.text or "")


def _req(el: etree._Element, tag: str) -> str:
    """Text of an element the schema requires (so it is there once validated)."""
    return el.findtext(_q(tag)) or ""


def _all(el: etree._Element, tag: str) -> list[etree._Element]:
    return el.findall(_q(tag))


def _opt_int(el: etree._Element, tag: str) -> int | None:
    value = _text(el, tag)
    return None if value is None else int(value)


def _opt_date(el: etree._Element, tag: str) -> date | None:
    value = _text(el, tag)
    return None if value is None else date.fromisoformat(value)


# ----------------------------------------------------------------- XML: parties


def _party_xml(el: etree._Element, party: Party) -> None:
    el.set("rodzaj", str(party.kind))
    _add(el, "nazwa", party.name)
    _opt(el, "pesel", party.pesel)
    _opt(el, "nip", party.nip)
    _opt(el, "regon", party.regon)
    if party.address:
        adr = _add(el, "adres")
        _opt(adr, "ulica", party.address.street)
        _opt(adr, "kodPocztowy", party.address.postal_code)
        _opt(adr, "miejscowosc", party.address.city)
        _add(adr, "kraj", party.address.country)
    _opt(el, "adresDoDoreczen", party.ade_address)
    _opt(el, "email", party.email)


def _party_from(el: etree._Element) -> Party:
    adr = _child(el, "adres")
    address = None
    if adr is not None:
        address = Address(
            _text(adr, "ulica"),
            _text(adr, "kodPocztowy"),
            _text(adr, "miejscowosc"),
            _req(adr, "kraj"),
        )
    return Party(
        name=_req(el, "nazwa"),
        kind=PartyKind(el.get("rodzaj")),
        pesel=_text(el, "pesel"),
        nip=_text(el, "nip"),
        regon=_text(el, "regon"),
        address=address,
        ade_address=_text(el, "adresDoDoreczen"),
        email=_text(el, "email"),
    )


# ----------------------------------------------------------------- XML: document


@dataclass(frozen=True)
class _FileRef:
    """Where a document's bytes sit in the package, and what they must hash to."""

    path: str
    original_name: str
    size: int
    sha256: str


def _document_root(meta: DocumentMeta, ref: _FileRef | None) -> etree._Element:
    root = _root("dokument")
    ident = _add(root, "identyfikator")
    _add(ident, "typ", meta.identifier.kind)
    _add(ident, "wartosc", meta.identifier.value)
    _opt(ident, "podmiot", meta.identifier.issuer)
    for creator in meta.creators:
        _party_xml(_add(_add(root, "tworca", rola=str(creator.role)), "podmiot"), creator.party)
    _add(root, "tytul", meta.title)
    for d in meta.dates:
        _add(root, "data", d.at, typ=str(d.event))
    fmt = _add(root, "format")
    _add(fmt, "typ", meta.format.mime)
    _opt(fmt, "specyfikacja", meta.format.specification)
    access = _add(root, "dostep")
    _add(access, "poziom", meta.access.level)
    _opt(access, "podstawa", meta.access.grounds)
    _opt(access, "dostepnyOd", meta.access.public_from)
    kind = _add(root, "typ")
    _add(kind, "klasa", meta.type.dcmi)
    _add(kind, "rodzaj", meta.type.kind)
    for party in meta.recipients:
        _party_xml(_add(root, "odbiorca"), party)
    for g in meta.grouping:
        group = _add(root, "grupowanie")
        _add(group, "typ", g.kind)
        _add(group, "kod", g.code)
        _opt(group, "opis", g.description)
    for rel in meta.relations:
        _add(_add(root, "relacja", typ=str(rel.kind)), "identyfikator", rel.target)
    _opt(root, "kwalifikacja", meta.archival_category)
    _opt(root, "jezyk", meta.language)
    _opt(root, "opis", meta.description)
    _opt(root, "uprawnienia", meta.rights)
    if ref:
        plik = _add(root, "plik")
        _add(plik, "sciezka", ref.path)
        _add(plik, "nazwaOryginalna", ref.original_name)
        _add(plik, "rozmiar", ref.size)
        _add(plik, "sha256", ref.sha256)
    return root


def _document_from(root: etree._Element) -> tuple[DocumentMeta, _FileRef | None]:
    ident = _child(root, "identyfikator")
    fmt = _child(root, "format")
    access = _child(root, "dostep")
    kind = _child(root, "typ")
    assert ident is not None and fmt is not None and access is not None and kind is not None
    meta = DocumentMeta(
        identifier=Identifier(_req(ident, "wartosc"), _req(ident, "typ"), _text(ident, "podmiot")),
        creators=tuple(
            Creator(_party_from(el.find(_q("podmiot"))), CreatorRole(el.get("rola")))
            for el in _all(root, "tworca")
        ),
        title=_req(root, "tytul"),
        dates=tuple(
            DocumentDate(DateEvent(el.get("typ")), datetime.fromisoformat(el.text or ""))
            for el in _all(root, "data")
        ),
        format=FileFormat(_req(fmt, "typ"), _text(fmt, "specyfikacja")),
        access=Access(
            AccessLevel(_req(access, "poziom")),
            _text(access, "podstawa"),
            _opt_date(access, "dostepnyOd"),
        ),
        type=DocumentType(DcmiType(_req(kind, "klasa")), _req(kind, "rodzaj")),
        recipients=tuple(_party_from(el) for el in _all(root, "odbiorca")),
        grouping=tuple(
            Grouping(_req(el, "typ"), _req(el, "kod"), _text(el, "opis"))
            for el in _all(root, "grupowanie")
        ),
        relations=tuple(
            Relation(RelationKind(el.get("typ")), _req(el, "identyfikator"))
            for el in _all(root, "relacja")
        ),
        archival_category=_text(root, "kwalifikacja"),
        language=_text(root, "jezyk"),
        description=_text(root, "opis"),
        rights=_text(root, "uprawnienia"),
    )
    plik = _child(root, "plik")
    ref = None
    if plik is not None:
        ref = _FileRef(
            _req(plik, "sciezka"),
            _req(plik, "nazwaOryginalna"),
            int(_req(plik, "rozmiar")),
            _req(plik, "sha256"),
        )
    return meta, ref


def document_metadata_xml(meta: DocumentMeta) -> bytes:
    """The metadata of one document as XML valid against the shipped schema.

    Raises :class:`MissingMetadataError` (a ``ValueError``) naming every mandatory
    element that is missing, so an official can complete them all at once.
    """
    _check_document(meta)
    return _serialise(_document_root(meta, None))


def parse_document_metadata(data: bytes) -> DocumentMeta:
    """Read one metadata XML back (hardened parser, validated against the schema)."""
    return _document_from(_load_xml(data, "", "dokument"))[0]


# ----------------------------------------------------------------- XML: case, spis, manifest


def _case_root(case: CaseMeta, positions: Sequence[tuple[str, str]]) -> etree._Element:
    root = _root("sprawa")
    _add(root, "znak", case.signature)
    _add(root, "tytul", case.title)
    _opt(root, "opis", case.description)
    jrwa = _add(root, "klasaJrwa")
    _add(jrwa, "symbol", case.class_symbol)
    _add(jrwa, "nazwa", case.class_title)
    _add(root, "kategoriaArchiwalna", case.category)
    dept = _add(root, "komorka")
    _add(dept, "symbol", case.department_symbol)
    _add(dept, "nazwa", case.department_name)
    _add(root, "wszczeta", case.opened_at)
    _add(root, "zakonczona", case.closed_at)
    for p in case.parties:
        _party_xml(_add(_add(root, "strona", rola=str(p.role)), "podmiot"), p.party)
    for rel in case.related_cases:
        linked = _add(root, "sprawaPowiazana")
        _add(linked, "znak", rel.signature)
        _opt(linked, "uwagi", rel.note)
    docs = _add(root, "dokumenty")
    for n, (doc, (file_path, meta_path)) in enumerate(
        zip(case.documents, positions, strict=True), 1
    ):
        item = _add(docs, "pozycja", lp=str(n))
        _add(item, "identyfikator", doc.meta.identifier.value)
        _add(item, "tytul", doc.meta.title)
        _add(item, "plik", file_path)
        _add(item, "metadane", meta_path)
    return root


def _transfer_root(transfer: TransferList) -> etree._Element:
    root = _root("spis")
    _add(root, "numer", transfer.number)
    _add(root, "data", transfer.drawn_up_on)
    unit = _add(root, "jednostka")
    _add(unit, "nazwa", transfer.unit_name)
    _opt(unit, "terc", transfer.unit_teryt)
    if transfer.department_symbol:
        dept = _add(root, "komorka")
        _add(dept, "symbol", transfer.department_symbol)
        _add(dept, "nazwa", transfer.department_name)
    _add(root, "archiwum", transfer.archive_name)
    for e in transfer.entries:
        item = _add(root, "pozycja", lp=str(e.sequence))
        _add(item, "znak", e.signature)
        _add(item, "tytul", e.title)
        _add(item, "kategoriaArchiwalna", e.category)
        _add(item, "rokPierwszy", f"{e.first_year:04d}")
        _add(item, "rokOstatni", f"{e.last_year:04d}")
        _add(item, "liczbaDokumentow", e.document_count)
        _opt(item, "rozmiar", e.size_bytes)
        _opt(item, "uwagi", e.remarks)
    return root


def _transfer_from(root: etree._Element) -> TransferList:
    unit = _child(root, "jednostka")
    dept = _child(root, "komorka")
    assert unit is not None
    return TransferList(
        number=_req(root, "numer"),
        drawn_up_on=date.fromisoformat(_req(root, "data")),
        unit_name=_req(unit, "nazwa"),
        unit_teryt=_text(unit, "terc"),
        department_symbol=None if dept is None else _req(dept, "symbol"),
        department_name=None if dept is None else _req(dept, "nazwa"),
        archive_name=_req(root, "archiwum"),
        entries=tuple(
            TransferEntry(
                sequence=int(el.get("lp", "0")),
                signature=_req(el, "znak"),
                title=_req(el, "tytul"),
                category=_req(el, "kategoriaArchiwalna"),
                first_year=int(_req(el, "rokPierwszy")),
                last_year=int(_req(el, "rokOstatni")),
                document_count=int(_req(el, "liczbaDokumentow")),
                size_bytes=_opt_int(el, "rozmiar"),
                remarks=_text(el, "uwagi"),
            )
            for el in _all(root, "pozycja")
        ),
    )


def _manifest_root(rows: Iterable[tuple[str, int, str]]) -> etree._Element:
    root = _root("manifest", algorytm="SHA-256")
    for path, size, digest in rows:
        _add(root, "plik", sciezka=path, rozmiar=str(size), sha256=digest)
    return root
