"""The signature layer of the EZD: seal outgoing documents, verify incoming ones.

A pure library: no models and no database. Callers store keys and
certificates (PEM or PKCS#12 bytes) and verification results
(``VerificationResult.as_dict()``) wherever they keep documents, and show
``VerificationResult.summary`` next to a document.

- ``pki``: demo CA and seal certificates, key serialisation;
- ``xades``: XML documents (signxml), parsed without DTDs or entities;
- ``pades``: PDF documents (pyHanko);
- ``trust``: the one trust decision both formats share;
- ``results``: statuses, problem codes and the sentences officials read.

Signing raises ``SignatureError`` when it cannot be done. Verification never
raises for what a sender can put in a file: every outcome is a status.
"""

from __future__ import annotations

from .pades import sign_pdf, verify_pdf
from .pki import (
    CertificateAuthority,
    KeyAndCertificate,
    KeyType,
    TrustedCertificates,
    issue_seal_certificate,
    make_demo_ca,
    seal_teryt,
)
from .results import (
    LaterChanges,
    Problem,
    SignatureError,
    SignatureReport,
    Status,
    UnsafeXmlError,
    VerificationResult,
)
from .xades import parse_xml_safely, sign_xml, verify_xml

__all__ = [
    "CertificateAuthority",
    "KeyAndCertificate",
    "KeyType",
    "LaterChanges",
    "Problem",
    "SignatureError",
    "SignatureReport",
    "Status",
    "TrustedCertificates",
    "UnsafeXmlError",
    "VerificationResult",
    "detect_and_verify",
    "issue_seal_certificate",
    "make_demo_ca",
    "parse_xml_safely",
    "seal_teryt",
    "sign_pdf",
    "sign_xml",
    "verify_pdf",
    "verify_xml",
]

PDF_TYPES = frozenset({"application/pdf"})
XML_TYPES = frozenset({"application/xml", "text/xml"})


def detect_and_verify(data: bytes, mime: str, trusted: TrustedCertificates) -> VerificationResult:
    """Verify by the declared MIME type; other types carry no signature we can check.

    Parameters such as ``; charset=utf-8`` and ``+xml`` types (for example
    ``application/epuap+xml``) are understood. The type is trusted only to
    choose the checker: the checkers look at the content and answer
    ``unreadable`` when it is not what was declared. Detached signatures
    (``.xades`` next to a file, ``.p7s``) are not supported yet.
    """
    media_type = mime.split(";", 1)[0].strip().lower()
    if media_type in PDF_TYPES:
        return verify_pdf(data, trusted)
    if media_type in XML_TYPES or media_type.endswith("+xml"):
        return verify_xml(data, trusted)
    return VerificationResult.of_signatures(media_type or "unknown", [])
