"""The signature layer with real keys, real signatures and real files (no mocks, no network)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.timestamps import DummyTimeStamper
from reportlab.pdfgen import canvas
from signxml import SignatureConstructionMethod, SignatureMethod
from signxml.xades import XAdESSigner

from infostrada.documents.signing import (
    CertificateAuthority,
    KeyAndCertificate,
    KeyType,
    LaterChanges,
    Problem,
    SignatureError,
    SignatureReport,
    Status,
    UnsafeXmlError,
    VerificationResult,
    detect_and_verify,
    issue_seal_certificate,
    make_demo_ca,
    parse_xml_safely,
    seal_teryt,
    sign_pdf,
    sign_xml,
    verify_pdf,
    verify_xml,
)
from infostrada.tenancy.teryt import TercError

LETTER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<pismo xmlns="urn:infostrada:test"><znak>ZP.6730.12.2026</znak>'
    "<tresc>Zawiadamiam o wszczęciu postępowania.</tresc></pismo>"
).encode()


def _pdf(text: str = "Decyzja nr 12/2026") -> bytes:
    # Uncompressed so that a test can find and change the text after signing.
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return make_demo_ca("Infostrada Demo CA")


@pytest.fixture(scope="module")
def seal(ca: CertificateAuthority) -> KeyAndCertificate:
    return issue_seal_certificate(ca, organisation="Gmina Lubicz", unit_teryt="0415042")


@pytest.fixture(scope="module")
def stranger(ca: CertificateAuthority) -> KeyAndCertificate:
    """A seal from a CA nobody here trusts."""
    other = make_demo_ca("Somebody Else's CA")
    return issue_seal_certificate(other, organisation="Gmina Lubicz", unit_teryt="0415042")


@pytest.fixture(scope="module")
def signed_xml(seal: KeyAndCertificate) -> bytes:
    return sign_xml(LETTER, seal)


@pytest.fixture(scope="module")
def signed_pdf(seal: KeyAndCertificate) -> bytes:
    return sign_pdf(_pdf(), seal, reason="Decyzja administracyjna", location="Lubicz")


# --- certificates and keys ------------------------------------------------------------------


def test_demo_ca_is_a_ten_year_root(ca: CertificateAuthority) -> None:
    cert = ca.certificate
    assert cert.subject == cert.issuer
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=3652) <= lifetime <= dt.timedelta(days=3654)
    assert isinstance(ca.private_key, ec.EllipticCurvePrivateKey)


def test_seal_certificate_names_the_office_and_its_terc(
    ca: CertificateAuthority, seal: KeyAndCertificate
) -> None:
    cert = seal.certificate
    subject = {a.oid: a.value for a in cert.subject}
    assert subject[NameOID.ORGANIZATION_NAME] == "Gmina Lubicz"
    assert subject[NameOID.COMMON_NAME] == "Gmina Lubicz"
    assert subject[NameOID.COUNTRY_NAME] == "PL"
    assert subject[NameOID.SERIAL_NUMBER] == "TERC:0415042"
    assert seal_teryt(cert) == "0415042"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert cert.issuer == ca.certificate.subject
    cert.verify_directly_issued_by(ca.certificate)
    assert seal.chain == (ca.certificate,)


def test_seal_without_terc_and_with_a_bad_one(ca: CertificateAuthority) -> None:
    partner = issue_seal_certificate(
        ca, organisation="Ośrodek Doradztwa Rolniczego", unit_teryt=None
    )
    assert seal_teryt(partner.certificate) is None
    assert not partner.certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    blank = issue_seal_certificate(ca, organisation="Ośrodek Doradztwa Rolniczego", unit_teryt="")
    assert seal_teryt(blank.certificate) is None
    with pytest.raises(TercError):
        issue_seal_certificate(ca, organisation="Gmina X", unit_teryt="0415044")  # a gmina part
    with pytest.raises(ValueError, match="64"):
        issue_seal_certificate(ca, organisation="U" * 65, unit_teryt=None)


def test_seal_never_outlives_its_ca(ca: CertificateAuthority) -> None:
    long_lived = issue_seal_certificate(
        ca, organisation="Gmina Lubicz", unit_teryt=None, valid_days=99_999
    )
    assert long_lived.certificate.not_valid_after_utc == ca.certificate.not_valid_after_utc


def test_pkcs12_round_trip(ca: CertificateAuthority, seal: KeyAndCertificate) -> None:
    data = seal.to_pkcs12(b"haslo-do-sejfu")
    loaded = KeyAndCertificate.from_pkcs12(data, b"haslo-do-sejfu")
    assert loaded.certificate == seal.certificate
    assert loaded.chain == (ca.certificate,)
    assert loaded.private_key.private_numbers() == seal.private_key.private_numbers()
    # the loaded key signs documents that verify
    assert verify_xml(sign_xml(LETTER, loaded), [ca.certificate]).status == Status.VALID

    with pytest.raises(SignatureError, match="wrong password"):
        KeyAndCertificate.from_pkcs12(data, b"zle-haslo")
    with pytest.raises(SignatureError, match="password"):
        seal.to_pkcs12(b"")
    authority = CertificateAuthority.from_pkcs12(ca.to_pkcs12(b"x"), b"x")
    assert isinstance(authority, CertificateAuthority)
    assert authority.certificate == ca.certificate


def test_pem_round_trip_with_an_encrypted_key(seal: KeyAndCertificate) -> None:
    key_pem = seal.private_key_pem(b"sekret")
    assert b"ENCRYPTED PRIVATE KEY" in key_pem
    certs_pem = seal.certificates_pem()
    assert certs_pem.count(b"BEGIN CERTIFICATE") == 2
    loaded = KeyAndCertificate.from_pem(key_pem, certs_pem, password=b"sekret")
    assert loaded.certificate == seal.certificate
    assert loaded.chain == seal.chain
    with pytest.raises(SignatureError):
        KeyAndCertificate.from_pem(key_pem, certs_pem, password=b"inne")


def test_a_key_must_belong_to_its_certificate(seal: KeyAndCertificate, stranger) -> None:
    with pytest.raises(SignatureError, match="does not belong"):
        KeyAndCertificate(private_key=stranger.private_key, certificate=seal.certificate)
    assert "PrivateKey" not in repr(seal)  # no key material in logs


# --- XML (XAdES) -----------------------------------------------------------------------------


def test_xml_round_trip(ca: CertificateAuthority, signed_xml: bytes) -> None:
    result = verify_xml(signed_xml, [ca.certificate])
    assert result.status == Status.VALID
    [report] = result.signatures
    assert report.signature_format == "XAdES-BES"
    assert report.signer_name == "Gmina Lubicz"
    assert report.signer_teryt == "0415042"
    assert report.intact and report.covers_whole_document and report.trusted
    assert report.signing_time is not None
    assert report.signing_time.tzinfo == dt.UTC
    assert abs(dt.datetime.now(dt.UTC) - report.signing_time) < dt.timedelta(minutes=5)
    assert result.summary.startswith("Signature verified: Gmina Lubicz, signed 20")
    # the original content is untouched by the enveloped signature
    assert b"<tresc>Zawiadamiam o wszcz" in signed_xml


def test_xml_prolog_survives_signing(ca: CertificateAuthority, seal: KeyAndCertificate) -> None:
    # ePUAP forms are rendered through the stylesheet named before the root.
    form = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<?xml-stylesheet type="text/xsl" href="wniosek.xsl"?>\n'
        "<!-- formularz -->\n"
        '<wniosek xmlns="urn:infostrada:test" xmlns:p="urn:p"><p:imie>Żaneta</p:imie></wniosek>'
    ).encode()
    signed = sign_xml(form, seal)
    assert b'<?xml-stylesheet type="text/xsl" href="wniosek.xsl"?>' in signed
    assert b"<!-- formularz -->" in signed
    assert "<p:imie>Żaneta</p:imie>".encode() in signed
    assert verify_xml(signed, [ca.certificate]).status == Status.VALID


def test_xml_trusted_roots_may_be_pem(ca: CertificateAuthority, signed_xml: bytes) -> None:
    pem = ca.certificate.public_bytes(serialization.Encoding.PEM)
    assert verify_xml(signed_xml, pem).status == Status.VALID
    assert verify_xml(signed_xml, [pem.decode()]).status == Status.VALID


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Zawiadamiam o wszczęciu", "Zawiadamiam o umorzeniu"),  # the content
        ("ZP.6730.12.2026", "ZP.6730.13.2026"),  # the case signature
    ],
)
def test_xml_changed_after_signing_is_invalid(
    ca: CertificateAuthority, signed_xml: bytes, old: str, new: str
) -> None:
    tampered = signed_xml.replace(old.encode(), new.encode())
    assert tampered != signed_xml
    result = verify_xml(tampered, [ca.certificate])
    assert result.status == Status.INVALID
    assert result.signatures[0].problem == Problem.MODIFIED
    assert not result.signatures[0].intact
    assert "not valid: the document was changed after signing" in result.summary


def test_xml_with_a_changed_signing_time_is_invalid(
    ca: CertificateAuthority, signed_xml: bytes
) -> None:
    root = etree.fromstring(signed_xml)
    node = root.find(".//{http://uri.etsi.org/01903/v1.3.2#}SigningTime")
    node.text = "2020-01-01T00:00:00+00:00"
    result = verify_xml(etree.tostring(root), [ca.certificate])
    assert result.status == Status.INVALID
    assert result.signatures[0].problem == Problem.MODIFIED


def test_xml_with_a_swapped_signature_value_is_invalid(
    ca: CertificateAuthority, seal: KeyAndCertificate, signed_xml: bytes
) -> None:
    other = etree.fromstring(sign_xml(LETTER.replace(b"12.2026", b"99.2026"), seal))
    root = etree.fromstring(signed_xml)
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    root.find(f".//{ds}SignatureValue").text = other.find(f".//{ds}SignatureValue").text
    result = verify_xml(etree.tostring(root), [ca.certificate])
    assert result.status == Status.INVALID
    assert result.signatures[0].problem == Problem.SIGNATURE_MISMATCH


def test_xml_from_another_ca_is_untrusted(ca: CertificateAuthority, stranger) -> None:
    result = verify_xml(sign_xml(LETTER, stranger), [ca.certificate])
    assert result.status == Status.UNTRUSTED
    [report] = result.signatures
    assert report.problem == Problem.UNTRUSTED_ISSUER
    assert report.intact and not report.trusted
    assert "not issued by a trusted certification authority" in result.summary
    # trusting nothing trusts nothing (never the system's TLS store)
    assert verify_xml(sign_xml(LETTER, stranger), []).status == Status.UNTRUSTED


def test_unsigned_xml_has_no_signature(ca: CertificateAuthority) -> None:
    result = verify_xml(LETTER, [ca.certificate])
    assert result.status == Status.NO_SIGNATURE
    assert result.signatures == ()
    assert result.summary == "The document carries no electronic signature."


@pytest.mark.parametrize("data", [b"\x00\x01garbage\xff", b"", b"<a><b></a>", _pdf()])
def test_garbage_is_unreadable_xml(ca: CertificateAuthority, seal, data: bytes) -> None:
    result = verify_xml(data, [ca.certificate])
    assert result.status == Status.UNREADABLE
    assert result.problem == Problem.NOT_XML
    assert "not a well-formed XML document" in result.summary
    with pytest.raises(SignatureError, match="not a well-formed XML"):
        sign_xml(data, seal)


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file://%(path)s">]>',
        '<!DOCTYPE x SYSTEM "file://%(path)s">',
        '<!DOCTYPE x [<!ENTITY e "%(marker)s"><!ENTITY f "&e;&e;&e;&e;&e;&e;">]>',
    ],
)
def test_xml_with_a_dtd_or_entities_is_refused(
    ca: CertificateAuthority, seal: KeyAndCertificate, tmp_path, declaration: str
) -> None:
    marker = "SEKRET-Z-DYSKU-7f3a"
    secret = tmp_path / "passwd"
    secret.write_text(marker + "\n")
    doctype = declaration % {"path": secret, "marker": marker}
    xml = f'<?xml version="1.0"?>{doctype}<x>&e;</x>'.encode()
    if "ENTITY f" in doctype:
        xml = xml.replace(b"&e;</x>", b"&f;</x>")

    result = verify_xml(xml, [ca.certificate])
    assert result.status == Status.UNREADABLE
    assert result.problem == Problem.XML_DTD_REFUSED
    assert "refused for security reasons" in result.summary
    outputs = [result.summary, json.dumps(result.as_dict())]
    for call in (lambda: sign_xml(xml, seal), lambda: parse_xml_safely(xml)):
        with pytest.raises(UnsafeXmlError) as refused:
            call()
        outputs.append(str(refused.value))
    assert all("SEKRET" not in output for output in outputs)
    assert detect_and_verify(xml, "application/xml", [ca.certificate]).problem == (
        Problem.XML_DTD_REFUSED
    )


def test_xml_entities_are_never_fetched_from_the_network(ca: CertificateAuthority) -> None:
    requests: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY e "fetched">')

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for doctype in (
            f'<!DOCTYPE x SYSTEM "{base}/zewnetrzny.dtd">',
            f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{base}/p.dtd"> %p;]>',
            f'<!DOCTYPE x [<!ENTITY e SYSTEM "{base}/e.txt">]>',
        ):
            xml = f"<?xml version='1.0'?>{doctype}<x>&e;</x>".encode()
            assert verify_xml(xml, [ca.certificate]).problem == Problem.XML_DTD_REFUSED
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_the_etc_passwd_entity_of_the_brief_is_refused(ca: CertificateAuthority) -> None:
    xml = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    result = verify_xml(xml, [ca.certificate])
    assert result.status == Status.UNREADABLE
    assert "root:" not in json.dumps(result.as_dict()) + result.summary


def test_xml_signature_over_a_part_is_invalid(
    ca: CertificateAuthority, seal: KeyAndCertificate
) -> None:
    # Signature wrapping: a valid signature over one element must not vouch for the rest.
    document = etree.fromstring(
        b'<pismo><czesc Id="p1">podpisane</czesc><dopisek>niepodpisane</dopisek></pismo>'
    )
    signer = XAdESSigner(signature_algorithm=SignatureMethod.ECDSA_SHA256)
    signed = signer.sign(
        document, key=seal.private_key, cert=seal.all_certificates, reference_uri="#p1"
    )
    result = verify_xml(etree.tostring(signed), [ca.certificate])
    assert result.status == Status.INVALID
    assert result.signatures[0].problem == Problem.PARTIAL_COVERAGE
    assert "covers only part of the document" in result.summary


def test_enveloping_xades_is_verified(ca: CertificateAuthority, seal: KeyAndCertificate) -> None:
    signer = XAdESSigner(
        method=SignatureConstructionMethod.enveloping,
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
    )
    signed = etree.tostring(
        signer.sign(etree.fromstring(LETTER), key=seal.private_key, cert=seal.all_certificates)
    )
    assert etree.fromstring(signed).tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"
    result = verify_xml(signed, [ca.certificate])
    assert result.status == Status.VALID
    tampered = verify_xml(signed.replace(b"ZP.6730.12", b"ZP.6730.14"), [ca.certificate])
    assert tampered.status == Status.INVALID


def test_detached_xades_is_reported_not_guessed(
    ca: CertificateAuthority, seal: KeyAndCertificate
) -> None:
    signer = XAdESSigner(
        method=SignatureConstructionMethod.detached,
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
    )
    signed = signer.sign(
        etree.fromstring(b"<x/>"),
        key=seal.private_key,
        cert=seal.all_certificates,
        reference_uri="wniosek.pdf",
    )
    result = verify_xml(etree.tostring(signed), [ca.certificate])
    assert result.status == Status.UNREADABLE
    assert result.problem == Problem.DETACHED_SIGNATURE


def test_signing_a_signed_xml_is_refused(seal: KeyAndCertificate, signed_xml: bytes) -> None:
    with pytest.raises(SignatureError, match="already signed"):
        sign_xml(signed_xml, seal)


def test_rsa_seal_signs_xml_and_pdf(ca: CertificateAuthority) -> None:
    rsa_seal = issue_seal_certificate(
        ca,
        organisation="Starostwo Powiatowe w Toruniu",
        unit_teryt="0415",
        key_type=KeyType.RSA_3072,
    )
    assert rsa_seal.private_key.key_size == 3072
    xml = verify_xml(sign_xml(LETTER, rsa_seal), [ca.certificate])
    assert xml.status == Status.VALID
    assert xml.signatures[0].signer_teryt == "0415"
    signed = sign_pdf(_pdf(), rsa_seal, reason="Akceptacja", location="Toruń")
    pdf = verify_pdf(signed, [ca.certificate])
    assert pdf.status == Status.VALID
    assert pdf.signatures[0].signer_name == "Starostwo Powiatowe w Toruniu"


# --- PDF (PAdES) -----------------------------------------------------------------------------


def test_pdf_round_trip(ca: CertificateAuthority, signed_pdf: bytes) -> None:
    result = verify_pdf(signed_pdf, [ca.certificate])
    assert result.status == Status.VALID
    [report] = result.signatures
    assert report.signature_format == "PAdES-B-B"
    assert report.signer_name == "Gmina Lubicz"
    assert report.signer_teryt == "0415042"
    assert "CN=Gmina Lubicz" in report.signer_subject
    assert report.intact and report.covers_whole_document and report.trusted
    assert report.later_changes == LaterChanges.NONE
    assert not report.timestamped
    assert abs(dt.datetime.now(dt.UTC) - report.signing_time) < dt.timedelta(minutes=5)
    assert b"/Reason (Decyzja administracyjna)" in signed_pdf
    assert result.summary.startswith("Signature verified: Gmina Lubicz, signed 20")


def test_pdf_changed_after_signing_is_invalid(ca: CertificateAuthority, signed_pdf: bytes) -> None:
    tampered = signed_pdf.replace(b"Decyzja nr 12/2026", b"Decyzja nr 13/2026")
    assert tampered != signed_pdf and len(tampered) == len(signed_pdf)
    result = verify_pdf(tampered, [ca.certificate])
    assert result.status == Status.INVALID
    assert result.signatures[0].problem == Problem.MODIFIED
    assert not result.signatures[0].intact


def test_pdf_content_added_after_signing_is_invalid(
    ca: CertificateAuthority, signed_pdf: bytes
) -> None:
    # An incremental update that draws on the signed page: the signed bytes are
    # intact, but the document a reader sees is not what was signed.
    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf))
    extra = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 600 Td (UMORZONO) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(extra))
    output = BytesIO()
    writer.write(output)

    result = verify_pdf(output.getvalue(), [ca.certificate])
    assert result.status == Status.INVALID
    [report] = result.signatures
    assert report.intact and not report.covers_whole_document
    assert report.later_changes == LaterChanges.FORBIDDEN
    assert report.problem == Problem.FORBIDDEN_CHANGES


def test_a_second_signature_keeps_the_first_valid(
    ca: CertificateAuthority, signed_pdf: bytes
) -> None:
    starostwo = issue_seal_certificate(
        ca, organisation="Starostwo Powiatowe w Toruniu", unit_teryt="0415"
    )
    both = sign_pdf(signed_pdf, starostwo, reason="Uzgodnienie", location="Toruń", name="Starosta")
    result = verify_pdf(both, [ca.certificate])
    assert result.status == Status.VALID
    first, second = result.signatures
    assert (first.signer_name, second.signer_name) == (
        "Gmina Lubicz",
        "Starostwo Powiatowe w Toruniu",
    )
    assert first.later_changes == LaterChanges.ALLOWED and not first.covers_whole_document
    assert second.later_changes == LaterChanges.NONE and second.covers_whole_document
    assert result.summary.startswith("The document carries 2 signatures. Signature verified: Gmina")


def test_pdf_from_another_ca_is_untrusted(ca: CertificateAuthority, stranger) -> None:
    result = verify_pdf(sign_pdf(_pdf(), stranger, reason="x", location="y"), [ca.certificate])
    assert result.status == Status.UNTRUSTED
    [report] = result.signatures
    assert report.problem == Problem.UNTRUSTED_ISSUER
    assert report.intact and not report.trusted


def test_unsigned_pdf_has_no_signature(ca: CertificateAuthority) -> None:
    result = verify_pdf(_pdf(), [ca.certificate])
    assert result.status == Status.NO_SIGNATURE
    assert result.document_format == "pdf"


@pytest.mark.parametrize(
    "data", [b"\x00\x01garbage\xff", b"", b"%PDF-1.7\nnot really a pdf", LETTER, b"%PDF-1.4\n%%EOF"]
)
def test_garbage_is_unreadable_pdf(ca: CertificateAuthority, seal, data: bytes) -> None:
    result = verify_pdf(data, [ca.certificate])
    assert result.status == Status.UNREADABLE
    assert result.problem == Problem.NOT_PDF
    assert "not a readable PDF" in result.summary
    with pytest.raises(SignatureError):
        sign_pdf(data, seal, reason="x", location="y")


def test_truncated_signed_pdf_is_unreadable(ca: CertificateAuthority, signed_pdf: bytes) -> None:
    result = verify_pdf(signed_pdf[: len(signed_pdf) // 2], [ca.certificate])
    assert result.status == Status.UNREADABLE


class _TimeStampingAuthority(BaseHTTPRequestHandler):
    """A local RFC 3161 server: the protocol is real, the authority is ours."""

    timestamper: DummyTimeStamper

    def do_POST(self) -> None:
        request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        body = self.timestamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def tsa_url(ca: CertificateAuthority):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's TSA: RSA only
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Demo TSA")]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.private_key, hashes.SHA256())
    )
    from asn1crypto import x509 as asn1_x509

    handler = type(
        "Handler",
        (_TimeStampingAuthority,),
        {
            "timestamper": DummyTimeStamper(
                tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
                tsa_key=asn1_keys.PrivateKeyInfo.load(
                    key.private_bytes(
                        serialization.Encoding.DER,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                ),
            )
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_pdf_time_stamped_by_a_tsa_is_pades_b_t(
    ca: CertificateAuthority, seal: KeyAndCertificate, tsa_url: str
) -> None:
    signed = sign_pdf(_pdf(), seal, reason="Decyzja", location="Lubicz", tsa_url=tsa_url)
    result = verify_pdf(signed, [ca.certificate])
    assert result.status == Status.VALID
    [report] = result.signatures
    assert report.signature_format == "PAdES-B-T"
    assert report.timestamped
    assert "time-stamped 20" in result.summary


def test_an_unreachable_tsa_signs_nothing(seal: KeyAndCertificate) -> None:
    with pytest.raises(SignatureError, match="time-stamping authority"):
        sign_pdf(_pdf(), seal, reason="x", location="y", tsa_url="http://127.0.0.1:9/")


# --- dispatch and results --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mime", "document", "expected"),
    [
        ("application/pdf", "pdf", Status.VALID),
        ("application/xml", "xml", Status.VALID),
        ("text/xml; charset=UTF-8", "xml", Status.VALID),
        ("Application/PDF", "pdf", Status.VALID),
        ("application/pdf", "xml", Status.UNREADABLE),  # the content decides, not the label
        ("image/png", "pdf", Status.NO_SIGNATURE),
        ("application/vnd.oasis.opendocument.text", "xml", Status.NO_SIGNATURE),
    ],
)
def test_detect_and_verify_dispatches_by_mime(
    ca: CertificateAuthority,
    signed_pdf: bytes,
    signed_xml: bytes,
    mime: str,
    document: str,
    expected: Status,
) -> None:
    data = signed_pdf if document == "pdf" else signed_xml
    assert detect_and_verify(data, mime, [ca.certificate]).status == expected


def test_results_are_stored_as_json_and_shown_in_office_time(signed_pdf: bytes, ca) -> None:
    stored = json.loads(json.dumps(verify_pdf(signed_pdf, [ca.certificate]).as_dict()))
    assert stored["status"] == "valid"
    assert stored["signatures"][0]["signer_teryt"] == "0415042"
    assert stored["signatures"][0]["signing_time"].endswith("+00:00")

    report = SignatureReport(
        status=Status.VALID,
        problem=None,
        signature_format="PAdES-B-B",
        signer_name="Gmina Lubicz",
        signing_time=dt.datetime(2026, 11, 24, 9, 15, tzinfo=dt.UTC),
    )
    result = VerificationResult.of_signatures("pdf", [report])
    assert result.summary == "Signature verified: Gmina Lubicz, signed 2026-11-24 10:15."


def test_the_worst_signature_decides(signed_pdf: bytes) -> None:
    valid = SignatureReport(Status.VALID, None, "PAdES-B-B", signer_name="A")
    untrusted = SignatureReport(Status.UNTRUSTED, Problem.CERTIFICATE_EXPIRED, "PAdES-B-B")
    invalid = SignatureReport(Status.INVALID, Problem.MODIFIED, "PAdES-B-B", signer_name="C")
    assert VerificationResult.of_signatures("pdf", [valid, untrusted]).status == Status.UNTRUSTED
    assert VerificationResult.of_signatures("pdf", [invalid, untrusted]).status == Status.INVALID
    summary = VerificationResult.of_signatures("pdf", [valid, untrusted]).summary
    assert (
        "an unknown signer is intact, but its certificate is not trusted: it has expired" in summary
    )
