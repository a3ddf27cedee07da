from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "infostrada.audit"
    label = "audit"
    verbose_name = _("audit")

    def ready(self) -> None:
        # Each context describes its own actions in its audit_labels module.
        from infostrada.audit import labels

        labels.autodiscover()
