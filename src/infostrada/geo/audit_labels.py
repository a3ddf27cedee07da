"""The geoportal's audit actions and system actors in words (see audit.labels)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from infostrada.audit.labels import register_actions, register_system_actors

register_system_actors({"geo-import": _("System — spatial data import")})

register_actions(
    {
        "geo.import.egib": pgettext_lazy("audit action", "Cadastre (EGiB) imported"),
        "geo.import.app": pgettext_lazy("audit action", "Zoning plans (APP) imported"),
        "geo.import.vector": pgettext_lazy("audit action", "Spatial data imported"),
        "geo.layer.created": pgettext_lazy("audit action", "Layer created"),
        "geo.layer.deleted": pgettext_lazy("audit action", "Layer deleted"),
        "geo.zoning_extract.requested": pgettext_lazy("audit action", "Zoning extract requested"),
    }
)
