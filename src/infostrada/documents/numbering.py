"""Gap-free numbers for registers, spisy spraw and archive lists.

Each counter is a row holding the last number given. A number is taken by
locking that row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers) and incrementing it in the same transaction
that writes the numbered record. If that transaction fails, the increment is
rolled back with it, so numbers stay 1, 2, 3 ... without gaps or duplicates,
however many clerks register at once. The counter row is created on first use
with an insert that ignores a concurrent insert of the same row; after that,
taking a number is one locking read and one update.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def take_next(model: type[M], *, unit: Any, **key: Any) -> tuple[int, M]:
    """Lock the counter ``model`` for ``unit`` and ``key``, increment it, return the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken inside the transaction that uses them")
    locked = model._default_manager.select_for_update().for_unit(unit)
    counter = locked.filter(**key).first()
    if counter is None:  # the first number of this register, list or year
        model._default_manager.bulk_create([model(unit=unit, **key)], ignore_conflicts=True)
        counter = locked.get(**key)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, counter
