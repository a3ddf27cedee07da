"""XAdES signatures of XML documents (signxml), parsed as untrusted input.

Signing produces an enveloped XAdES-BES signature: a ``ds:Signature`` as the
last child of the root, over the whole document (``URI=""``), with the
signing time and the certificate digest as signed properties.

Verification accepts enveloped signatures (children of the root) and
enveloping ones (the root is a ``ds:Signature`` holding the content in a
``ds:Object``), XAdES or plain XMLDSig. A detached ``.xades`` needs the signed
file as well and is reported ``unreadable`` with its own problem code. A
signature counts only if it covers the whole document: a reference to one
element, or an unknown transform that could filter content out, makes it
``invalid`` (the defence against signature wrapping). Signatures nested
deeper belong to embedded content and are not examined. SHA-1 is refused.

signxml checks the cryptography with the certificate found in the
signature; whether that certificate is trusted is decided by ``trust`` with
the same rules as for PDF. XAdES time-stamps (XAdES-T) are not evaluated
yet: the signing time reported is the one the signer claims.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext as _
from lxml import etree
from pyhanko_certvalidator import ValidationContext
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    InvalidDigest,
    InvalidInput,
    InvalidSignature,
    SignatureConfiguration,
    SignatureMethod,
    XMLVerifier,
)
from signxml.exceptions import SignXMLException
from signxml.xades import (
    XAdESDataObjectFormat,
    XAdESSignatureConfiguration,
    XAdESSigner,
    XAdESVerifier,
    XAdESVerifyResult,
)

from . import trust
from .pki import KeyAndCertificate, TrustedCertificates, load_certificates, seal_teryt, signer_name
from .results import (
    Problem,
    SignatureError,
    SignatureReport,
    UnsafeXmlError,
    VerificationResult,
    status_of,
)

logger = logging.getLogger(__name__)

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"ds": DS, "xades": XADES}
DS_SIGNATURE = f"{{{DS}}}Signature"
DS_OBJECT = f"{{{DS}}}Object"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
# Transforms that cannot leave part of the referenced content unsigned.
SAFE_TRANSFORMS = frozenset({ENVELOPED, *(m.value for m in CanonicalizationMethod)})
ID_ATTRIBUTES = ("Id", "ID", "id")


def hardened_parser() -> etree.XMLParser:
    """A new parser per document (lxml parsers must not be shared between threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def parse_xml_safely(data: bytes) -> etree._Element:
    """Parse untrusted XML with entities, DTD loading and network off; then refuse any DTD.

    The parser never expands an entity nor fetches anything, so a DOCTYPE is
    harmless while parsing; it is refused afterwards (``UnsafeXmlError``)
    because no document exchanged by Polish offices needs one, and anything
    downstream that parsed the same bytes less carefully would be exposed.
    Malformed XML raises ``SignatureError``.
    """
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SignatureError(_("The file is not a well-formed XML document.")) from exc
    docinfo = root.getroottree().docinfo
    has_dtd = docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None
    if has_dtd or any(True for _entity in root.iter(etree.Entity)):
        raise UnsafeXmlError(
            _("XML documents that declare a DTD or entities are refused for security reasons.")
        )
    return root


def sign_xml(xml: bytes, signer: KeyAndCertificate) -> bytes:
    """Seal an XML document with an enveloped XAdES-BES signature.

    A document that already carries a signature is refused: a second enveloped
    signature would sign the first one too and make the first one fail in
    every verifier. What surrounds the root (an ``xml-stylesheet`` instruction
    that renders an ePUAP form, comments) is kept; the output is UTF-8.
    """
    root = parse_xml_safely(xml)
    if root.tag == DS_SIGNATURE or root.find("ds:Signature", NS) is not None:
        raise SignatureError(
            _("The XML document is already signed; adding another signature is not supported.")
        )
    algorithm = (
        SignatureMethod.ECDSA_SHA256
        if isinstance(signer.private_key, ec.EllipticCurvePrivateKey)
        else SignatureMethod.RSA_SHA256
    )
    xades = XAdESSigner(
        signature_algorithm=algorithm,
        digest_algorithm=DigestAlgorithm.SHA256,
        data_object_format=XAdESDataObjectFormat(
            Description="Dokument elektroniczny", MimeType="text/xml"
        ),
    )
    try:
        signed = xades.sign(root, key=signer.private_key, cert=signer.all_certificates)
    except (SignXMLException, ValueError) as exc:
        raise SignatureError(_("The XML document could not be signed.")) from exc
    # signxml returns a copy of the root element alone; the signature goes
    # back into the original tree so that the prolog survives.
    root.append(signed.find("ds:Signature", NS))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def verify_xml(xml: bytes, trusted: TrustedCertificates) -> VerificationResult:
    """Check every signature of an XML document against the trusted roots."""
    roots = load_certificates(trusted)
    try:
        root = parse_xml_safely(xml)
    except UnsafeXmlError:
        return VerificationResult.unreadable("xml", Problem.XML_DTD_REFUSED)
    except SignatureError as exc:
        return VerificationResult.unreadable("xml", Problem.NOT_XML, str(exc.__cause__ or ""))
    if root.tag == DS_SIGNATURE:
        # enveloping (content inside, "#id" references) or detached (a file name)
        if any(not (r.get("URI") or "").startswith("#") for r in _data_references(root)):
            return VerificationResult.unreadable("xml", Problem.DETACHED_SIGNATURE)
        signatures = [root]
    else:
        signatures = root.findall("ds:Signature", NS)
    context = trust.validation_context(roots)
    reports = [
        _verify_signature(xml, root, signature, index, context)
        for index, signature in enumerate(signatures)
    ]
    return VerificationResult.of_signatures("xml", reports)


class _IndexedSignature:
    """Make signxml check the n-th signature child of the root, not always the first."""

    signature_index = 0

    def _get_signature(self, root: etree._Element) -> etree._Element:
        if root.tag == DS_SIGNATURE:
            return root
        return root.findall("ds:Signature", NS)[self.signature_index]


class _XAdESVerifier(_IndexedSignature, XAdESVerifier):
    pass


class _XMLDSigVerifier(_IndexedSignature, XMLVerifier):
    pass


def _verify_signature(
    xml: bytes,
    root: etree._Element,
    signature: etree._Element,
    index: int,
    context: ValidationContext,
) -> SignatureReport:
    is_xades = signature.find("ds:Object/xades:QualifyingProperties", NS) is not None
    signature_format = "XAdES-BES" if is_xades else "XMLDSig"
    try:
        certificates = _embedded_certificates(signature)
    except ValueError as exc:
        return _failed(signature_format, Problem.MALFORMED_SIGNATURE, str(exc))
    if not certificates:
        return _failed(signature_format, Problem.NO_CERTIFICATE)
    certificate = _signing_certificate(certificates)
    facts: dict[str, Any] = {
        "signer_name": signer_name(certificate),
        "signer_subject": certificate.subject.rfc4514_string(),
        "signer_teryt": seal_teryt(certificate),
        "issuer_subject": certificate.issuer.rfc4514_string(),
    }

    # signxml rejects a certificate outside its validity period before it
    # checks anything; trust (including validity) is decided below, so it is
    # asked at a moment when the certificate is valid.
    moment = min(
        max(dt.datetime.now(dt.UTC), certificate.not_valid_before_utc),
        certificate.not_valid_after_utc,
    )
    verifier: _XAdESVerifier | _XMLDSigVerifier
    if is_xades:
        verifier = _XAdESVerifier()
        config: SignatureConfiguration = XAdESSignatureConfiguration(
            expect_references=True, verification_time=moment
        )
    else:
        verifier = _XMLDSigVerifier()
        config = SignatureConfiguration(expect_references=True, verification_time=moment)
    verifier.signature_index = index
    try:
        results = verifier.verify(
            xml, x509_cert=certificate, parser=hardened_parser(), expect_config=config
        )
    except InvalidDigest as exc:
        # A reference digest covers the document, the signed properties or the
        # certificate element: any mismatch means the signed content changed.
        problem = (
            Problem.SIGNATURE_MISMATCH if "certificate digest" in str(exc) else Problem.MODIFIED
        )
        return _failed(signature_format, problem, str(exc), **facts)
    except InvalidSignature as exc:
        return _failed(signature_format, Problem.SIGNATURE_MISMATCH, str(exc), **facts)
    except InvalidInput as exc:
        weak = "forbidden by configuration" in str(exc)
        problem = Problem.WEAK_ALGORITHM if weak else Problem.MALFORMED_SIGNATURE
        return _failed(signature_format, problem, str(exc), **facts)
    except (SignXMLException, ValueError, etree.LxmlError) as exc:
        return _failed(signature_format, Problem.MALFORMED_SIGNATURE, str(exc), **facts)

    if not _covers_whole_document(root, signature):
        detail = "no reference covers the whole document with safe transforms"
        return _failed(signature_format, Problem.PARTIAL_COVERAGE, detail, intact=True, **facts)
    signing_time = _claimed_signing_time(results)
    intermediates = [c for c in certificates if c is not certificate]
    problem, detail = trust.run(trust.certificate_problem(certificate, intermediates, context))
    return SignatureReport(
        status=status_of(problem),
        problem=problem,
        signature_format=signature_format,
        signing_time=signing_time,
        intact=True,
        covers_whole_document=True,
        trusted=problem is None,
        detail=detail,
        **facts,
    )


def _failed(
    signature_format: str,
    problem: Problem,
    detail: str = "",
    *,
    intact: bool = False,
    **facts: Any,
) -> SignatureReport:
    return SignatureReport(
        status=status_of(problem),
        problem=problem,
        signature_format=signature_format,
        intact=intact,
        detail=detail,
        **facts,
    )


def _embedded_certificates(signature: etree._Element) -> list[x509.Certificate]:
    certificates = []
    for node in signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
        try:
            der = base64.b64decode("".join((node.text or "").split()), validate=True)
            certificates.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError) as exc:
            raise ValueError("an X509Certificate element is not a certificate") from exc
    return certificates


def _signing_certificate(certificates: list[x509.Certificate]) -> x509.Certificate:
    """The end-entity certificate: X509Data may carry the chain, in any order."""
    for certificate in certificates:
        try:
            constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        except x509.ExtensionNotFound:
            return certificate
        if not constraints.value.ca:
            return certificate
    return certificates[0]


def _data_references(signature: etree._Element) -> list[etree._Element]:
    """References to signed content, leaving out XAdES signed properties and KeyInfo."""
    key_info = signature.find("ds:KeyInfo", NS)
    key_info_ids = (
        {key_info.get(a) for a in ID_ATTRIBUTES} - {None} if key_info is not None else set()
    )
    references = []
    for reference in signature.findall("ds:SignedInfo/ds:Reference", NS):
        uri = reference.get("URI")
        if reference.get("Type") == SIGNED_PROPERTIES_TYPE:
            continue
        if uri and uri.startswith("#") and uri[1:] in key_info_ids:
            continue
        references.append(reference)
    return references


def _covers_whole_document(root: etree._Element, signature: etree._Element) -> bool:
    """True when some data reference signs everything a reader of the document sees."""
    for reference in _data_references(signature):
        transforms = {
            t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)
        }
        if not transforms <= SAFE_TRANSFORMS:
            continue
        uri = reference.get("URI")
        if root.tag == DS_SIGNATURE:
            # enveloping: the content is a ds:Object of the signature itself
            target = uri[1:] if uri and uri.startswith("#") else None
            objects = [o for o in root.findall("ds:Object", NS) if _has_id(o, target)]
            if target and len(objects) == 1 and len(_elements_with_id(root, target)) == 1:
                return True
        elif ENVELOPED in transforms and (
            uri == "" or (uri and uri.startswith("#") and _has_id(root, uri[1:]))
        ):
            return True
    return False


def _has_id(element: etree._Element, value: str | None) -> bool:
    return value is not None and any(element.get(a) == value for a in ID_ATTRIBUTES)


def _elements_with_id(root: etree._Element, value: str) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and _has_id(e, value)]


def _claimed_signing_time(results: Any) -> dt.datetime | None:
    """SigningTime from the verified signed properties (never from the unverified tree)."""
    for result in results if isinstance(results, list) else [results]:
        if isinstance(result, XAdESVerifyResult):
            node = result.signed_properties.find("xades:SigningTime", NS)
            if node is None or not node.text:
                return None
            try:
                moment = dt.datetime.fromisoformat(node.text.strip())
            except ValueError:
                return None
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return None
