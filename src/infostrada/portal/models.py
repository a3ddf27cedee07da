"""Per-unit data of the portal shell."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.tenancy.scoping import TenantManager


class AccessibilityStatement(models.Model):
    """A unit's deklaracja dostępności (ustawa z 4 kwietnia 2019 r. o dostępności
    cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych,
    Dz.U. 2019 poz. 848, art. 10), rendered with the element ids of the
    national technical specification of the statement."""

    class Status(models.TextChoices):
        COMPLIANT = "zgodna", _("compliant")
        PARTIAL = "częściowo zgodna", _("partially compliant")
        NON_COMPLIANT = "niezgodna", _("non-compliant")

    unit = models.OneToOneField(
        "tenancy.Unit", on_delete=models.CASCADE, related_name="accessibility_statement"
    )
    published_on = models.DateField(_("website published on"))
    updated_on = models.DateField(_("last significant update"))
    prepared_on = models.DateField(_("statement prepared on"))
    reviewed_on = models.DateField(_("statement last reviewed on"), null=True, blank=True)
    status = models.CharField(
        _("compliance status"), max_length=20, choices=Status.choices, default=Status.COMPLIANT
    )
    non_accessible = models.TextField(_("content that is not accessible"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    architecture = models.TextField(_("architectural accessibility of the office"), blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")

    def __str__(self) -> str:
        return f"{self.unit}: {self.status}"

    @classmethod
    def default_for(cls, unit: models.Model) -> AccessibilityStatement:
        """What is shown before the unit fills in its own statement."""
        start = datetime.date(2026, 1, 1)
        return cls(
            unit=unit,
            published_on=start,
            updated_on=start,
            prepared_on=start,
            status=cls.Status.COMPLIANT,
            contact_person=unit.official_name,  # type: ignore[attr-defined]
            contact_email=getattr(unit, "email", "") or "",
            contact_phone=getattr(unit, "phone", "") or "",
        )
