from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "infostrada.tenancy"
    label = "tenancy"
    verbose_name = _("units")

    def ready(self) -> None:
        from infostrada.tenancy import checks  # noqa: F401  (registers the system check)
