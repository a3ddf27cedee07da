"""Small template helpers of the EZD pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from infostrada.documents.deadlines import DUE_SOON_DAYS
from infostrada.documents.models import Case
from infostrada.documents.uploads.names import format_label

register = template.Library()


@register.simple_tag
def deadline(case: Any, days_left: int | None) -> SafeString | str:
    """A case's deadline as ``<time>``, and while it runs the days left or overdue.

    A tag rather than an included template: it is drawn on every row of the
    case lists and "my tasks" (up to 100 a page), where the include was a
    fifth of the page's rendering time.
    """
    if not case.deadline:
        return "—"
    day = case.deadline.isoformat()
    shown = format_html('<time datetime="{}">{}</time>', day, date_format(case.deadline))
    if case.status == Case.Status.CLOSED or days_left is None:
        return shown
    if days_left < 0:
        css = " overdue"
        text = ngettext("%(n)s day overdue", "%(n)s days overdue", -days_left) % {"n": -days_left}
    else:
        css = " soon" if days_left <= DUE_SOON_DAYS else ""
        if days_left == 0:
            text = _("due today")
        else:
            text = ngettext("%(n)s day left", "%(n)s days left", days_left) % {"n": days_left}
    return format_html('{} <span class="deadline{}">({})</span>', shown, css, text)


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


@register.filter
def file_format(mime: str) -> str:
    """``application/pdf`` → "Dokument PDF": a file's type as people name it."""
    return capfirst(format_label(mime))
