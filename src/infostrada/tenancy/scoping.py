"""Tenant scoping for every model that belongs to a unit.

A tenant model's default manager is :class:`TenantManager`. Its querysets
refuse to run until they are scoped: by ``for_unit(unit)``, ``for_units(...)``,
a filter on ``unit``/``unit_id`` (which is what Django's related managers do,
e.g. ``unit.events.all()``), or an explicit ``unscoped(reason)`` for the rare
cross-unit read (a region administrator's view, a system job). Forgetting the
scope therefore fails loudly in development and in tests instead of leaking
another unit's data. A system check (``tenancy.E001``) makes sure every model
with a ``unit`` foreign key uses this manager.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from django.db import models


class UnscopedQueryError(RuntimeError):
    """A query of tenant data was run without choosing a unit."""


class TenantQuerySet(models.QuerySet):
    _scoped: bool = False

    def _clone(self) -> Self:
        clone = super()._clone()
        clone._scoped = self._scoped
        return clone

    def _mark(self) -> Self:
        self._scoped = True
        return self

    def for_unit(self, unit: Any) -> Self:
        """Rows of one unit."""
        return self.filter(unit=unit)

    def for_units(self, units: Iterable[Any]) -> Self:
        """Rows of several units (e.g. a region administrator's view)."""
        return self.filter(unit__in=list(units))

    def unscoped(self, reason: str) -> Self:
        """Cross-unit query; ``reason`` documents why at the call site."""
        if not reason:
            raise ValueError("unscoped() needs a reason")
        return self._clone()._mark()

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        qs = super().filter(*args, **kwargs)
        if any(key.split("__")[0] in ("unit", "unit_id") for key in kwargs):
            qs._scoped = True
        return qs

    def _check_scope(self) -> None:
        if not self._scoped:
            raise UnscopedQueryError(
                f"Query of {self.model.__name__} without a unit: use .for_unit(unit) "
                "or .unscoped(reason)."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None):  # type: ignore[override]
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    """Default manager of tenant models; see the module docstring."""

    is_tenant_manager = True
