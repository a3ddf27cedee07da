"""Writing to and checking the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from infostrada.audit.context import Actor, current_request_id
from infostrada.audit.models import GENESIS, AuditChain, AuditEvent, chain_key

MAX_CHANGE_TEXT = 500


def _summarise(value: Any) -> Any:
    """Keep the summary of change JSON-safe and short (no documents in the log)."""
    if isinstance(value, dict):
        return {str(k): _summarise(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_summarise(v) for v in value]
    if value is None or isinstance(value, bool | int):
        return value
    text = str(value)
    return text if len(text) <= MAX_CHANGE_TEXT else text[:MAX_CHANGE_TEXT] + "…"


def record(
    actor: Actor,
    unit: Any | None,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event to the unit's chain, inside the caller's transaction.

    It must run in the same transaction as the change it describes, so that an
    operation and its audit entry are written together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the operation's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    unit_id = getattr(unit, "pk", None)
    key = chain_key(unit_id)
    # The head row serialises appenders of one chain (SELECT ... FOR UPDATE on
    # PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers).
    head = AuditChain.objects.select_for_update().filter(key=key).first()
    if head is None:  # the chain's first event; a concurrent first insert is ignored
        AuditChain.objects.bulk_create([AuditChain(key=key)], ignore_conflicts=True)
        head = AuditChain.objects.select_for_update().get(key=key)
    event = AuditEvent(
        unit_id=unit_id,
        chain=key,
        seq=head.last_seq + 1,
        occurred_at=timezone.now(),
        actor_kind=actor.kind,
        actor_id=str(actor.id),
        actor_name=actor.name[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        changes=_summarise(changes or {}),
        request_id=current_request_id.get(),
        prev_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        if self.chain == "-":  # about the checkpoints, not one chain
            return self.reason
        where = f"entry #{self.seq} (id {self.event_id})" if self.seq is not None else "head"
        return f"chain {self.chain}: {where}: {self.reason}"


def _events() -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.unscoped("verification reads every chain")


def _chain_events(key: str, after_seq: int = 0, up_to: int | None = None) -> Iterator[AuditEvent]:
    qs = _events().filter(chain=key, seq__gt=after_seq)
    if up_to is not None:
        qs = qs.filter(seq__lte=up_to)
    yield from qs.order_by("seq").iterator(chunk_size=2000)


def verify_chain(key: str, *, after: tuple[int, str] | None = None) -> ChainProblem | None:
    """Return the first problem of one chain, or None if it is intact.

    With ``after=(seq, hash)`` (a head recorded by a checkpoint) only the
    entries after it are read, and the entry at ``seq`` must still carry that
    hash: a periodic checkpoint then costs the entries written since the last.

    Entries are read up to the head as it was when the check began, so that
    appends committed meanwhile (on a live system) are not taken for damage;
    entries past the head are then accepted only if the head has moved on too.
    """
    head = AuditChain.objects.filter(key=key).first()
    expected_prev = GENESIS
    expected_seq = 1
    if after is not None and after[0] > 0:
        anchor_seq, anchor_hash = after
        anchor = _events().filter(chain=key, seq=anchor_seq).values_list("hash", flat=True).first()
        if anchor != anchor_hash:
            return ChainProblem(
                key, anchor_seq, None, "entry anchored by the last checkpoint missing or changed"
            )
        expected_prev, expected_seq = anchor_hash, anchor_seq + 1
    up_to = head.last_seq if head is not None else None
    for event in _chain_events(key, expected_seq - 1, up_to):
        if event.seq != expected_seq:
            missing = expected_seq if event.seq > expected_seq else event.seq
            return ChainProblem(
                key,
                missing,
                event.id if event.seq < expected_seq else None,
                f"entry missing or out of order before #{event.seq} (id {event.id})",
            )
        if event.prev_hash != expected_prev:
            return ChainProblem(key, event.seq, event.id, "link to the previous entry broken")
        if event.compute_hash() != event.hash:
            return ChainProblem(key, event.seq, event.id, "content altered (hash mismatch)")
        expected_prev = event.hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            return ChainProblem(key, None, None, "chain head missing")
        return None
    if head.last_seq != last_seq or head.last_hash != expected_prev:
        return ChainProblem(
            key,
            head.last_seq,
            None,
            f"entries after #{last_seq} missing (head records #{head.last_seq})",
        )
    beyond = _events().filter(chain=key, seq__gt=head.last_seq).aggregate(m=Max("seq"))["m"]
    if beyond is not None:
        # An append commits its entry and the head together: a head re-read now
        # covers every entry we could see, unless the entry was slipped in.
        moved = AuditChain.objects.filter(key=key).values_list("last_seq", flat=True).first()
        if moved is None or moved < beyond:
            return ChainProblem(
                key, beyond, None, f"entries after the head #{head.last_seq} (not appended here)"
            )
    return None


def verify_all() -> tuple[int, list[ChainProblem]]:
    """Check every chain; return how many were checked and the problems found."""
    keys = set(AuditChain.objects.values_list("key", flat=True))
    keys |= set(_events().values_list("chain", flat=True).distinct())
    problems = [p for key in sorted(keys) if (p := verify_chain(key)) is not None]
    return len(keys), problems
