"""One trust decision for XAdES and PAdES: pyhanko-certvalidator against the caller's roots.

PAdES validation runs inside pyHanko; XAdES uses the same validator here, so
a certificate is trusted, expired or of the wrong kind by the same rules in
both formats (RFC 5280 path validation, nonRepudiation key usage required).

Revocation is checked in soft-fail mode without fetching: no network is
used during verification, and a certificate without reachable CRL or OCSP
is not failed for that alone. Revocation data embedded in a document (PAdES
B-LT) is still used by pyHanko.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESSubIndic
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)

from .results import Problem

T = TypeVar("T")

SIGNER_KEY_USAGE = frozenset({"non_repudiation"})


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def from_asn1(certificate: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.dump())


def validation_context(trusted: list[x509.Certificate]) -> ValidationContext:
    # trust_roots is always a list: None would fall back to the system's TLS store.
    return ValidationContext(
        trust_roots=[to_asn1(c) for c in trusted],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's async validation from synchronous code (WSGI views, tasks).

    Async callers must use ``asgiref.sync.sync_to_async`` around the public
    functions: an event loop cannot be started inside a running one.
    """
    return asyncio.run(coroutine)


async def certificate_problem(
    certificate: x509.Certificate,
    intermediates: list[x509.Certificate],
    context: ValidationContext,
) -> tuple[Problem | None, str]:
    """Validate the signer's certificate now; None when it is trusted, else why not."""
    validator = CertificateValidator(
        to_asn1(certificate), [to_asn1(c) for c in intermediates], validation_context=context
    )
    try:
        await validator.async_validate_usage(set(SIGNER_KEY_USAGE))
    except RevokedError as exc:
        return Problem.REVOKED, str(exc)
    except ExpiredError as exc:
        return Problem.CERTIFICATE_EXPIRED, str(exc)
    except NotYetValidError as exc:
        return Problem.CERTIFICATE_NOT_YET_VALID, str(exc)
    except DisallowedAlgorithmError as exc:
        return Problem.WEAK_ALGORITHM, str(exc)
    except InvalidCertificateError as exc:
        return Problem.CERTIFICATE_USAGE, str(exc)
    except PathBuildingError as exc:
        return Problem.UNTRUSTED_ISSUER, str(exc)
    except (PathValidationError, ValidationError) as exc:
        return Problem.TRUST_UNDETERMINED, str(exc)
    return None, ""


def problem_of_indication(indication: AdESSubIndic | None) -> Problem:
    """Translate pyHanko's ETSI EN 319 102-1 sub-indication into our problem codes."""
    mapping: dict[AdESSubIndic, Problem] = {
        AdESFailure.REVOKED: Problem.REVOKED,
        AdESIndeterminate.REVOKED_NO_POE: Problem.REVOKED,
        AdESIndeterminate.REVOKED_CA_NO_POE: Problem.REVOKED,
        AdESFailure.NOT_YET_VALID: Problem.CERTIFICATE_NOT_YET_VALID,
        AdESIndeterminate.NOT_YET_VALID: Problem.CERTIFICATE_NOT_YET_VALID,
        AdESIndeterminate.EXPIRED: Problem.CERTIFICATE_EXPIRED,
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE: Problem.CERTIFICATE_EXPIRED,
        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED: Problem.CERTIFICATE_EXPIRED,
        AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND: Problem.UNTRUSTED_ISSUER,
        AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE: Problem.CERTIFICATE_USAGE,
        AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE: Problem.WEAK_ALGORITHM,
        AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE: Problem.WEAK_ALGORITHM,
    }
    if indication is None:
        return Problem.TRUST_UNDETERMINED
    return mapping.get(indication, Problem.TRUST_UNDETERMINED)
