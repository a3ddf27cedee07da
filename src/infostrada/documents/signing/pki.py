"""Keys and certificates for electronic seals of offices, and a demo certification authority.

A real office seals with a qualified certificate bought from a trust service
provider; the demo region and the tests need the same shapes without one, so
``make_demo_ca`` plays the provider. Key storage is left to the caller: the
classes serialise to PEM (certificates public, key optionally encrypted) and
to password-protected PKCS#12.

Keys are EC P-256 by default: 128-bit security like RSA-3072 (ETSI TS 119 312
accepts both for seals), generated in well under a millisecond instead of
a few hundred (the demo seeds a certificate per unit, the tests dozens), and
small signatures in every XML and PDF. RSA-3072 is available for verifiers
that still lack ECDSA.

Where the TERC code goes: the subject's ``serialNumber`` attribute, as
``TERC:<code>``. X.520 defines serialNumber as the identifier that tells
apart subjects with the same name, which is exactly the case of Polish gminy
(there are several "Gmina Dobra"). organizationIdentifier is not used for it
because ETSI EN 319 412-1 reserves its syntax for registered schemes
(``VATPL-<NIP>`` in real Polish seals), and OU carries department names.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _

from infostrada.tenancy.teryt import parse_terc

from .results import SignatureError

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
TrustedCertificates = Iterable[x509.Certificate | bytes | str] | x509.Certificate | bytes | str

TERC_PREFIX = "TERC:"
CA_VALIDITY = dt.timedelta(days=3653)  # ten years, leap days included
CLOCK_SKEW = dt.timedelta(minutes=5)  # certificates are valid a little before "now"
PKCS12_KDF_ROUNDS = 100_000


class KeyType(enum.StrEnum):
    EC_P256 = "ec-p256"
    RSA_3072 = "rsa-3072"


def _new_key(key_type: KeyType) -> PrivateKey:
    if key_type == KeyType.RSA_3072:
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return ec.generate_private_key(ec.SECP256R1())


def _public_der(key: PrivateKey | x509.Certificate) -> bytes:
    public = key.public_key()
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True, eq=False)
class KeyAndCertificate:
    """A private key, its certificate and the CA certificates to embed in signatures."""

    private_key: PrivateKey = field(repr=False)
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    def __post_init__(self) -> None:
        # A key stored next to the wrong certificate would produce signatures
        # that no one can verify; better to fail when the pair is loaded.
        if not isinstance(self.private_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise SignatureError(_("Only RSA and elliptic-curve keys are supported."))
        if _public_der(self.private_key) != _public_der(self.certificate):
            raise SignatureError(_("The private key does not belong to the certificate."))

    @property
    def all_certificates(self) -> list[x509.Certificate]:
        return [self.certificate, *self.chain]

    def private_key_pem(self, password: bytes | None) -> bytes:
        """PKCS#8 PEM, encrypted with the best algorithm available when a password is given."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def certificates_pem(self) -> bytes:
        """The certificate followed by its chain: public, may be shown and published."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in self.all_certificates)

    @classmethod
    def from_pem(
        cls, private_key_pem: bytes, certificates_pem: bytes, *, password: bytes | None = None
    ) -> Self:
        """Load what ``private_key_pem`` and ``certificates_pem`` wrote (in any order of certs)."""
        try:
            key = serialization.load_pem_private_key(private_key_pem, password=password)
            certificates = x509.load_pem_x509_certificates(certificates_pem)
        except (ValueError, TypeError) as exc:
            raise SignatureError(
                _("The key or certificate cannot be read: wrong password or damaged data.")
            ) from exc
        return cls._from_parts(key, certificates)

    def to_pkcs12(self, password: bytes, *, friendly_name: str | None = None) -> bytes:
        """Password-protected PKCS#12 (AES-256, PBKDF2-SHA256) for storage and for other tools."""
        if not password:
            raise SignatureError(_("A PKCS#12 file must be protected by a password."))
        encryption = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(PKCS12_KDF_ROUNDS)
            .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
            .hmac_hash(hashes.SHA256())
            .build(password)
        )
        name = (friendly_name or _common_name(self.certificate) or "seal").encode()
        return pkcs12.serialize_key_and_certificates(
            name, self.private_key, self.certificate, list(self.chain) or None, encryption
        )

    @classmethod
    def from_pkcs12(cls, data: bytes, password: bytes) -> Self:
        try:
            key, certificate, additional = pkcs12.load_key_and_certificates(data, password)
        except (ValueError, TypeError) as exc:
            raise SignatureError(
                _("The PKCS#12 file cannot be opened: wrong password or damaged data.")
            ) from exc
        if key is None or certificate is None:
            raise SignatureError(_("The PKCS#12 file holds no key with its certificate."))
        return cls._from_parts(key, [certificate, *additional])

    @classmethod
    def _from_parts(cls, key: object, certificates: list[x509.Certificate]) -> Self:
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise SignatureError(_("Only RSA and elliptic-curve keys are supported."))
        own = [c for c in certificates if _public_der(c) == _public_der(key)]
        if not own:
            raise SignatureError(_("The private key does not belong to the certificate."))
        chain = tuple(c for c in certificates if c is not own[0])
        return cls(private_key=key, certificate=own[0], chain=chain)


@dataclass(frozen=True, eq=False)
class CertificateAuthority(KeyAndCertificate):
    """A root CA that issues seal certificates (demo and tests; real seals come from a QTSP)."""


def make_demo_ca(name: str, *, key_type: KeyType = KeyType.EC_P256) -> CertificateAuthority:
    """A self-signed root valid for ten years, which may issue end-entity certificates only."""
    key = _new_key(key_type)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _checked_name(name)),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(private_key=key, certificate=certificate)


def issue_seal_certificate(
    ca: CertificateAuthority,
    *,
    organisation: str,
    unit_teryt: str | None,
    valid_days: int = 730,
    key_type: KeyType = KeyType.EC_P256,
) -> KeyAndCertificate:
    """A new key and an electronic-seal certificate for an office (O = CN = its name, C = PL).

    Key usage is digitalSignature + nonRepudiation (contentCommitment), as
    ETSI EN 319 412-2 expects of a certificate that seals documents; verifiers
    (pyHanko's default too) require nonRepudiation. No extended key usage: an
    EKU would restrict the certificate to the purposes it lists, and seals
    carry none. The certificate never outlives its CA.
    """
    if valid_days < 1:
        raise ValueError("valid_days must be at least 1")
    # Partners have no TERC (None, or "" from a blank form field).
    terc = parse_terc(unit_teryt).code if unit_teryt and unit_teryt.strip() else None
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _checked_name(organisation)),
    ]
    if terc:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, TERC_PREFIX + terc))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, organisation))

    key = _new_key(key_type)
    now = dt.datetime.now(dt.UTC)
    not_after = min(now + dt.timedelta(days=valid_days), ca.certificate.not_valid_after_utc)
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca.private_key, hashes.SHA256())
    )
    return KeyAndCertificate(private_key=key, certificate=certificate, chain=(ca.certificate,))


def _checked_name(name: str) -> str:
    # X.520 bounds organizationName and commonName to 64 characters; a longer
    # office name must be shortened by a person, not cut here.
    if not name or not name.strip() or len(name) > 64:
        raise ValueError("the organisation name must have 1 to 64 characters")
    return name


def _common_name(certificate: x509.Certificate) -> str | None:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def signer_name(certificate: x509.Certificate) -> str:
    """The name an official recognises: the common name, else the organisation, else the DN."""
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        names = certificate.subject.get_attributes_for_oid(oid)
        if names:
            return str(names[0].value)
    return certificate.subject.rfc4514_string()


def seal_teryt(certificate: x509.Certificate) -> str | None:
    """The TERC code that ``issue_seal_certificate`` put in the subject, if any."""
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = str(attribute.value)
        if value.startswith(TERC_PREFIX):
            return value.removeprefix(TERC_PREFIX)
    return None


def load_certificates(trusted: TrustedCertificates) -> list[x509.Certificate]:
    """Trust anchors from certificates, PEM (one or a bundle) or DER.

    Configuration, not user input: a value that is not a certificate raises
    ``ValueError``. An empty list trusts nothing (never the system's TLS store).
    """
    items = [trusted] if isinstance(trusted, x509.Certificate | bytes | str) else list(trusted)
    certificates: list[x509.Certificate] = []
    for item in items:
        if isinstance(item, x509.Certificate):
            certificates.append(item)
        elif isinstance(item, str):
            certificates.extend(x509.load_pem_x509_certificates(item.encode()))
        elif item.lstrip().startswith(b"-----BEGIN"):
            certificates.extend(x509.load_pem_x509_certificates(item))
        else:
            certificates.append(x509.load_der_x509_certificate(item))
    return certificates
