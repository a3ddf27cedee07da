"""The units' audit actions and system actors in words (see audit.labels)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from infostrada.audit.labels import register_actions, register_system_actors

register_system_actors({"import-terc": _("System — TERYT import")})

register_actions(
    {
        "tenancy.unit.created": pgettext_lazy("audit action", "Unit created"),
        "tenancy.unit.updated": pgettext_lazy("audit action", "Unit's data changed"),
        "tenancy.unit.contact_changed": pgettext_lazy(
            "audit action", "Unit's contact data changed"
        ),
    }
)
