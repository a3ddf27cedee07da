"""Which decisions of a case have not reached every addressee yet.

A decision takes effect towards a party when it is delivered to them (KPA
art. 110 § 1) and the time to appeal runs from delivery (art. 129 § 2), so
closing a case whose decision is still on its way is usually a mistake. The
case page lists these deliveries and the close operation asks for an
explicit confirmation while any is pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from infostrada.documents.models import DistributionEntry, Document, OutgoingItem

# Acts delivered to the parties: decisions and rulings (KPA art. 109, art. 125).
DELIVERED_KINDS = (Document.Kind.DECISION, Document.Kind.RULING)
NOT_YET_DELIVERED = (
    OutgoingItem.Status.PREPARED,
    OutgoingItem.Status.SENT,
    OutgoingItem.Status.FAILED,
)


@dataclass(frozen=True)
class PendingDelivery:
    document_id: int
    title: str
    addressee: str
    state: str  # already translated, for the page


def pending_deliveries(unit: Any, case: Any) -> list[PendingDelivery]:
    """Every signed decision or ruling of ``case`` not yet delivered to an addressee."""
    documents = list(
        Document.objects.for_unit(unit).filter(
            case=case,
            kind__in=DELIVERED_KINDS,
            status__in=[Document.Status.SIGNED, Document.Status.DISPATCHED],
        )
    )
    if not documents:
        return []
    by_id = {d.pk: d for d in documents}
    rows: list[PendingDelivery] = []
    items = OutgoingItem.objects.for_unit(unit).filter(document_id__in=by_id).order_by("pk")
    sent_to = {i.document_id for i in items}
    for item in items:
        if item.status in NOT_YET_DELIVERED:
            rows.append(
                PendingDelivery(
                    item.document_id,
                    by_id[item.document_id].title,
                    f"{item.correspondent_name} ({item.register_number})",
                    item.get_status_display(),
                )
            )
    waiting = (
        DistributionEntry.objects.for_unit(unit)
        .filter(document_id__in=by_id, outgoing__isnull=True)
        .order_by("document_id", "list", "position")
    )
    listed = set()
    for entry in waiting:
        listed.add(entry.document_id)
        rows.append(
            PendingDelivery(
                entry.document_id,
                by_id[entry.document_id].title,
                entry.correspondent_name,
                _("not dispatched yet"),
            )
        )
    for document in documents:
        if document.pk not in sent_to and document.pk not in listed:
            rows.append(PendingDelivery(document.pk, document.title, "—", _("not dispatched yet")))
    return rows
