"""Units of the region (JST and partners) and the hosts they are served on."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import get_script_prefix
from django.utils.translation import gettext_lazy as _

from infostrada.tenancy.teryt import Kind, TercError, parse_terc
from infostrada.tenancy.text import fold


def validate_terc(value: str) -> None:
    try:
        parse_terc(value)
    except TercError as exc:
        raise ValidationError(str(exc), code="invalid_terc") from exc


# Address for electronic delivery (e-Doręczenia), e.g. AE:PL-12345-67890-ABCDE-12.
validate_ade = RegexValidator(
    r"^AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d{2}$",
    _("An e-Doręczenia address looks like AE:PL-12345-67890-ABCDE-12."),
    code="invalid_ade",
)
validate_phone = RegexValidator(
    r"^\+?[0-9 ()-]{5,40}$",
    _("Give a telephone number of digits, spaces and dashes."),
    code="invalid_phone",
)


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def of_region(self, voivodeship: Unit) -> UnitQuerySet:
        """Every unit of a województwo (itself included), partners attached to it too."""
        return self.filter(
            models.Q(teryt__startswith=voivodeship.teryt) | models.Q(parent=voivodeship)
        )

    def gminy_of(self, powiat: Unit) -> UnitQuerySet:
        """The gminy of a powiat."""
        return self.filter(parent=powiat, kind__in=Kind.GMINA_KINDS)

    def search(self, text: str) -> UnitQuerySet:
        """By name or TERC prefix, as typed into the regional search box.

        Names match case- and diacritics-insensitively ("torun" finds Toruń,
        "LODZ" finds Łódź; ``tenancy.text.fold``). Neither database folds ł
        or diacritics the same way (SQLite's LIKE folds ASCII only, PostgreSQL
        needs the unaccent extension), so the names are folded in Python. A
        region has a few hundred units and the whole country fewer than 3,000,
        so reading (pk, name, official name) of the candidates costs about a
        millisecond, and the result stays a queryset (counting, paging, more
        filters) through its primary keys.
        """
        text = text.strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(teryt__startswith=text)
        needle = fold(text)
        matching = [
            pk
            for pk, name, official_name in self.values_list("pk", "name", "official_name")
            if needle in fold(name) or needle in fold(official_name)
        ]
        return self.filter(pk__in=matching)


class Unit(models.Model):
    """A local government unit (JST) of the region, or a partner without TERC."""

    teryt = models.CharField(
        _("TERC code"),
        max_length=7,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_terc],
        help_text=_("2 digits for a voivodeship, 4 for a county, 7 for a municipality."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.CHOICES)
    name = models.CharField(_("name"), max_length=200)
    official_name = models.CharField(_("official name"), max_length=300)
    slug = models.SlugField(_("address in the portal"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True, validators=[validate_phone])
    website = models.URLField(_("website"), blank=True)
    ade_address = models.CharField(
        _("address for electronic delivery (ADE)"),
        max_length=40,
        blank=True,
        validators=[validate_ade],
        help_text=_("e-Doręczenia address, e.g. AE:PL-12345-67890-ABCDE-12"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["teryt", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=Kind.PARTNER, teryt__isnull=True)
                | (~models.Q(kind=Kind.PARTNER) & models.Q(teryt__isnull=False)),
                name="unit_teryt_iff_jst",
            ),
        ]

    def __str__(self) -> str:
        return self.official_name

    def get_absolute_url(self) -> str:
        # The contract fixes a unit's portal at /<slug>/ (DESIGN.md); building it
        # directly instead of reverse() matters on pages that list 100+ units.
        return f"{get_script_prefix()}{self.slug}/"

    def clean(self) -> None:
        if self.kind == Kind.PARTNER:
            if self.teryt:
                raise ValidationError({"teryt": _("A partner institution has no TERC code.")})
            return
        if not self.teryt:
            raise ValidationError({"teryt": _("A local government unit needs its TERC code.")})
        try:
            terc = parse_terc(self.teryt)
        except TercError as exc:
            raise ValidationError({"teryt": str(exc)}) from exc
        if terc.kind != self.kind:
            raise ValidationError({"kind": _("The kind does not match the TERC code.")})

    @property
    def is_region(self) -> bool:
        return self.kind == Kind.WOJEWODZTWO


class UnitDomain(models.Model):
    """A host name on which one unit's portal is served (e.g. ``bip.lubicz.pl``)."""

    host = models.CharField(_("host name"), max_length=253, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="domains")

    class Meta:
        verbose_name = _("unit domain")
        verbose_name_plural = _("unit domains")

    def __str__(self) -> str:
        return self.host
