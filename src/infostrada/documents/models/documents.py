"""Documents with the metadata the law requires, their versions and approval.

Metadata: Rozporządzenie MSWiA z dnia 30 października 2006 r. w sprawie
niezbędnych elementów struktury dokumentów elektronicznych (Dz.U. 2006 nr 206
poz. 1517). Its seven mandatory elements map to fields as follows:
identyfikator → ``identifier``; twórca → ``creator_name``/``creator_kind``;
tytuł → ``title``; data → ``created_at`` (plus received/sent/signed dates when
they happen); format → the current version's ``mime``; dostęp → ``access``
(with ``access_grounds``); typ → ``dc_type`` and ``kind``. The optional ones:
odbiorca → ``recipient_name``; grupowanie → the case signature or the register
number; relacja → ``in_reply_to`` and the item/case links; kwalifikacja → the
case's archival category; język → ``language``; opis → ``description``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.tenancy.scoping import TenantManager


class Document(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "incoming", _("incoming")
        OUTGOING = "outgoing", _("outgoing")
        INTERNAL = "internal", _("internal")

    class Kind(models.TextChoices):
        LETTER = "letter", _("letter")
        APPLICATION = "application", _("application")
        DECISION = "decision", _("administrative decision")
        RULING = "ruling", _("ruling (postanowienie)")
        CERTIFICATE = "certificate", _("certificate (zaświadczenie)")
        NOTE = "note", _("official note")
        SCAN = "scan", _("scan of a paper document")
        ATTACHMENT = "attachment", _("attachment")
        RECEIPT = "receipt", _("receipt (UPO)")
        DELIVERY_EVIDENCE = "delivery_evidence", _("delivery evidence (UPD)")
        EXTRACT = "extract", _("extract (wypis i wyrys)")

    class DcType(models.TextChoices):
        """DCMI type vocabulary, as the 2006 regulation's 'typ' element uses it."""

        TEXT = "Text", _("text")
        IMAGE = "StillImage", _("image")
        DATASET = "Dataset", _("dataset")
        COLLECTION = "Collection", _("collection")

    class Access(models.TextChoices):
        PUBLIC = "public", _("public")
        RESTRICTED = "restricted", _("restricted")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        DRAFT = "draft", _("draft")
        IN_APPROVAL = "in_approval", _("waiting for approval")
        APPROVED = "approved", _("approved")
        SIGNED = "signed", _("signed")
        DISPATCHED = "dispatched", _("dispatched")
        WITHDRAWN = "withdrawn", _("withdrawn draft")

    class SignatureStatus(models.TextChoices):
        NOT_CHECKED = "", _("not checked")
        VALID = "valid", _("valid signature")
        INVALID = "invalid", _("invalid signature")
        UNTRUSTED = "untrusted", _("signature of an unknown certificate")
        NO_SIGNATURE = "no_signature", _("not signed electronically")
        UNREADABLE = "unreadable", _("could not be read")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="documents")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "documents.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    position = models.PositiveIntegerField(_("position in the case file"), null=True, blank=True)
    incoming_item = models.ForeignKey(
        "documents.IncomingItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices)
    dc_type = models.CharField(
        _("type"), max_length=12, choices=DcType.choices, default=DcType.TEXT
    )
    title = models.CharField(_("title"), max_length=500)
    creator_name = models.CharField(_("creator"), max_length=300)
    creator_kind = models.CharField(_("creator is"), max_length=16, default="institution")
    recipient_name = models.CharField(_("recipient"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    received_on = models.DateField(_("received"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    access = models.CharField(
        _("access"), max_length=12, choices=Access.choices, default=Access.RESTRICTED
    )
    access_grounds = models.CharField(_("grounds of restricted access"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=3, default="pol")
    description = models.TextField(_("description"), blank=True, max_length=4000)
    in_reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    template = models.ForeignKey(
        "documents.DocumentTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signature_status = models.CharField(
        _("electronic signature"),
        max_length=12,
        choices=SignatureStatus.choices,
        default=SignatureStatus.NOT_CHECKED,
        blank=True,
    )
    signature_summary = models.CharField(max_length=500, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["case_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "position"],
                condition=models.Q(case__isnull=False),
                name="document_position_in_case",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="document_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def identifier(self) -> str:
        """Identyfikator: stable, unique across the installation, never reused."""
        return f"urn:uuid:{self.uid}"


def _version_path(instance: DocumentVersion, filename: str) -> str:
    # Content-addressed names under the unit: no user-chosen path reaches the disk.
    return f"documents/{instance.unit_id}/{instance.sha256[:2]}/{instance.sha256}"


class DocumentVersion(models.Model):
    """The bytes of one version of a document (a scan, a draft, the signed PDF)."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=_version_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    mime = models.CharField(_("format"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField(_("text of the draft"), blank=True, max_length=100_000)
    text = models.TextField(blank=True)  # extracted for full-text search
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class ApprovalStep(models.Model):
    """One approver on a draft's approval path (akceptacja), in order."""

    class Decision(models.TextChoices):
        WAITING = "waiting", _("not yet its turn")
        PENDING = "pending", _("waiting for decision")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned for correction")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="approvals")
    position = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField(default=1)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_steps"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.WAITING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["document_id", "round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "position"], name="approval_step_once"
            ),
        ]
        indexes = [models.Index(fields=["unit", "approver", "decision"], name="approval_queue")]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.round}.{self.position}: {self.decision}"


class DocumentTemplate(models.Model):
    """A letter template; ``$placeholders`` are filled from the case and the party."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of document"), max_length=20, choices=Document.Kind.choices)
    body = models.TextField(_("text"), max_length=50_000)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SealCertificate(models.Model):
    """The unit's electronic seal: certificate and private key (PKCS#12).

    The PKCS#12 is encrypted with a password derived from the secret key
    (documents.seal). In production a qualified seal lives in an HSM or a
    remote signing service behind the same signing interface.
    """

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField()
    pkcs12 = models.BinaryField()
    subject = models.CharField(max_length=500)
    not_after = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("seal certificate")
        verbose_name_plural = _("seal certificates")

    def __str__(self) -> str:
        return self.label


class TrustAnchor(models.Model):
    """A root certificate whose signatures count as trusted when verifying.

    Installation-wide (not a unit's data): the national trusted list, or the
    demo CA on a demo installation.
    """

    label = models.CharField(max_length=200)
    certificate_pem = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.label
