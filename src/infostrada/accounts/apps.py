from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "infostrada.accounts"
    label = "accounts"
    verbose_name = _("accounts")


class SecondFactorAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with its site behind the second factor (see admin_site.py)."""

    default = False  # not the accounts app's own config
    default_site = "infostrada.accounts.admin_site.SecondFactorAdminSite"
