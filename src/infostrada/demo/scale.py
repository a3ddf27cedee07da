"""Synthetic data for benchmarks (``seed-demo --scale N``).

Written in bulk, below the services, because millions of rows through one
audited operation each would take hours. Re-running with the same N adds
nothing; a larger N adds the difference.

- N x 100 officials (case officers spread over the demo units);
- N x 10,000 audit events, chained like the services chain them (audit-verify
  passes);
- EZD: N x 10,000 incoming items and N x 3,000 cases with their parties,
  assignments and search rows, mostly in Gmina Lubicz (``demo.scale_ezd``;
  those rows have no audit events, see there).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from infostrada.accounts.models import Membership, User
from infostrada.accounts.roles import Role
from infostrada.audit.models import AuditChain, AuditEvent, chain_key
from infostrada.demo import scale_ezd
from infostrada.tenancy.models import Unit

BATCH = 5000
PREFIX = "synt."


def grow(
    n: int,
    units: list[Unit],
    log: Any,
    *,
    items_per_n: int = 10_000,
    cases_per_n: int = 3_000,
) -> None:
    _officials(n * 100, units, log)
    _audit_events(n * 10_000, units, log)
    scale_ezd.grow(n * items_per_n, n * cases_per_n, units, log)
    _statistics(log)


def _statistics(log: Any) -> None:
    """Planner statistics after the bulk load (``ANALYZE``), as after any bulk import.

    PostgreSQL's autovacuum gathers them by itself, some time later; SQLite
    only when asked. Without them SQLite chose the unit's foreign-key index
    for "the items of this case" and "my pending assignments" and read the
    unit's 700,000 rows (0.3 to 0.5 s a query at --scale 100; see
    bench/README.md).
    """
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"scale: planner statistics gathered in {time.monotonic() - started:.0f} s")


def _officials(target: int, units: list[Unit], log: Any) -> None:
    existing = User.objects.filter(username__startswith=PREFIX).count()
    if existing >= target:
        return
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}{i:07d}",
                    first_name="Urzędnik",
                    last_name=f"{i}",
                    kind=User.Kind.OFFICIAL,
                    password="!",
                )  # unusable password
                for i in range(existing, target)
            ],
            batch_size=BATCH,
        )
        users = list(User.objects.filter(username__in=[u.username for u in users]))
        Membership.objects.bulk_create(
            [
                Membership(user=u, unit=units[i % len(units)], role=Role.CASE_OFFICER)
                for i, u in enumerate(users)
            ],
            batch_size=BATCH,
        )
    log(f"scale: {target - existing} synthetic officials")


def _audit_events(target: int, units: list[Unit], log: Any) -> None:
    per_unit = target // len(units)
    start = timezone.now() - datetime.timedelta(days=365)
    for unit in units:
        have = AuditEvent.objects.for_unit(unit).filter(action="synthetic.event").count()
        todo = per_unit - have
        while todo > 0:
            step = min(todo, BATCH)
            with transaction.atomic():
                key = chain_key(unit.pk)
                AuditChain.objects.bulk_create([AuditChain(key=key)], ignore_conflicts=True)
                head = AuditChain.objects.select_for_update().get(key=key)
                rows = []
                prev, seq = head.last_hash, head.last_seq
                for i in range(step):
                    seq += 1
                    event = AuditEvent(
                        unit_id=unit.pk,
                        chain=key,
                        seq=seq,
                        occurred_at=start + datetime.timedelta(seconds=(have + i) * 3),
                        actor_kind="system",
                        actor_id="",
                        actor_name="seed-demo --scale",
                        action="synthetic.event",
                        object_type="demo.synthetic",
                        object_id=str(have + i),
                        changes={"n": have + i},
                        request_id="",
                        prev_hash=prev,
                    )
                    event.hash = event.compute_hash()
                    prev = event.hash
                    rows.append(event)
                AuditEvent.objects.bulk_create(rows, batch_size=BATCH)
                head.last_seq, head.last_hash = seq, prev
                head.save(update_fields=["last_seq", "last_hash"])
            have += step
            todo -= step
        log(f"scale: {unit.slug} has {have} synthetic audit events")
