"""JRWA: the unit's file classification scheme (jednolity rzeczowy wykaz akt).

The JRWA of a gmina, powiat or województwo follows the scheme annexed to the
Rozporządzenie Prezesa Rady Ministrów z dnia 18 stycznia 2011 r. w sprawie
instrukcji kancelaryjnej, jednolitych rzeczowych wykazów akt oraz instrukcji
w sprawie organizacji i zakresu działania archiwów zakładowych (Dz.U. 2011
nr 14 poz. 67): decimal classes of 1 to 4 digits; cases are kept only in the
classes of the lowest level, each with an archival category for the
department that owns the matter and another for the others (kategoria
archiwalna: A = archival for ever, Bn = destroyed after n years, BEn = expert
review after n years, Bc = short-lived).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.tenancy.scoping import TenantManager

validate_jrwa_symbol = RegexValidator(
    r"^[0-9]{1,4}$",
    _("A JRWA symbol has 1 to 4 digits."),
    code="invalid_jrwa_symbol",
)
validate_category = RegexValidator(
    r"^(A|B[0-9]{1,3}|BE[0-9]{1,3}|Bc)$",
    _("An archival category is A, Bc, B with years (e.g. B5) or BE with years (e.g. BE10)."),
    code="invalid_category",
)


class FileClass(models.Model):
    """One class of the unit's JRWA.

    Classes are never deleted while a case uses them (PROTECT) and cases keep
    a copy of the symbol, title and category they were opened under, so a
    later change of the scheme does not rewrite any case.
    """

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="file_classes")
    symbol = models.CharField(_("symbol"), max_length=4, validators=[validate_jrwa_symbol])
    title = models.CharField(_("title"), max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    category_own = models.CharField(
        _("archival category (owning department)"),
        max_length=6,
        blank=True,
        validators=[validate_category],
    )
    category_other = models.CharField(
        _("archival category (other departments)"),
        max_length=6,
        blank=True,
        validators=[validate_category],
    )
    # The departments whose matter the class is (komórka merytoryczna); they
    # keep category_own, any other department category_other. Empty: all own.
    owner_departments = models.CharField(
        _("owning departments (symbols)"), max_length=200, blank=True
    )
    is_leaf = models.BooleanField(_("holds cases"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("JRWA class")
        verbose_name_plural = _("JRWA classes")
        ordering = ["symbol"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "symbol"], name="file_class_symbol"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.title}"

    def category_for(self, department_symbol: str) -> str:
        """The archival category of this class's cases in the given department."""
        owners = {s.strip() for s in self.owner_departments.split(",") if s.strip()}
        if not owners or department_symbol in owners:
            return self.category_own
        return self.category_other
