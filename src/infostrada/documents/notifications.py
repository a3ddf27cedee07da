"""E-mails the EZD sends to people: a letter waits in a resident's account; an
official has a new assignment (dekretacja) or a draft waits for their approval.

Each message is queued with ``transaction.on_commit``, so nobody is told about
something that was then rolled back, and it goes through Django's mail API
(the console backend unless the operator configures SMTP). A mail server that
fails is logged and nothing else: the business operation has already
committed and must not be undone or reported as failed because of it.

The messages carry a link and a reference, never the letter's content or
title: e-mail is not a secure channel, and a letter delivered to the portal
account is read there (the opening is the delivery). Links are built from
``settings.PUBLIC_URL``, never from the request's Host header, which a client
controls. The text is in the recipient's language where known, else Polish.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


def public_url(path: str) -> str:
    """An absolute link on the platform's public address (``INFOSTRADA_PUBLIC_URL``)."""
    return settings.PUBLIC_URL.rstrip("/") + path


def language_of(user: Any) -> str:
    """The language to write to ``user`` in.

    Accounts keep no language preference yet; when they do (``user.language``)
    it is honoured here. Until then, and for anything not offered, Polish, the
    office's language (Ustawa o języku polskim, art. 5).
    """
    preferred = getattr(user, "language", "") or ""
    offered = {code for code, _name in settings.LANGUAGES}
    return preferred if preferred in offered else settings.LANGUAGE_CODE


def _queue(
    *, to: str, language: str, compose: Callable[[], tuple[str, str]], from_email: str = ""
) -> None:
    """Send after commit; ``compose`` builds (subject, body) in ``language``."""
    if not to:
        return

    def send() -> None:
        try:
            with translation.override(language):
                subject, body = compose()
            EmailMessage(
                subject=subject,
                body=body,
                from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                to=[to],
            ).send(fail_silently=False)
        except Exception:  # any mail failure: log it, never undo the operation
            logger.exception("notification e-mail to %s could not be sent", to)

    transaction.on_commit(send, robust=True)


def letter_arrived(item: Any) -> None:
    """Tell a resident that a letter waits in their account (``/konto/skrzynka/``)."""
    citizen = item.citizen
    if citizen is None or not citizen.email:
        return
    unit_name = item.unit.official_name
    link = public_url(reverse("documents:citizen_letter", kwargs={"letter_id": item.pk}))
    inbox = public_url(reverse("documents:citizen_letters"))

    def compose() -> tuple[str, str]:
        subject = _("A letter from %(unit)s is waiting in your account") % {"unit": unit_name}
        body = _(
            "Hello,\n\n"
            "%(unit)s has delivered a letter to your account on the portal. "
            "Log in to read it:\n%(link)s\n\n"
            "The letter counts as delivered when you open it, or 14 days after it "
            "arrived if you do not. All your letters: %(inbox)s\n\n"
            "This message was sent automatically; do not reply to it."
        ) % {"unit": unit_name, "link": link, "inbox": inbox}
        return subject, body

    _queue(
        to=citizen.email,
        language=language_of(citizen),
        compose=compose,
        from_email=item.unit.email,
    )


def _official_message(user: Any, unit: Any, subject: Any, intro: Any, path: str) -> None:
    """``subject`` and ``intro`` are lazy translations, resolved in the recipient's language."""
    link = public_url(path)
    unit_name = unit.official_name

    def compose() -> tuple[str, str]:
        body = _("Hello,\n\n%(what)s\n\n%(link)s\n\nThis message was sent automatically.") % {
            "what": str(intro) % {"unit": unit_name},
            "link": link,
        }
        return str(subject) % {"unit": unit_name}, body

    _queue(to=user.email, language=language_of(user), compose=compose)


def assigned(assignment: Any, *, by: Any = None) -> None:
    """Tell the official (or, for a department, its heads) about a new assignment."""
    from infostrada.documents.models import DepartmentMember

    unit = assignment.unit
    if assignment.assignee_id is not None:
        people = [assignment.assignee]
    else:
        people = [
            m.user
            for m in DepartmentMember.objects.for_unit(unit)
            .filter(department_id=assignment.department_id, is_head=True, until__isnull=True)
            .select_related("user")
        ]
    path = reverse("documents:tasks", kwargs={"unit_slug": unit.slug})
    for person in people:
        if by is not None and person.pk == getattr(by, "pk", None):
            continue  # who assigned to themselves needs no e-mail
        _official_message(
            person,
            unit,
            gettext_lazy("New assignment in the EZD of %(unit)s"),
            gettext_lazy(
                "You have a new assignment (dekretacja) in the EZD of %(unit)s. "
                "Your tasks are waiting here:"
            ),
            path,
        )


def approval_requested(step: Any) -> None:
    """Tell an approver that a draft waits for their decision."""
    unit = step.unit
    path = reverse(
        "documents:document_detail",
        kwargs={"unit_slug": unit.slug, "document_id": step.document_id},
    )
    _official_message(
        step.approver,
        unit,
        gettext_lazy("A draft waits for your approval in the EZD of %(unit)s"),
        gettext_lazy("A draft in the EZD of %(unit)s waits for your approval:"),
        path,
    )
