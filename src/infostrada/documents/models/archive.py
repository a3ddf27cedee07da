"""The office's archive: transfers (spis zdawczo-odbiorczy) and disposal (brakowanie).

Instrukcja archiwalna (2011 regulation, annex 4) and the 2015 regulation of the
Minister of Culture (Dz.U. 2015 poz. 1743): closed cases pass from the
departments to the office's archive with a transfer list; category A material
later goes to the state archive as an archival package and stays marked as
"transferring" until the state archive confirms receipt; category B material
whose retention has passed is destroyed only after the state archive agrees
to the disposal list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.tenancy.scoping import TenantManager


class ArchiveTransfer(models.Model):
    class Kind(models.TextChoices):
        TO_OFFICE_ARCHIVE = "office", _("to the office's archive")
        TO_STATE_ARCHIVE = "state", _("to the state archive")

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        SENT = "sent", _("handed over, receipt not yet confirmed")
        CONFIRMED = "confirmed", _("receipt confirmed")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("number"))
    department = models.ForeignKey(
        "documents.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiver = models.CharField(_("receiving archive"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_reference = models.CharField(
        _("confirmation reference"), max_length=200, blank=True
    )
    package = models.FileField(upload_to="archive-packages/", null=True, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("archive transfer")
        verbose_name_plural = _("archive transfers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "number"], name="transfer_no"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}/{self.year}"


class TransferEntry(models.Model):
    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    transfer = models.ForeignKey(ArchiveTransfer, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey("documents.Case", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    objects = TenantManager()

    class Meta:
        ordering = ["transfer_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "case"], name="transfer_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id}.{self.position}"


class DisposalList(models.Model):
    """Spis dokumentacji niearchiwalnej przeznaczonej do brakowania."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        APPROVED = "approved", _("approved by the state archive")
        EXECUTED = "executed", _("destroyed")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_reference = models.CharField(
        _("state archive's consent (reference)"), max_length=200, blank=True
    )
    executed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("disposal list")
        verbose_name_plural = _("disposal lists")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="disposal_no"),
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year}"


class DisposalEntry(models.Model):
    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    disposal = models.ForeignKey(DisposalList, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey("documents.Case", on_delete=models.PROTECT, related_name="+")

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["disposal", "case"], name="disposal_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.disposal_id}:{self.case_id}"
