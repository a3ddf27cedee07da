"""System check: every model that belongs to a unit is tenant-scoped."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks

# Models with a ``unit`` foreign key that are not tenant data, with the reason.
EXEMPT = {
    "tenancy.unitdomain": "resolves a host to its unit before any unit is known",
}


@checks.register()
def check_tenant_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from infostrada.tenancy.models import Unit

    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if f.name == "unit"]
        if not fields or getattr(fields[0], "related_model", None) is not Unit:
            continue
        if model._meta.label_lower in EXEMPT:
            continue
        manager = model._default_manager
        if not getattr(manager, "is_tenant_manager", False):
            errors.append(
                checks.Error(
                    f"{model._meta.label} has a unit but its default manager is not tenant-scoped.",
                    hint="Use infostrada.tenancy.scoping.TenantManager as `objects`.",
                    obj=model,
                    id="tenancy.E001",
                )
            )
    return errors
