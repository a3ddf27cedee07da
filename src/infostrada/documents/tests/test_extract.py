"""Text for full-text search: what each accepted format yields, and that nothing raises."""

from __future__ import annotations

import logging
import random

import pytest

from infostrada.documents.extract import MAX_WORD_CHARS, extract_text
from infostrada.documents.tests.test_uploads import (
    BILLION_LAUGHS,
    DEJAVU,
    ODF_SHEET,
    ODF_TEXT,
    damaged,
    good_files,
    make_docx,
    make_odf,
    make_pdf,
    make_png,
    make_xlsx,
    make_zip,
)
from infostrada.documents.uploads import ALLOWED

PDF = ALLOWED["pdf"].mime
DOCX = ALLOWED["docx"].mime
XLSX = ALLOWED["xlsx"].mime


def test_pdf_text_of_all_pages() -> None:
    data = make_pdf("Decyzja nr 12/2025\nWojt Gminy Lubicz", "Strona druga: uzasadnienie")
    text = extract_text(data, PDF)
    assert text.splitlines() == [
        "Decyzja nr 12/2025",
        "Wojt Gminy Lubicz",
        "Strona druga: uzasadnienie",
    ]


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs DejaVuSans.ttf to draw Polish letters")
def test_pdf_text_keeps_polish_diacritics() -> None:
    line = "Zażółć gęślą jaźń \u2013 Łódź, ul. Źródlana"
    assert extract_text(make_pdf(line, polish_font=True), PDF) == line


def test_pdf_extraction_stops_at_max_chars() -> None:
    data = make_pdf(*[f"Strona {n} " + "tekst " * 20 for n in range(1, 40)])
    text = extract_text(data, PDF, max_chars=200)
    assert len(text) <= 200
    assert text.startswith("Strona 1 tekst")
    assert "Strona 39" not in text


def test_docx_runs_with_paragraphs_as_lines_and_without_deleted_text() -> None:
    body = (
        "<w:p><w:r><w:t>Wniosek o wydanie </w:t></w:r><w:r><w:t>zaświadczenia</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Imię:</w:t><w:tab/><w:t>Żaneta</w:t></w:r></w:p>"
        "<w:p><w:del><w:r><w:delText>skreślone</w:delText></w:r></w:del>"
        "<w:r><w:instrText>PAGE</w:instrText><w:t>Łódź</w:t><w:br/><w:t>ul. Ćmy</w:t></w:r></w:p>"
    )
    text = extract_text(make_docx(body=body), DOCX)
    assert text.splitlines() == [
        "Wniosek o wydanie zaświadczenia",
        "Imię: Żaneta",
        "Łódź",
        "ul. Ćmy",
    ]


def test_odt_paragraphs_headings_and_spaces() -> None:
    body = (
        "<text:h>Uchwała nr XII/3/2025</text:h>"
        "<text:p>Rada Gminy<text:s/>postanawia:<text:line-break/>§ 1. "
        '<text:span>Przyjąć</text:span><text:s text:c="3"/>program.</text:p>'
    )
    text = extract_text(make_odf(body), ODF_TEXT)
    assert text.splitlines() == [
        "Uchwała nr XII/3/2025",
        "Rada Gminy postanawia:",
        "§ 1. Przyjąć program.",
    ]


def test_ods_cells_and_rows() -> None:
    body = (
        "<table:table><table:table-row>"
        "<table:table-cell><text:p>Miejscowość</text:p></table:table-cell>"
        "<table:table-cell><text:p>Liczba</text:p></table:table-cell></table:table-row>"
        "<table:table-row><table:table-cell><text:p>Grębocin</text:p></table:table-cell>"
        "<table:table-cell><text:p>1234</text:p></table:table-cell></table:table-row>"
        "</table:table>"
    )
    text = extract_text(make_odf(body, mimetype=ODF_SHEET), ODF_SHEET)
    assert text.splitlines() == ["Miejscowość Liczba", "Grębocin 1234"]


def test_xlsx_shared_strings_without_phonetic_hints() -> None:
    strings = (
        "<si><t>Wykaz działek</t></si>"
        "<si><r><t>Obręb </t></r><r><t>Papowo</t></r><rPh><t>ignored</t></rPh></si>"
    )
    assert extract_text(make_xlsx(strings), XLSX).splitlines() == ["Wykaz działek", "Obręb Papowo"]


def test_txt_is_normalised_and_keeps_diacritics() -> None:
    data = "\ufeffPismo  w\tsprawie\r\n\r\n\r\nżółwia \x00 ﬁnału\u00a0ąę\n".encode()
    assert extract_text(data, "text/plain") == "Pismo w sprawie\nżółwia finału ąę"


def test_txt_with_a_declared_legacy_charset() -> None:
    data = "Gmina Łysomice".encode("cp1250")
    assert extract_text(data, "text/plain; charset=windows-1250") == "Gmina Łysomice"
    assert extract_text(data, "text/plain; charset=no-such-codec").startswith("Gmina")


def test_xml_text_nodes_without_signatures_or_embedded_files() -> None:
    blob = "\n".join(["QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2"] * 50)
    data = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<wnio:Dokument xmlns:wnio="urn:wniosek" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        "<wnio:Tytul>Wniosek o wydanie dowodu</wnio:Tytul>"
        "<wnio:Tresc>Proszę o <wnio:b>pilne</wnio:b> załatwienie <!-- uwaga -->sprawy.</wnio:Tresc>"
        f"<wnio:Zalacznik>{blob}</wnio:Zalacznik>"
        "<ds:Signature><ds:SignatureValue>c2lnbmF0dXJl</ds:SignatureValue>"
        "<ds:X509Certificate>Q0VSVA==</ds:X509Certificate></ds:Signature>"
        "</wnio:Dokument>"
    ).encode()
    text = extract_text(data, "application/xml")
    assert text.splitlines() == [
        "Wniosek o wydanie dowodu",
        "Proszę o",
        "pilne",
        "załatwienie sprawy.",
    ]


def test_words_too_long_to_be_words_are_dropped() -> None:
    data = ("Sygnatura " + "x" * (MAX_WORD_CHARS + 1) + " koniec").encode()
    assert extract_text(data, "text/plain") == "Sygnatura koniec"


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (BILLION_LAUGHS, "application/xml"),
        (b"<a><b></a>", "application/xml"),
        (b"%PDF-1.7\ngarbage\n%%EOF", PDF),
        (make_pdf("x")[:300], PDF),
        (make_pdf("Tajne", encrypt="haslo"), PDF),
        (b"PK\x03\x04 not really", DOCX),
        (make_zip({"a.txt": "x"}), DOCX),
        (make_zip({"content.xml": "<!DOCTYPE x [<!ENTITY e 'e'>]><x>&e;</x>"}), ODF_TEXT),
        (b"", "text/plain"),
        (make_png(), "image/png"),
        (make_zip({"a.pdf": make_pdf("x")}), "application/zip"),
        (b"anything", "application/x-unknown"),
    ],
)
def test_unreadable_or_textless_files_give_empty_text_and_never_raise(
    data: bytes, mime: str
) -> None:
    assert extract_text(data, mime) == ""


def test_a_failure_is_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="infostrada.documents.extract"):
        assert extract_text(b"<a><b></a>", "application/xml") == ""
    assert any(r.levelno == logging.DEBUG and "stopped" in r.message for r in caplog.records)


def test_max_chars_zero_and_mime_parameters() -> None:
    assert extract_text(b"tekst", "text/plain", max_chars=0) == ""
    assert extract_text(make_docx("Pismo"), DOCX.upper() + "; q=1") == "Pismo"


def test_damaged_files_never_make_extraction_raise() -> None:
    rng = random.Random(20250521)
    mimes = {"a.pdf": PDF, "a.docx": DOCX, "a.odt": ODF_TEXT, "a.xlsx": XLSX}
    mimes |= {"a.txt": "text/plain", "a.xml": "application/xml"}
    for name, data in good_files().items():
        for _ in range(40):
            text = extract_text(damaged(data, rng), mimes.get(name, "application/zip"))
            assert isinstance(text, str) and "\x00" not in text
