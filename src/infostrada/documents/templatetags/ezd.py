"""Small template helpers of the EZD pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter(name="absolute")
def absolute(value: int | None) -> int | None:
    """Days overdue read as a positive number ("3 days overdue")."""
    return abs(value) if value is not None else None


@register.filter
def filesize(value: int | None) -> str:
    """Sizes of documents in the case file, as officials read them (kB, MB)."""
    if value is None:
        return "—"
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} kB"
    return f"{value / (1024 * 1024):.1f} MB"
