"""Budgets for anonymous submissions: per client address and per unit, per hour.

Each zoning-extract request takes a register number and a case signature, so
a script must not be able to send thousands. A request is counted before
anything is written: :func:`take` either counts it against both budgets or
refuses it and writes nothing else. Counts live in the database
(``SubmissionQuota``), so several workers and machines share them; a shared
cache is not configured on every installation, and an in-process counter
would let each worker grant the whole budget again.

Windows are fixed clock hours (simple, and a burst at the turn of an hour can
reach twice the budget at most). The client address is the one the login
throttling sees (django-axes' ``get_client_ip_address``, which follows the
trusted-proxy configuration), stored only as a hash.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from infostrada.geo.models import SubmissionQuota
from infostrada.tenancy.models import Unit

WINDOW: Final = datetime.timedelta(hours=1)
KEEP: Final = datetime.timedelta(days=1)  # older windows are deleted as new ones start


@dataclass(frozen=True)
class Refusal:
    """Why a submission was refused and when to try again."""

    scope: str  # "client" or "unit"
    retry_after: int  # seconds until the window ends


class RateLimited(Exception):
    """Raised by :func:`admit` when a budget is spent; carries the :class:`Refusal`."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.scope)
        self.refusal = refusal


def admitter(request: HttpRequest, unit: Unit) -> Callable[[], None]:
    """A callback for ``services_extract.request_extract(admit=...)``: take, or raise."""

    def admit() -> None:
        refusal = take(request, unit)
        if refusal is not None:
            raise RateLimited(refusal)

    return admit


def client_address(request: HttpRequest) -> str:
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def _window_start(now: datetime.datetime) -> datetime.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _try_count(key: str, start: datetime.datetime, limit: int) -> bool:
    """Count one more under ``key`` unless ``limit`` is reached (atomic on both databases)."""
    rows = SubmissionQuota.objects.filter(key=key, window_start=start, count__lt=limit)
    if rows.update(count=F("count") + 1):
        return True
    try:
        with transaction.atomic():
            SubmissionQuota.objects.create(key=key, window_start=start, count=1)
    except IntegrityError:  # it exists (full, or created by a concurrent request)
        return bool(rows.update(count=F("count") + 1))
    SubmissionQuota.objects.filter(window_start__lt=start - KEEP).delete()
    return True


def take(request: HttpRequest, unit: Unit, *, purpose: str = "zoning-extract") -> Refusal | None:
    """Count one submission against the client's and the unit's budget; None if allowed.

    Refused (a :class:`Refusal`), nothing stays counted and nothing else is written.
    """
    now = timezone.now()
    start = _window_start(now)
    retry_after = max(1, int((start + WINDOW - now).total_seconds()))
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    budgets = [
        ("client", f"{purpose}:c:{address}", settings.GEO_EXTRACT_LIMIT_PER_CLIENT),
        ("unit", f"{purpose}:u:{unit.pk}", settings.GEO_EXTRACT_LIMIT_PER_UNIT),
    ]
    with transaction.atomic():
        for scope, key, limit in budgets:
            if limit > 0 and not _try_count(key, start, limit):
                transaction.set_rollback(True)  # the budgets counted before stay as they were
                return Refusal(scope, retry_after)
    return None
