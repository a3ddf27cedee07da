"""Officials, citizens, their memberships in units, and API clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada import normalisers
from infostrada.accounts.roles import Role
from infostrada.tenancy.scoping import TenantManager

# Checksum and normal form (ASCII digits) in one place: infostrada.normalisers.
validate_pesel = normalisers.stored(normalisers.pesel)


class User(AbstractUser):
    """A person who logs in: an official (with memberships) or a citizen."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("official")
        CITIZEN = "citizen", _("citizen")

    kind = models.CharField(
        _("account kind"), max_length=16, choices=Kind.choices, default=Kind.OFFICIAL
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Citizen(models.Model):
    """A resident's account; login.gov.pl identity attaches here (later issue)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="citizen")
    pesel = models.CharField(
        _("PESEL"), max_length=11, unique=True, null=True, blank=True, validators=[validate_pesel]
    )
    national_login_id = models.CharField(
        _("login.gov.pl identifier"), max_length=200, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return str(self.user)


class Membership(models.Model):
    """An official's role in one unit; the only source of what they may do there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class UnitSecurityPolicy(models.Model):
    """Security settings a unit administrator controls for the unit."""

    unit = models.OneToOneField(
        "tenancy.Unit", on_delete=models.CASCADE, related_name="security_policy"
    )
    require_totp = models.BooleanField(
        _("second factor (TOTP) mandatory for officials"), default=False
    )

    objects = TenantManager()

    def __str__(self) -> str:
        return f"{self.unit}: totp={'yes' if self.require_totp else 'no'}"


class ApiClient(models.Model):
    """An integrator's access: a token bound to one unit and a set of scopes.

    Only a SHA-256 digest of the token is stored: tokens are 256-bit random
    values, so a slow password hash would add nothing but latency to every
    API call (see docs/decisions/0004-api-tokens.md).
    """

    unit = models.ForeignKey("tenancy.Unit", on_delete=models.CASCADE, related_name="api_clients")
    name = models.CharField(_("name"), max_length=120)
    scopes = models.JSONField(_("scopes"), default=list)
    token_prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
