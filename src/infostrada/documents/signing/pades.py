"""PAdES signatures of PDF documents (pyHanko).

Signing adds an invisible approval signature in an incremental update, so
earlier signatures stay valid: PAdES baseline B-B (ETSI.CAdES.detached, SHA-256,
signing-certificate-v2). With ``tsa_url`` an RFC 3161 time-stamp of the
signature is added, which makes it B-T; B-LT/B-LTA (embedded revocation data,
document time-stamps) are the next step for what goes to the archive.

Verification reports each signature in signing order, with pyHanko's
difference analysis of what was appended after it: more signatures and form
filling are allowed, anything else makes that signature ``invalid``.
"""

from __future__ import annotations

import logging
from io import BytesIO
from typing import Any

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
)
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import trust
from .pki import KeyAndCertificate, TrustedCertificates, load_certificates, seal_teryt, signer_name
from .results import (
    LaterChanges,
    Problem,
    SignatureError,
    SignatureReport,
    VerificationResult,
    status_of,
)

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
PADES_SUBFILTER = "/ETSI.CAdES.detached"


def sign_pdf(
    pdf: bytes,
    signer: KeyAndCertificate,
    *,
    reason: str,
    location: str,
    name: str | None = None,
    tsa_url: str | None = None,
) -> bytes:
    """Seal a PDF (PAdES B-B; B-T when a time-stamping authority URL is given).

    ``name`` defaults to the certificate's name. The TSA is asked over HTTP
    with a 5-second timeout; a failure raises ``SignatureError`` and nothing
    is signed.
    """
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        encrypted = writer.prev.encrypted
        taken = {field for field, *_rest in fields.enumerate_sig_fields(writer.prev)}
    except Exception as exc:  # pyHanko raises many kinds on damaged files
        raise SignatureError(_("The file is not a readable PDF document.")) from exc
    if encrypted:
        raise SignatureError(_("An encrypted PDF document cannot be signed."))
    field_name = next(
        f"Signature{n}" for n in range(1, len(taken) + 2) if f"Signature{n}" not in taken
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        name=name or signer_name(signer.certificate),
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signers.SimpleSigner(
            signing_cert=trust.to_asn1(signer.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                signer.private_key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(
                [trust.to_asn1(c) for c in signer.chain]
            ),
        ),
        timestamper=HTTPTimeStamper(tsa_url) if tsa_url else None,
    )
    try:
        output = pdf_signer.sign_pdf(writer)
    except TimestampRequestError as exc:
        raise SignatureError(_("The time-stamping authority did not answer.")) from exc
    except Exception as exc:  # SigningError, or a structure pyHanko cannot update
        raise SignatureError(_("The PDF document could not be signed.")) from exc
    return output.getvalue()


def verify_pdf(pdf: bytes, trusted: TrustedCertificates) -> VerificationResult:
    """Check every signature of a PDF document against the trusted roots."""
    roots = load_certificates(trusted)
    if PDF_MAGIC not in pdf[:1024]:
        return VerificationResult.unreadable("pdf", Problem.NOT_PDF)
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        if reader.encrypted:
            return VerificationResult.unreadable("pdf", Problem.ENCRYPTED_PDF)
        embedded = reader.embedded_regular_signatures
    except Exception as exc:  # a damaged file may fail anywhere in the parser
        logger.info("unreadable PDF: %s", exc)
        return VerificationResult.unreadable("pdf", Problem.NOT_PDF, str(exc))
    reports = trust.run(_validate_all(embedded, trust.validation_context(roots)))
    return VerificationResult.of_signatures("pdf", reports)


async def _validate_all(
    embedded: list[EmbeddedPdfSignature], context: ValidationContext
) -> list[SignatureReport]:
    reports = []
    for signature in embedded:
        try:
            status = await async_validate_pdf_signature(
                signature, signer_validation_context=context
            )
        except Exception as exc:  # malformed CMS, unknown SubFilter, broken byte range …
            logger.info("PDF signature not validated: %s", exc)
            reports.append(_malformed(signature, exc))
            continue
        reports.append(_report(signature, status))
    return reports


def _signer_facts(certificate: x509.Certificate | None) -> dict[str, Any]:
    if certificate is None:
        return {}
    return {
        "signer_name": signer_name(certificate),
        "signer_subject": certificate.subject.rfc4514_string(),
        "signer_teryt": seal_teryt(certificate),
        "issuer_subject": certificate.issuer.rfc4514_string(),
    }


def _malformed(signature: EmbeddedPdfSignature, exc: Exception) -> SignatureReport:
    try:
        certificate = trust.from_asn1(signature.signer_cert)
    except Exception:  # the CMS blob itself may be what is broken
        certificate = None
    return SignatureReport(
        status=status_of(Problem.MALFORMED_SIGNATURE),
        problem=Problem.MALFORMED_SIGNATURE,
        signature_format="PDF",
        detail=str(exc),
        **_signer_facts(certificate),
    )


def _later_changes(status: PdfSignatureStatus) -> LaterChanges:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return LaterChanges.NONE
    if status.docmdp_ok is None:
        return LaterChanges.UNKNOWN
    return LaterChanges.ALLOWED if status.docmdp_ok else LaterChanges.FORBIDDEN


def _report(signature: EmbeddedPdfSignature, status: PdfSignatureStatus) -> SignatureReport:
    timestamp = status.timestamp_validity
    timestamped = timestamp is not None and timestamp.valid and timestamp.intact
    is_pades = signature.sig_object.get("/SubFilter") == PADES_SUBFILTER
    signature_format = ("PAdES-B-T" if timestamped else "PAdES-B-B") if is_pades else "PDF"
    later = _later_changes(status)
    covered = (
        status.coverage is not None and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    )

    problem: Problem | None = None
    if not status.intact:
        problem = Problem.MODIFIED
    elif not status.valid:
        problem = Problem.SIGNATURE_MISMATCH
    elif not covered:
        problem = Problem.PARTIAL_COVERAGE
    elif later == LaterChanges.FORBIDDEN:
        problem = Problem.FORBIDDEN_CHANGES
    elif timestamp is not None and not timestamped:
        problem = Problem.TIMESTAMP_INVALID
    elif not status.trusted:
        problem = trust.problem_of_indication(status.trust_problem_indic)
    elif timestamp is not None and not timestamp.trusted:
        problem = Problem.UNTRUSTED_TIMESTAMP
    elif not status.bottom_line:
        problem = Problem.TRUST_UNDETERMINED

    trusted_time = timestamped and timestamp is not None and timestamp.trusted
    signing_time = timestamp.timestamp if trusted_time else status.signer_reported_dt
    return SignatureReport(
        status=status_of(problem),
        problem=problem,
        signature_format=signature_format,
        signing_time=signing_time,
        timestamped=trusted_time,
        intact=status.intact and status.valid,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        later_changes=later,
        trusted=status.trusted,
        detail=status.summary(),
        **_signer_facts(trust.from_asn1(status.signing_cert)),
    )
