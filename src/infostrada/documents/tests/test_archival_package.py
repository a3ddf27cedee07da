"""The archival package: what is written is valid, complete, uncompressed and reads back equal.

Real ZIPs, real XML, the shipped XSD loaded independently of the module; no mocks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import xmlschema
from lxml import etree

from infostrada.documents import archival_package as ap
from infostrada.documents.archival_package import (
    Access,
    AccessLevel,
    Address,
    CaseDocument,
    CaseMeta,
    CaseParty,
    CasePartyRole,
    Creator,
    CreatorRole,
    DateEvent,
    DcmiType,
    DocumentDate,
    DocumentFile,
    DocumentMeta,
    DocumentType,
    FileFormat,
    Grouping,
    Identifier,
    Party,
    PartyKind,
    RelatedCase,
    Relation,
    RelationKind,
    TransferEntry,
    TransferList,
)

XSD = Path(ap.__file__).parent / "xsd" / "paczka-archiwalna-1.0.xsd"
NS = "{urn:infostrada:archiwum:1.0}"
WARSAW = ZoneInfo("Europe/Warsaw")
SIGNATURE = "ZP.6730.12.2026"
FOLDER = f"sprawy/{SIGNATURE}"

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n" + bytes(range(256)) * 8
SCAN = b"II*\x00" + bytes(reversed(range(256))) * 16  # a TIFF header and "pixels"
UPD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<UPD><Adresat>Grzegorz Brzęczyszczykiewicz</Adresat>"
    "<DataDoreczenia>2026-04-16T09:12:00+02:00</DataDoreczenia></UPD>\n"
).encode()

OFFICE = Party(
    "Urząd Gminy Łubianka",
    PartyKind.INSTITUTION,
    regon="871118791",
    address=Address("ul. Toruńska 21", "87-152", "Łubianka"),
    ade_address="AE:PL-12345-67890-ABCDE-12",
)
APPLICANT = Party(
    "Grzegorz Brzęczyszczykiewicz",
    PartyKind.PERSON,
    pesel="44051401359",
    address=Address("ul. Źródlana 5", "87-152", "Łubianka"),
    email="g.brzeczyszczykiewicz@example.pl",
)
OFFICIAL = Party("Żaneta Kołodziejczyk", PartyKind.PERSON)
PRIVACY = "art. 5 ust. 2 ustawy o dostępie do informacji publicznej (prywatność osoby fizycznej)"


def _meta(**changes: object) -> DocumentMeta:
    meta = DocumentMeta(
        identifier=Identifier("ZP.6730.12.2026/2", "numer w aktach sprawy", "Urząd Gminy Łubianka"),
        creators=(
            Creator(OFFICIAL, CreatorRole.CREATED),
            Creator(Party("Wójt Gminy Łubianka", PartyKind.INSTITUTION), CreatorRole.SIGNED),
        ),
        title="Decyzja o warunkach zabudowy — działka 123/4, obręb Łubianka",
        dates=(
            DocumentDate(DateEvent.CREATED, datetime(2026, 4, 14, 10, 30, tzinfo=WARSAW)),
            DocumentDate(DateEvent.SIGNED, datetime(2026, 4, 15, 8, 5, 17, 250000, tzinfo=UTC)),
        ),
        format=FileFormat("application/pdf", "PDF/A-2b"),
        access=Access(AccessLevel.RESTRICTED, PRIVACY, date(2126, 1, 1)),
        type=DocumentType(DcmiType.TEXT, "decyzja"),
        recipients=(APPLICANT,),
        grouping=(Grouping("znak sprawy", SIGNATURE), Grouping("rejestr decyzji", "D/41/2026")),
        relations=(Relation(RelationKind.IS_REPLY_TO, "RPW/153/2026"),),
        archival_category="A",
        language="pol",
        description="Ustalono warunki zabudowy:\nbudynek mieszkalny jednorodzinny, garaż.",
        rights="Wójt Gminy Łubianka",
    )
    return dataclasses.replace(meta, **changes)


def _case(**changes: object) -> CaseMeta:
    scan = DocumentMeta(
        identifier=Identifier("RPW/153/2026", "numer w rejestrze przesyłek wpływających"),
        creators=(Creator(APPLICANT),),
        title="Wniosek o ustalenie warunków zabudowy (skan)",
        dates=(DocumentDate(DateEvent.RECEIVED, datetime(2026, 3, 2, 11, 0, tzinfo=WARSAW)),),
        format=FileFormat("image/tiff"),
        access=Access(AccessLevel.RESTRICTED, PRIVACY),
        type=DocumentType(DcmiType.STILL_IMAGE, "wniosek"),
        recipients=(OFFICE,),
        grouping=(Grouping("znak sprawy", SIGNATURE),),
    )
    upd = DocumentMeta(
        identifier=Identifier("ZP.6730.12.2026/3", "numer w aktach sprawy"),
        creators=(Creator(Party("Operator e-Doręczeń", PartyKind.INSTITUTION)),),
        title="UPD decyzji",
        dates=(DocumentDate(DateEvent.RECEIVED, datetime(2026, 4, 16, 9, 12, tzinfo=WARSAW)),),
        format=FileFormat("application/xml"),
        access=Access(AccessLevel.PUBLIC, public_from=date(2026, 4, 16)),
        type=DocumentType(DcmiType.TEXT, "UPD"),
        relations=(Relation(RelationKind.IS_RECEIPT_FOR, "ZP.6730.12.2026/2"),),
    )
    case = CaseMeta(
        signature=SIGNATURE,
        title="Ustalenie warunków zabudowy — działka 123/4, obręb Łubianka",
        class_symbol="6730",
        class_title="Ustalanie warunków zabudowy i zagospodarowania terenu",
        category="A",
        department_symbol="ZP",
        department_name="Referat Zagospodarowania Przestrzennego",
        opened_at=datetime(2026, 3, 3, 9, 0, tzinfo=WARSAW),
        closed_at=datetime(2026, 5, 4, 14, 0, tzinfo=WARSAW),
        documents=(
            CaseDocument(
                scan, DocumentFile.from_bytes("skan wniosku (Łubianka).tif", "image/tiff", SCAN)
            ),
            CaseDocument(
                _meta(), DocumentFile.from_bytes("decyzja WZ ż/ś 12.pdf", "application/pdf", PDF)
            ),
            CaseDocument(upd, DocumentFile.from_bytes("UPD.xml", "application/xml", UPD)),
        ),
        parties=(CaseParty(APPLICANT, CasePartyRole.APPLICANT),),
        related_cases=(RelatedCase("ZP.6730.3.2025", "wcześniejszy wniosek, umorzony"),),
        description="Wniosek złożony na papierze; decyzja doręczona przez e-Doręczenia.",
    )
    return dataclasses.replace(case, **changes)


def _transfer(case: CaseMeta, **changes: object) -> TransferList:
    transfer = TransferList(
        number="3/2026",
        drawn_up_on=date(2026, 6, 30),
        unit_name="Gmina Łubianka",
        unit_teryt="0415052",
        archive_name="Archiwum Państwowe w Toruniu",
        department_symbol="ZP",
        department_name="Referat Zagospodarowania Przestrzennego",
        entries=(
            TransferEntry(
                sequence=1,
                signature=case.signature,
                title=case.title,
                category=case.category,
                first_year=2026,
                last_year=2026,
                document_count=len(case.documents),
                size_bytes=sum(d.file.size for d in case.documents),
                remarks="dokumentacja elektroniczna",
            ),
        ),
    )
    return dataclasses.replace(transfer, **changes)


def _package(case: CaseMeta | None = None) -> bytes:
    case = case or _case()
    out = io.BytesIO()
    ap.write_package([case], _transfer(case), out)
    return out.getvalue()


def _rewrite(
    data: bytes,
    replace: dict[str, bytes | None] | None = None,
    add: dict[str, bytes] | None = None,
    *,
    fix_manifest: bool = False,
    compression: int = zipfile.ZIP_STORED,
) -> bytes:
    """A copy of the package with entries replaced, dropped (None) or added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    for name, content in replace.items():
        if content is None:
            del entries[name]
        else:
            entries[name] = content
    entries.update(add)
    if fix_manifest:
        root = etree.fromstring(entries["manifest.xml"])
        for el in root:
            content = entries.get(el.get("sciezka"))
            if content is not None:
                el.set("rozmiar", str(len(content)))
                el.set("sha256", hashlib.sha256(content).hexdigest())
        entries["manifest.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return out.getvalue()


def _problems(data: bytes) -> tuple[set[str], ap.InvalidPackageError]:
    with pytest.raises(ap.InvalidPackageError) as caught:
        ap.read_package(io.BytesIO(data))
    assert ap.validate_package(io.BytesIO(data)) == [str(p) for p in caught.value.problems]
    return set(caught.value.codes), caught.value


# ----------------------------------------------------------------- the happy path


def test_package_reads_back_equal_to_what_was_written() -> None:
    case = _case()
    transfer = _transfer(case)
    out = io.BytesIO()
    report = ap.write_package([case], transfer, out)

    result = ap.read_package(io.BytesIO(out.getvalue()))

    assert result.transfer == transfer
    assert result.cases == (case,)
    assert [d.file.content for d in result.cases[0].documents] == [SCAN, PDF, UPD]
    assert result.cases[0].documents[1].file.filename == "decyzja WZ ż/ś 12.pdf"
    assert result.cases[0].parties[0].party.name == "Grzegorz Brzęczyszczykiewicz"
    assert result.cases[0].documents[1].meta.description == _meta().description
    assert result.manifest_sha256 == report.manifest_sha256
    assert (report.case_count, report.document_count) == (1, 3)
    assert ap.validate_package(io.BytesIO(out.getvalue())) == []


def test_several_cases_come_back_in_the_order_of_the_transfer_list() -> None:
    first = _case()
    note = DocumentMeta(
        identifier=Identifier("ZP.6730.13.2026/1", "numer w aktach sprawy"),
        creators=(Creator(OFFICIAL),),
        title="Notatka służbowa",
        dates=(DocumentDate(DateEvent.CREATED, datetime(2026, 5, 5, 12, 0, tzinfo=WARSAW)),),
        format=FileFormat("text/plain"),
        access=Access(AccessLevel.PUBLIC),
        type=DocumentType(DcmiType.TEXT, "notatka"),
    )
    second = _case(
        signature="ZP.6730.13.2026",
        title="Wniosek wycofany",
        category="BE10",
        documents=(CaseDocument(note, DocumentFile.from_bytes("n.txt", "text/plain", b"ok")),),
        parties=(),
        related_cases=(),
    )
    line = _transfer(first).entries[0]
    transfer = _transfer(
        first,
        entries=(
            line,
            TransferEntry(2, second.signature, second.title, "BE10", 2026, 2026, 1, 2),
        ),
    )
    out = io.BytesIO()
    ap.write_package([second, first], transfer, out)
    result = ap.read_package(io.BytesIO(out.getvalue()))
    assert result.cases == (first, second)
    assert result.transfer == transfer


def test_layout_and_every_entry_stored_uncompressed() -> None:
    data = _package()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == [
        "spis-zdawczo-odbiorczy.xml",
        f"{FOLDER}/sprawa.xml",
        f"{FOLDER}/dokumenty/01-skan-wniosku-Lubianka.tif",
        f"{FOLDER}/dokumenty/01-skan-wniosku-Lubianka.tif.metadane.xml",
        f"{FOLDER}/dokumenty/02-decyzja-WZ-z-s-12.pdf",
        f"{FOLDER}/dokumenty/02-decyzja-WZ-z-s-12.pdf.metadane.xml",
        f"{FOLDER}/dokumenty/03-UPD.xml",
        f"{FOLDER}/dokumenty/03-UPD.xml.metadane.xml",
        "manifest.xml",
    ]
    assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
    assert all(i.compress_size == i.file_size for i in infos)
    # The documents sit in the archive byte for byte.
    assert PDF in data and SCAN in data and UPD in data


def test_every_xml_validates_against_the_shipped_xsd() -> None:
    """Checked with two validators, so the XSD also works in the archive's tools (libxml2)."""
    schema = xmlschema.XMLSchema10(str(XSD))
    libxml2_schema = etree.XMLSchema(etree.parse(str(XSD)))
    with zipfile.ZipFile(io.BytesIO(_package())) as zf:
        upd = f"{FOLDER}/dokumenty/03-UPD.xml"  # a document, not our XML
        xml_names = [n for n in zf.namelist() if n.endswith(".xml") and n != upd]
        roots = {}
        for name in xml_names:
            content = zf.read(name)
            schema.validate(content.decode())
            libxml2_schema.assertValid(etree.fromstring(content))
            roots[name] = etree.fromstring(content).tag
    assert roots["spis-zdawczo-odbiorczy.xml"] == f"{NS}spis"
    assert roots[f"{FOLDER}/sprawa.xml"] == f"{NS}sprawa"
    assert roots["manifest.xml"] == f"{NS}manifest"
    assert sum(tag == f"{NS}dokument" for tag in roots.values()) == 3


def test_manifest_holds_the_sha256_of_every_other_entry() -> None:
    with zipfile.ZipFile(io.BytesIO(_package())) as zf:
        manifest = etree.fromstring(zf.read("manifest.xml"))
        listed = {el.get("sciezka"): el.get("sha256") for el in manifest}
        actual = {
            n: hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist() if n != "manifest.xml"
        }
    assert listed == actual
    assert listed[f"{FOLDER}/dokumenty/02-decyzja-WZ-z-s-12.pdf"] == hashlib.sha256(PDF).hexdigest()


def test_same_input_gives_the_same_bytes() -> None:
    assert _package() == _package()


def test_documents_can_be_streamed_from_storage() -> None:
    case = _case()
    streamed = tuple(
        dataclasses.replace(
            d, file=dataclasses.replace(d.file, content=lambda c=d.file.content: io.BytesIO(c))
        )
        for d in case.documents
    )
    data = _package(dataclasses.replace(case, documents=streamed))
    assert data == _package(case)


def test_blank_optional_text_and_lists_from_the_model_layer_round_trip() -> None:
    """Django gives "" for empty optional columns and lists from querysets."""
    assert Party("Jan Nowak", PartyKind.PERSON, pesel="", email=" ") == Party(
        "Jan Nowak", PartyKind.PERSON
    )
    case = _case()
    as_lists = dataclasses.replace(case, documents=list(case.documents), parties=[])
    assert as_lists.documents == case.documents
    out = io.BytesIO()
    ap.write_package([as_lists], _transfer(as_lists), out)
    assert ap.read_package(io.BytesIO(out.getvalue())).cases == (as_lists,)


def test_document_metadata_xml_alone() -> None:
    xml = ap.document_metadata_xml(_meta())
    xmlschema.XMLSchema10(str(XSD)).validate(xml.decode())
    root = etree.fromstring(xml)
    assert root.findtext(f"{NS}tytul") == _meta().title
    assert [el.get("typ") for el in root.findall(f"{NS}data")] == ["stworzony", "podpisany"]
    assert root.find(f"{NS}plik") is None
    assert ap.parse_document_metadata(xml) == _meta()


# ----------------------------------------------------------------- refusing bad input


@pytest.mark.parametrize(
    ("element", "changes"),
    [
        ("identyfikator", {"identifier": Identifier(" ", "UUID")}),
        ("identyfikator", {"identifier": None}),
        ("tworca", {"creators": ()}),
        ("tworca", {"creators": (Creator(Party("", PartyKind.PERSON)),)}),
        ("tytul", {"title": "   "}),
        ("data", {"dates": ()}),
        ("format", {"format": FileFormat("")}),
        ("dostep", {"access": None}),
        ("typ", {"type": DocumentType(DcmiType.TEXT, "")}),
    ],
)
def test_missing_mandatory_element_is_refused(element: str, changes: dict) -> None:
    meta = _meta(**changes)
    with pytest.raises(ap.MissingMetadataError) as caught:
        ap.document_metadata_xml(meta)
    assert isinstance(caught.value, ValueError)
    assert caught.value.missing == (element,)
    assert element in str(caught.value)


def test_write_package_refuses_missing_metadata_and_writes_nothing() -> None:
    case = _case()
    docs = list(case.documents)
    docs[1] = dataclasses.replace(docs[1], meta=_meta(title="", access=None))
    case = dataclasses.replace(case, documents=docs)
    out = io.BytesIO()
    with pytest.raises(ap.MissingMetadataError) as caught:
        ap.write_package([case], _transfer(case), out)
    assert caught.value.missing == ("tytul", "dostep")
    assert "ZP.6730.12.2026, document 2: tytul" in str(caught.value)
    assert out.getvalue() == b""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"access": Access(AccessLevel.RESTRICTED)}, "legal grounds"),
        (
            {"dates": (DocumentDate(DateEvent.CREATED, datetime(2026, 4, 14, 10, 30)),)},
            "timezone-aware",
        ),
    ],
)
def test_rules_beyond_the_schema(changes: dict, message: str) -> None:
    with pytest.raises(ap.InvalidInputError, match=message):
        ap.document_metadata_xml(_meta(**changes))


def test_values_the_schema_refuses_fail_before_writing() -> None:
    with pytest.raises(ap.SchemaValidationError, match="kwalifikacja"):
        ap.document_metadata_xml(_meta(archival_category="C7"))
    with pytest.raises(ap.InvalidInputError, match="XML cannot carry"):
        ap.document_metadata_xml(_meta(title="Decyzja\x00"))


def test_open_case_is_refused() -> None:
    case = _case(closed_at=None)
    with pytest.raises(ap.InvalidInputError, match="not closed"):
        ap.write_package([case], _transfer(case), io.BytesIO())


def test_transfer_list_must_describe_the_cases() -> None:
    case = _case()
    good = _transfer(case).entries[0]
    wrong = _transfer(case, entries=(dataclasses.replace(good, document_count=2, category="B10"),))
    with pytest.raises(ap.InvalidInputError) as caught:
        ap.write_package([case], wrong, io.BytesIO())
    assert any("2 documents listed, the case has 3" in p for p in caught.value.problems)
    assert any("category B10" in p for p in caught.value.problems)
    other = _transfer(case, entries=(dataclasses.replace(good, signature="ZP.6730.13.2026"),))
    with pytest.raises(ap.InvalidInputError, match="not on the list"):
        ap.write_package([case], other, io.BytesIO())


def test_file_that_no_longer_matches_its_recorded_digest_is_refused() -> None:
    case = _case()
    docs = list(case.documents)
    docs[1] = dataclasses.replace(
        docs[1], file=dataclasses.replace(docs[1].file, content=PDF[:-1] + b"X")
    )
    case = dataclasses.replace(case, documents=docs)
    with pytest.raises(ap.IntegrityError, match="02-decyzja"):
        ap.write_package([case], _transfer(case), io.BytesIO())


# ----------------------------------------------------------------- refusing bad packages

PDF_PATH = f"{FOLDER}/dokumenty/02-decyzja-WZ-z-s-12.pdf"


def test_tampered_document_is_detected() -> None:
    forged = PDF.replace(b"Catalog", b"Catalig")
    codes, error = _problems(_rewrite(_package(), {PDF_PATH: forged}))
    assert codes == {"integrity"}
    assert error.problems[0].path == PDF_PATH


def test_tampered_document_with_a_forged_manifest_is_still_detected() -> None:
    forged = PDF.replace(b"Catalog", b"Catalig")
    codes, error = _problems(_rewrite(_package(), {PDF_PATH: forged}, fix_manifest=True))
    assert codes == {"inconsistent"}
    assert "SHA-256" in str(error)


def test_flipped_byte_in_the_archive_is_detected() -> None:
    data = bytearray(_package())
    at = data.index(PDF) + 100
    data[at] ^= 0xFF
    codes, _ = _problems(bytes(data))
    assert "integrity" in codes


def test_missing_and_unlisted_entries_are_detected() -> None:
    codes, error = _problems(_rewrite(_package(), {PDF_PATH: None}))
    assert codes == {"missing_entry"}
    assert [p.path for p in error.problems] == [PDF_PATH]
    codes, _ = _problems(_rewrite(_package(), add={f"{FOLDER}/dokumenty/extra.txt": b"x"}))
    assert codes == {"unlisted_entry"}
    codes, _ = _problems(_rewrite(_package(), {"manifest.xml": None}))
    assert codes == {"missing_entry"}


def test_compressed_entries_are_refused() -> None:
    codes, _ = _problems(_rewrite(_package(), compression=zipfile.ZIP_DEFLATED))
    assert codes == {"compressed_entry"}


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE sprawa [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE sprawa [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE sprawa SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_xml_with_a_doctype_is_refused(doctype: str) -> None:
    data = _package()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(f"{FOLDER}/sprawa.xml").decode()
    declaration, rest = xml.split("\n", 1)
    entity = "&xxe;" if "xxe" in doctype else ("&b;" if "ENTITY" in doctype else "")
    evil = f"{declaration}\n{doctype}\n{rest}".replace("<opis>", f"<opis>{entity}", 1)
    codes, error = _problems(
        _rewrite(data, {f"{FOLDER}/sprawa.xml": evil.encode()}, fix_manifest=True)
    )
    assert "unsafe_xml" in codes
    assert "root:" not in str(error)  # /etc/passwd was never read into the message


def test_metadata_xml_with_a_doctype_is_refused_when_parsed_alone() -> None:
    xml = ap.document_metadata_xml(_meta()).decode()
    declaration, rest = xml.split("\n", 1)
    evil = f'{declaration}\n<!DOCTYPE d [<!ENTITY x "y">]>\n{rest}'.encode()
    with pytest.raises(ap.UnsafeXmlError):
        ap.parse_document_metadata(evil)


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/evil", "/etc/passwd", "sprawy/../../x", "C:/Windows/x", "a\\..\\b"]
)
def test_zip_slip_names_are_refused(name: str) -> None:
    assert ap.unsafe_path_reason(name)
    codes, error = _problems(_rewrite(_package(), add={name: b"evil"}))
    assert codes == {"unsafe_path"}
    assert error.problems[0].path == name


def test_document_paths_outside_the_case_folder_are_refused() -> None:
    data = _package()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(f"{FOLDER}/sprawa.xml").decode()
    moved = xml.replace(f"<plik>{PDF_PATH}</plik>", "<plik>spis-zdawczo-odbiorczy.xml</plik>")
    assert moved != xml
    codes, _ = _problems(
        _rewrite(data, {f"{FOLDER}/sprawa.xml": moved.encode()}, fix_manifest=True)
    )
    assert "unsafe_path" in codes


def test_xml_that_breaks_the_schema_is_refused() -> None:
    data = _package()
    name = f"{PDF_PATH}.metadane.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read(name))
    root.remove(root.find(f"{NS}tytul"))
    codes, error = _problems(
        _rewrite(data, {name: etree.tostring(root, encoding="UTF-8")}, fix_manifest=True)
    )
    assert codes == {"schema_invalid"}
    assert "tytul" in str(error)


def test_not_a_zip() -> None:
    assert ap.validate_package(io.BytesIO(b"%PDF-1.7 not a package")) != []
    codes, _ = _problems(b"%PDF-1.7 not a package")
    assert codes == {"not_zip"}
