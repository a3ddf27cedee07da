"""Correspondence: the incoming and outgoing registers and their items.

Rejestr przesyłek wpływających / wychodzących (instrukcja kancelaryjna,
§§ 13-20 and 46-50): one register per unit and calendar year, numbered from 1
without gaps. The register rows hold the last number; allocating a number
locks that row in the same transaction that writes the item, so a failed
registration leaves no gap and two clerks never get the same number.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada import normalisers
from infostrada.tenancy.models import validate_ade
from infostrada.tenancy.scoping import TenantManager

# Checksums and the normal form (ASCII digits) in one place: infostrada.normalisers.
validate_pesel = normalisers.stored(normalisers.pesel)
validate_nip = normalisers.stored(normalisers.nip)
validate_regon = normalisers.stored(normalisers.regon)


class Channel(models.TextChoices):
    PAPER = "paper", _("paper (post or in person)")
    PORTAL = "portal", _("the platform's portal")
    EMAIL = "email", _("e-mail")
    EPUAP = "epuap", _("ePUAP")
    EDELIVERY = "edelivery", _("e-Doręczenia")


class PartyKind(models.TextChoices):
    PERSON = "person", _("person")
    INSTITUTION = "institution", _("institution")


class Correspondent(models.Model):
    """Who sent or receives a letter: a person or an institution.

    Stored with the item (not as a shared address book row) because the
    register records the sender as the letter named them on that day.
    """

    party_kind = models.CharField(
        _("sender or recipient is"), max_length=16, choices=PartyKind.choices
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    institution = models.CharField(_("institution"), max_length=300, blank=True)
    pesel = models.CharField(_("PESEL"), max_length=11, blank=True, validators=[validate_pesel])
    nip = models.CharField(_("NIP"), max_length=10, blank=True, validators=[validate_nip])
    regon = models.CharField(_("REGON"), max_length=14, blank=True, validators=[validate_regon])
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="PL")
    email = models.EmailField(_("e-mail"), blank=True)
    ade_address = models.CharField(
        _("e-Doręczenia address"), max_length=40, blank=True, validators=[validate_ade]
    )

    class Meta:
        abstract = True

    @property
    def correspondent_name(self) -> str:
        if self.party_kind == PartyKind.INSTITUTION:
            return self.institution
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def postal_address(self) -> str:
        line2 = f"{self.postal_code} {self.city}".strip()
        return ", ".join(p for p in (self.street, line2) if p)

    def clean_correspondent(self) -> None:
        """The name a register needs for each kind of correspondent."""
        if self.party_kind == PartyKind.INSTITUTION and not self.institution.strip():
            raise ValidationError({"institution": _("Give the institution's name.")})
        if self.party_kind == PartyKind.PERSON and not self.last_name.strip():
            raise ValidationError({"last_name": _("Give the person's last name.")})


class IncomingRegister(models.Model):
    """Rejestr przesyłek wpływających of one unit and year; holds the last number."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="incoming_reg_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_number}"


class OutgoingRegister(models.Model):
    """Rejestr przesyłek wychodzących of one unit and year; holds the last number."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="outgoing_reg_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_number}"


class IncomingItem(Correspondent):
    """A registered incoming letter (przesyłka wpływająca)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        ASSIGNED = "assigned", _("assigned")
        ACCEPTED = "accepted", _("accepted")
        IN_CASE = "in_case", _("in a case")
        DONE = "done", _("done without a case")

    unit = models.ForeignKey(
        "tenancy.Unit", on_delete=models.CASCADE, related_name="incoming_items"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter_date = models.DateField(_("date of the letter"), null=True, blank=True)
    sender_reference = models.CharField(_("sender's reference"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    attachments_note = models.CharField(_("paper attachments"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    department = models.ForeignKey(
        "documents.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_items",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_items",
    )
    case = models.ForeignKey(
        "documents.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_items",
    )
    # Where an item came from electronically (portal submission, ePUAP message):
    # registering the same source twice returns the first registration.
    source_system = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=128, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("incoming item")
        verbose_name_plural = _("incoming items")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="incoming_number"),
            models.UniqueConstraint(
                fields=["unit", "source_system", "source_id"],
                condition=~models.Q(source_id=""),
                name="incoming_source_once",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "department"], name="incoming_desk"),
            models.Index(fields=["unit", "assignee", "status"], name="incoming_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.register_number} {self.subject}"

    @property
    def register_number(self) -> str:
        return f"{self.number}/{self.year}"


class OutgoingItem(Correspondent):
    """A registered outgoing letter (przesyłka wychodząca) and its delivery."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("prepared")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        DEEMED_DELIVERED = "deemed_delivered", _("deemed delivered (14 days)")
        FAILED = "failed", _("not delivered")

    unit = models.ForeignKey(
        "tenancy.Unit", on_delete=models.CASCADE, related_name="outgoing_items"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="dispatches"
    )
    case = models.ForeignKey(
        "documents.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="outgoing"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident's portal account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREPARED
    )
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened by the recipient"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failure = models.CharField(_("reason of failure"), max_length=300, blank=True)
    # The distribution-list entry this item dispatched; one item per entry at
    # most (a retried dispatch cannot register the same addressee twice).
    entry = models.OneToOneField(
        "documents.DistributionEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing",
    )
    evidence = models.ForeignKey(
        "documents.Document",
        verbose_name=_("delivery evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("outgoing item")
        verbose_name_plural = _("outgoing items")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="outgoing_number"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "sent_at"], name="outgoing_pending"),
            models.Index(fields=["citizen", "sent_at"], name="outgoing_citizen"),
        ]

    def __str__(self) -> str:
        return f"{self.register_number} → {self.correspondent_name}"

    @property
    def register_number(self) -> str:
        return f"{self.number}/{self.year}"
