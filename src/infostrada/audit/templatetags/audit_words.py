"""Template filters that show an audit event in words (see audit.labels)."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.utils.functional import Promise

from infostrada.audit import labels
from infostrada.audit.models import AuditEvent

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """``documents.dispatched`` → "Wysłano pismo"; an undescribed code as it is."""
    return labels.action_label(code)


@register.filter
def actor_label(event: AuditEvent) -> str:
    """Who acted: a person or client by the name recorded, a system actor in words."""
    return labels.actor_label(event.actor_kind, event.actor_name)


@register.filter
def object_label(object_type: str) -> str:
    """``documents.outgoingitem`` → the model's name ("przesyłka wychodząca"), else as it is."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = model._meta.verbose_name
    # a model that names itself only by its class (untranslated) keeps the code
    return str(name) if isinstance(name, Promise) else object_type
