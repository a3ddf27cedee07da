"""The demo seeding's system actor in words (see audit.labels)."""

from django.utils.translation import gettext_lazy as _

from infostrada.audit.labels import register_system_actors

register_system_actors({"seed-demo": _("System — demo data")})
