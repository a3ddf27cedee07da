"""What a signature check found, in a form the EZD can store and an official can read.

The results hold facts (status, a machine-readable problem code, signer,
times); the sentences an official reads are made by ``summary`` when it is
read, so a check run in a background task is shown in the language of the
page that later displays it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class SignatureError(Exception):
    """A document cannot be signed, or a stored key cannot be opened.

    Verification never raises it for bad input: a file that cannot be checked
    gets the ``unreadable`` status instead.
    """


class UnsafeXmlError(SignatureError):
    """XML that declares a DTD or entities: refused before anything is expanded or fetched."""


class Status(enum.StrEnum):
    VALID = "valid"
    INVALID = "invalid"  # bad cryptography, or the document was changed
    UNTRUSTED = "untrusted"  # intact, but the certificate is not trusted now
    NO_SIGNATURE = "no_signature"
    UNREADABLE = "unreadable"  # not a file of the claimed kind; nothing was checked


class Problem(enum.StrEnum):
    """Why a document or a signature did not come out ``valid`` (stable codes for storage)."""

    # the document (status unreadable)
    NOT_PDF = "not_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    NOT_XML = "not_xml"
    XML_DTD_REFUSED = "xml_dtd_refused"
    DETACHED_SIGNATURE = "detached_signature"
    # a signature (status invalid)
    MODIFIED = "modified"
    SIGNATURE_MISMATCH = "signature_mismatch"
    PARTIAL_COVERAGE = "partial_coverage"
    FORBIDDEN_CHANGES = "forbidden_changes"
    MALFORMED_SIGNATURE = "malformed_signature"
    NO_CERTIFICATE = "no_certificate"
    WEAK_ALGORITHM = "weak_algorithm"
    REVOKED = "revoked"
    TIMESTAMP_INVALID = "timestamp_invalid"
    # a signature (status untrusted)
    UNTRUSTED_ISSUER = "untrusted_issuer"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_NOT_YET_VALID = "certificate_not_yet_valid"
    CERTIFICATE_USAGE = "certificate_usage"
    UNTRUSTED_TIMESTAMP = "untrusted_timestamp"
    TRUST_UNDETERMINED = "trust_undetermined"


# Problems that make a signature invalid; any other problem leaves it untrusted.
INVALIDATING = frozenset(
    {
        Problem.MODIFIED,
        Problem.SIGNATURE_MISMATCH,
        Problem.PARTIAL_COVERAGE,
        Problem.FORBIDDEN_CHANGES,
        Problem.MALFORMED_SIGNATURE,
        Problem.NO_CERTIFICATE,
        Problem.WEAK_ALGORITHM,
        Problem.REVOKED,
        Problem.TIMESTAMP_INVALID,
    }
)


def status_of(problem: Problem | None) -> Status:
    """The status a signature gets for its (first) problem."""
    if problem is None:
        return Status.VALID
    return Status.INVALID if problem in INVALIDATING else Status.UNTRUSTED


class LaterChanges(enum.StrEnum):
    """What was appended to a PDF after a signature (PDF only: XML has no incremental updates)."""

    NONE = "none"
    ALLOWED = "allowed"  # further signatures, form filling, validation data
    FORBIDDEN = "forbidden"  # anything else: content may differ from what was signed
    UNKNOWN = "unknown"


def _reason(problem: Problem) -> str:
    """The clause that ends "is not valid: …" or "is not trusted: …"."""
    reasons = {
        Problem.MODIFIED: _("the document was changed after signing"),
        Problem.SIGNATURE_MISMATCH: _("the signature does not match the signed data"),
        Problem.PARTIAL_COVERAGE: _("the signature covers only part of the document"),
        Problem.FORBIDDEN_CHANGES: _(
            "the document was changed after signing in a way the signature does not allow"
        ),
        Problem.MALFORMED_SIGNATURE: _("the signature is damaged or has an unsupported structure"),
        Problem.NO_CERTIFICATE: _("the signature does not include the signer's certificate"),
        Problem.WEAK_ALGORITHM: _("it uses an algorithm that is no longer accepted"),
        Problem.REVOKED: _("the certificate has been revoked"),
        Problem.TIMESTAMP_INVALID: _("its time-stamp is not valid"),
        Problem.UNTRUSTED_ISSUER: _("it was not issued by a trusted certification authority"),
        Problem.CERTIFICATE_EXPIRED: _("it has expired"),
        Problem.CERTIFICATE_NOT_YET_VALID: _("it is not valid yet"),
        Problem.CERTIFICATE_USAGE: _("it is not meant for signing documents"),
        Problem.UNTRUSTED_TIMESTAMP: _("its time-stamp comes from an untrusted authority"),
        Problem.TRUST_UNDETERMINED: _("its validity could not be established"),
    }
    return reasons.get(problem, _("its validity could not be established"))


def _document_message(problem: Problem | None) -> str:
    messages = {
        Problem.NOT_PDF: _(
            "The file is not a readable PDF document; its signatures cannot be checked."
        ),
        Problem.ENCRYPTED_PDF: _(
            "The PDF document is encrypted; its signatures cannot be checked."
        ),
        Problem.NOT_XML: _(
            "The file is not a well-formed XML document; its signatures cannot be checked."
        ),
        Problem.XML_DTD_REFUSED: _(
            "The XML document declares a DTD or entities, which are refused for security "
            "reasons; its signatures were not checked."
        ),
        Problem.DETACHED_SIGNATURE: _(
            "This is a detached signature: it can be checked only together with the signed "
            "file, which is not supported yet."
        ),
    }
    fallback = _("The file cannot be read; its signatures cannot be checked.")
    return messages.get(problem, fallback) if problem else fallback


def _display_time(moment: dt.datetime) -> str:
    """Local time of the office (Europe/Warsaw), to the minute, as officials write it."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a document.

    ``signing_time`` is the time stated by the signer unless ``timestamped``:
    only a time-stamp from a trusted authority proves when the document was
    signed. ``covers_whole_document`` is false for a PDF signature followed by
    later revisions (see ``later_changes``) or an XML signature over a part.
    """

    status: Status
    problem: Problem | None
    signature_format: str  # e.g. "XAdES-BES", "PAdES-B-B"
    signer_name: str | None = None  # common name, else organisation
    signer_subject: str | None = None  # RFC 4514
    signer_teryt: str | None = None
    issuer_subject: str | None = None
    signing_time: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    covers_whole_document: bool = False
    later_changes: LaterChanges | None = None
    trusted: bool = False
    detail: str = ""  # technical detail in English, for logs and administrators

    def __post_init__(self) -> None:
        # Stored in UTC whatever zone the signer's clock wrote (a PDF's /M is
        # often local time); shown in the office's zone by ``summary``.
        if self.signing_time is not None:
            moment = self.signing_time
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            object.__setattr__(self, "signing_time", moment.astimezone(dt.UTC))

    @property
    def summary(self) -> str:
        """One sentence for the official, in the active language."""
        signer = self.signer_name or _("an unknown signer")
        if self.status == Status.VALID:
            if self.signing_time is None:
                return _("Signature verified: %(signer)s.") % {"signer": signer}
            values = {"signer": signer, "time": _display_time(self.signing_time)}
            if self.timestamped:
                return _("Signature verified: %(signer)s, time-stamped %(time)s.") % values
            return _("Signature verified: %(signer)s, signed %(time)s.") % values
        reason = _reason(self.problem or Problem.TRUST_UNDETERMINED)
        if self.status == Status.UNTRUSTED:
            return _(
                "The signature of %(signer)s is intact, but its certificate is not trusted: "
                "%(reason)s."
            ) % {"signer": signer, "reason": reason}
        return _("The signature of %(signer)s is not valid: %(reason)s.") % {
            "signer": signer,
            "reason": reason,
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready facts (no sentences: they are made in the reader's language)."""
        return {
            "status": str(self.status),
            "problem": str(self.problem) if self.problem else None,
            "signature_format": self.signature_format,
            "signer_name": self.signer_name,
            "signer_subject": self.signer_subject,
            "signer_teryt": self.signer_teryt,
            "issuer_subject": self.issuer_subject,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamped": self.timestamped,
            "intact": self.intact,
            "covers_whole_document": self.covers_whole_document,
            "later_changes": str(self.later_changes) if self.later_changes else None,
            "trusted": self.trusted,
            "detail": self.detail,
        }


_SEVERITY = {Status.INVALID: 2, Status.UNTRUSTED: 1, Status.VALID: 0}


@dataclass(frozen=True)
class VerificationResult:
    """The outcome for a whole document: the worst of its signatures decides the status."""

    status: Status
    document_format: str | None  # "pdf", "xml", or None when not checked
    signatures: tuple[SignatureReport, ...] = ()
    problem: Problem | None = None  # set for ``unreadable``
    detail: str = ""

    @classmethod
    def of_signatures(
        cls, document_format: str, signatures: list[SignatureReport]
    ) -> VerificationResult:
        if not signatures:
            return cls(Status.NO_SIGNATURE, document_format)
        worst = max((report.status for report in signatures), key=lambda s: _SEVERITY[s])
        return cls(worst, document_format, tuple(signatures))

    @classmethod
    def unreadable(
        cls, document_format: str | None, problem: Problem, detail: str = ""
    ) -> VerificationResult:
        return cls(Status.UNREADABLE, document_format, problem=problem, detail=detail)

    @property
    def summary(self) -> str:
        """What the official sees next to the document, in the active language."""
        if self.status == Status.UNREADABLE:
            return _document_message(self.problem)
        if not self.signatures:
            return _("The document carries no electronic signature.")
        if len(self.signatures) == 1:
            return self.signatures[0].summary
        count = len(self.signatures)
        heading = ngettext(
            "The document carries %(count)d signature.",
            "The document carries %(count)d signatures.",
            count,
        ) % {"count": count}
        return " ".join([heading, *(report.summary for report in self.signatures)])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready facts for storing next to a document."""
        return {
            "status": str(self.status),
            "document_format": self.document_format,
            "problem": str(self.problem) if self.problem else None,
            "detail": self.detail,
            "signatures": [report.as_dict() for report in self.signatures],
        }
