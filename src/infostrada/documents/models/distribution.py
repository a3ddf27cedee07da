"""The distribution list (rozdzielnik) of an outgoing document.

A decision is delivered to every party (KPA art. 109 § 1); the letter names
them under "Otrzymują" and, for those who only need to know, under "Do
wiadomości" (instrukcja kancelaryjna, § 12 of its annex: "rozdzielnik").
Each entry is one addressee with the channel chosen for them. Dispatching an
entry registers it in the outgoing register: exactly one ``OutgoingItem``
per entry, which the one-to-one link on ``OutgoingItem.entry`` enforces in
the database, so a retried or doubled submission cannot register an
addressee twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.documents.models.correspondence import Channel, Correspondent
from infostrada.tenancy.scoping import TenantManager


class DistributionEntry(Correspondent):
    class List(models.TextChoices):
        RECIPIENT = "recipient", _("Recipients (Otrzymują)")
        FOR_INFORMATION = "information", _("For information (Do wiadomości)")

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="distribution"
    )
    list = models.CharField(
        _("distribution list"), max_length=12, choices=List.choices, default=List.RECIPIENT
    )
    position = models.PositiveSmallIntegerField(_("position"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident's portal account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("distribution list")
        ordering = ["document_id", "list", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "list", "position"], name="distribution_position_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()} {self.position}. {self.correspondent_name}"
