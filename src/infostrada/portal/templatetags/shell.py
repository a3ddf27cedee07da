"""Template tags of the portal shell."""

from __future__ import annotations

from typing import Any

from django import template

from infostrada.portal.menu import menu_for

register = template.Library()


@register.inclusion_tag("portal/includes/workbench_menu.html", takes_context=True)
def workbench_menu(context: template.Context) -> dict[str, Any]:
    """The workbench menu of the page's unit, from the permissions the view put in the context."""
    unit = context.get("unit")
    perms = context.get("perms")
    if not isinstance(perms, (set, frozenset)):
        # A page without ``workbench_context`` has Django's own PermWrapper here,
        # which grants none of the platform's permissions: show the open entries.
        perms = frozenset()
    return {"entries": menu_for(unit, perms) if unit else [], "nav": context.get("nav")}
