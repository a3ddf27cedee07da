"""Template filters that show the accounts' machine names in words."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from infostrada.accounts.roles import scope_label

register = template.Library()


@register.filter
def scope_labels(scopes: Iterable[str]) -> list[str]:
    """API scopes (``documents:read``) as the words people read, in the active language."""
    return [scope_label(scope) for scope in scopes]
