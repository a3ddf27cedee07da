"""The append-only, hash-chained audit log.

Each unit has its own chain (events without a unit go to the ``global``
chain). An entry's hash covers its content and the previous entry's hash, and
the chain head keeps the last sequence number and hash, so that altering,
deleting or cutting off entries is detected by ``infostrada audit-verify``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from infostrada.tenancy.scoping import TenantManager, TenantQuerySet

GENESIS = "0" * 64


def chain_key(unit_id: int | None) -> str:
    return f"unit:{unit_id}" if unit_id else "global"


class AppendOnlyError(RuntimeError):
    """Audit entries are never changed or removed through the application."""


class AuditEventQuerySet(TenantQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditChain(models.Model):
    """The head of one chain: taken under lock to append the next entry."""

    key = models.CharField(max_length=40, unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"{self.key}#{self.last_seq}"


class AuditEvent(models.Model):
    unit = models.ForeignKey(
        "tenancy.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    chain = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=20)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    actor_name = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    changes = models.JSONField(_("summary of change"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = TenantManager.from_queryset(AuditEventQuerySet)()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]
        indexes = [models.Index(fields=["unit", "-seq"], name="audit_unit_seq")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def payload(self) -> dict[str, Any]:
        """What the hash covers: every field but the id and the hash itself."""
        return {
            "chain": self.chain,
            "seq": self.seq,
            "unit": self.unit_id,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_kind": self.actor_kind,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode()).hexdigest()
