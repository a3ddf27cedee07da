"""The unit's electronic seal and the installation's trust anchors.

The seal's key and certificate are stored as a password-protected PKCS#12 in
the database (SealCertificate). The password comes from
``INFOSTRADA_SEAL_PASSWORD`` or, if that is empty, is derived from the secret
key: changing the secret key then makes stored seals unreadable, which is why
production sets its own seal password (or keeps the seal in an HSM).
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import DOC_ORGANISE
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents.models import Document, SealCertificate, TrustAnchor
from infostrada.documents.signing import (
    KeyAndCertificate,
    SignatureError,
    Status,
    detect_and_verify,
    issue_seal_certificate,
    make_demo_ca,
    sign_pdf,
)
from infostrada.tenancy.models import Unit


def _password() -> bytes:
    return seal_password_for(settings.SECRET_KEY, getattr(settings, "SEAL_PASSWORD", ""))


def seal_password_for(secret_key: str, configured: str) -> bytes:
    """The password of the stored seals, given the installation's secrets.

    Public so that ``infostrada restore`` can check, before it writes anything,
    that the secrets it has open the seals of the backup.
    """
    if configured:
        return configured.encode()
    return hmac.new(secret_key.encode(), b"infostrada seal", hashlib.sha256).hexdigest().encode()


def install_seal(
    *, actor: Actor, unit: Unit, signer: KeyAndCertificate, label: str
) -> SealCertificate:
    """Make a key and certificate the unit's active seal (the previous one is retired)."""
    ensure_can(actor, DOC_ORGANISE, unit)
    certificate = signer.certificate
    if certificate.not_valid_after_utc <= timezone.now():
        raise ValidationError(_("The certificate has expired."))
    with transaction.atomic():
        SealCertificate.objects.for_unit(unit).filter(is_active=True).update(is_active=False)
        seal = SealCertificate.objects.create(
            unit=unit,
            label=label[:200],
            certificate_pem=signer.certificates_pem().decode(),
            pkcs12=signer.to_pkcs12(_password()),
            subject=certificate.subject.rfc4514_string()[:500],
            not_after=certificate.not_valid_after_utc,
        )
        audit.record(
            actor,
            unit,
            "documents.seal.installed",
            seal,
            changes={"subject": seal.subject, "not_after": seal.not_after.isoformat()},
        )
    return seal


def unit_signer(unit: Unit) -> KeyAndCertificate:
    seal = SealCertificate.objects.for_unit(unit).filter(is_active=True).order_by("-pk").first()
    if seal is None:
        raise ValidationError(
            _("The unit has no electronic seal yet: its administrator installs one first.")
        )
    return KeyAndCertificate.from_pkcs12(bytes(seal.pkcs12), _password())


def seal_pdf(unit: Unit, pdf: bytes, *, reason: str, signer_name: str) -> bytes:
    """Seal a PDF with the unit's certificate (PAdES)."""
    try:
        return sign_pdf(
            pdf,
            unit_signer(unit),
            reason=reason[:200],
            location=unit.official_name,
            name=unit.official_name,
        )
    except SignatureError as exc:
        raise ValidationError(str(exc)) from exc


def trusted_roots() -> list[str]:
    """PEMs of the installation's trust anchors (read per call; few rows)."""
    return list(TrustAnchor.objects.values_list("certificate_pem", flat=True))


def verify_signatures(data: bytes, mime: str) -> tuple[str, str]:
    """(status, summary) of the electronic signatures in a file, for an official to read."""
    result = detect_and_verify(data, mime, trusted_roots())
    status = {
        Status.VALID: Document.SignatureStatus.VALID,
        Status.INVALID: Document.SignatureStatus.INVALID,
        Status.UNTRUSTED: Document.SignatureStatus.UNTRUSTED,
        Status.NO_SIGNATURE: Document.SignatureStatus.NO_SIGNATURE,
        Status.UNREADABLE: Document.SignatureStatus.UNREADABLE,
    }[result.status]
    return status, result.summary


def add_trust_anchor(pem: str, label: str) -> TrustAnchor:
    certificate = x509.load_pem_x509_certificate(pem.encode())
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    anchor, _created = TrustAnchor.objects.get_or_create(
        fingerprint=fingerprint, defaults={"certificate_pem": pem, "label": label[:200]}
    )
    return anchor


def ensure_demo_seals(units: list[Unit], actor: Actor) -> None:
    """A demo CA (trusted by this installation) and a seal for each unit without one."""
    missing = [
        u for u in units if not SealCertificate.objects.for_unit(u).filter(is_active=True).exists()
    ]
    if not missing:
        return
    ca = make_demo_ca("Infostrada Demo CA")
    add_trust_anchor(
        ca.certificate.public_bytes(serialization.Encoding.PEM).decode(),
        "Infostrada Demo CA (demo installation only)",
    )
    for unit in missing:
        signer = issue_seal_certificate(
            ca, organisation=unit.official_name[:64], unit_teryt=unit.teryt
        )
        install_seal(
            actor=actor,
            unit=unit,
            signer=signer,
            label=_("Demo seal of %(unit)s") % {"unit": unit.official_name},
        )
