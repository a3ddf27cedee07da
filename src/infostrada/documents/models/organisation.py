"""The office's organisation: departments, who works in them, who deputises."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.tenancy.scoping import TenantManager, TenantQuerySet

# A department symbol starts every case signature (e.g. "ZP" in ZP.6730.12.2026);
# instrukcja kancelaryjna § 4: capital letters, digits and hyphens, no dots
# (dots separate the parts of the signature).
validate_department_symbol = RegexValidator(
    r"^[A-ZĄĆĘŁŃÓŚŹŻ][A-ZĄĆĘŁŃÓŚŹŻ0-9-]{0,15}$",
    _("A department symbol is made of capital letters, digits and hyphens, e.g. ZP or GN-I."),
    code="invalid_symbol",
)


class DepartmentQuerySet(TenantQuerySet):
    def valid_in(self, year: int) -> DepartmentQuerySet:
        """Departments that exist in a calendar year (the spis spraw is per year)."""
        return self.filter(valid_from__lte=year).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=year)
        )


class Department(models.Model):
    """A komórka organizacyjna of the office, valid for whole calendar years."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="departments")
    symbol = models.CharField(_("symbol"), max_length=16, validators=[validate_department_symbol])
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"))
    valid_to = models.PositiveSmallIntegerField(_("valid to (year)"), null=True, blank=True)

    objects = TenantManager.from_queryset(DepartmentQuerySet)()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "symbol", "valid_from"], name="department_symbol_from"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="department_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} — {self.name}"

    def clean(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The last year comes before the first.")})

    def is_valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or self.valid_to >= year)


class DepartmentMember(models.Model):
    """An official working in a department (a head approves its cases)."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships"
    )
    is_head = models.BooleanField(_("head of the department"), default=False)
    since = models.DateField(_("since"), default=datetime.date.today)
    until = models.DateField(_("until"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("department member")
        verbose_name_plural = _("department members")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "user", "since"], name="department_member_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.department.symbol}"


class Substitution(models.Model):
    """A deputy acts for an absent official between two dates (zastępstwo)."""

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent official"),
        on_delete=models.CASCADE,
        related_name="substituted_by",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy"),
        on_delete=models.CASCADE,
        related_name="substitutes_for",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="substitution_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(absent=models.F("deputy")), name="substitution_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} → {self.absent} ({self.starts_on} - {self.ends_on})"


class OfficeRules(models.Model):
    """A unit's own rules for its EZD, set by whoever organises it (documents.organise).

    ``four_eyes_decisions``: a decision (or ruling) is approved by an official
    other than its author. KPA does not demand it; many offices' internal rules
    (regulamin organizacyjny, kontrola zarządcza under ustawa o finansach
    publicznych art. 68-69) do, so each unit chooses. No row means no rule.
    """

    unit = models.OneToOneField("tenancy.Unit", on_delete=models.CASCADE, related_name="+")
    four_eyes_decisions = models.BooleanField(
        _("decisions are approved by someone other than their author"),
        default=False,
        help_text=_(
            "The author of a decision or ruling cannot approve it; its approval path "
            "must name another official."
        ),
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("EZD rules of the office")
        verbose_name_plural = _("EZD rules of the office")

    def __str__(self) -> str:
        return f"{self.unit_id}: four eyes {'on' if self.four_eyes_decisions else 'off'}"
