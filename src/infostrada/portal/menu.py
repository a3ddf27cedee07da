"""The officials' workbench menu: one entry per page, shown by permission.

The menu used to be written out in ``workbench_base.html``, so a new page
(the zoning-extract desk, the GIS import) existed without a link. Here each
entry says which permissions open it (any one of them; none = every official
of the unit) and, where a page exists only for some units, which units. The
template renders what ``menu_for`` returns, and a test checks that every
entry's page answers for the people who see the link.

The portal sits above the products (docs/decisions/0002-layering.md), so it
may name their URLs and permissions; no product imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from infostrada.accounts import roles as r
from infostrada.geo.public import offers_zoning_extract
from infostrada.tenancy.models import Unit


def _every_unit(unit: Unit) -> bool:
    return True


def issues_zoning_extracts(unit: Unit) -> bool:
    """Whether the unit issues zoning extracts: the geoportal decides (geo.public)."""
    return offers_zoning_extract(unit)


@dataclass(frozen=True)
class MenuItem:
    nav: str  # the value a page gives ``workbench_context`` to mark itself current
    label: str | Promise
    url_name: str
    needs: frozenset[str] = field(default_factory=frozenset)  # any one of them
    available: Callable[[Unit], bool] = _every_unit
    per_unit: bool = True  # the URL takes ``unit_slug``

    def shown(self, unit: Unit, perms: Iterable[str]) -> bool:
        granted = set(perms)
        return (not self.needs or bool(self.needs & granted)) and self.available(unit)

    def url(self, unit: Unit) -> str:
        if self.per_unit:
            return reverse(self.url_name, kwargs={"unit_slug": unit.slug})
        return reverse(self.url_name)


WORKBENCH_MENU: tuple[MenuItem, ...] = (
    MenuItem("home", _("Desk"), "portal:workbench_unit"),
    MenuItem("ezd", _("My tasks"), "documents:tasks"),
    MenuItem("chancellery", _("Chancellery"), "documents:chancellery", frozenset({r.DOC_REGISTER})),
    MenuItem("incoming", _("Incoming"), "documents:incoming_list"),
    MenuItem("cases", _("Cases"), "documents:case_list"),
    MenuItem("approvals", _("Approvals"), "documents:approvals", frozenset({r.DOC_APPROVE})),
    MenuItem("outgoing", _("Outgoing"), "documents:outgoing_register", frozenset({r.DOC_DISPATCH})),
    MenuItem(
        "zoning_extracts",
        _("Zoning extracts"),
        "zoning_extract:desk",
        # Who works on requests: handles the case, approves, seals or sends the extract.
        frozenset({r.DOC_HANDLE, r.DOC_VIEW_ALL, r.DOC_SIGN, r.DOC_DISPATCH}),
        available=issues_zoning_extracts,
    ),
    MenuItem("geo_import", _("GIS import"), "geo_import:import", frozenset({r.GEO_EDIT})),
    MenuItem("archive", _("Archive"), "documents:archive", frozenset({r.DOC_ARCHIVE})),
    MenuItem(
        "organisation", _("Organisation"), "documents:organisation", frozenset({r.DOC_ORGANISE})
    ),
    MenuItem("audit", _("Audit trail"), "audit:trail", frozenset({r.AUDIT_VIEW})),
    MenuItem("members", _("Officials"), "accounts:members", frozenset({r.MANAGE_MEMBERS})),
    MenuItem("security", _("Security"), "accounts:security", frozenset({r.MANAGE_SECURITY})),
    MenuItem("api", _("API clients"), "accounts:api_clients", frozenset({r.MANAGE_API_CLIENTS})),
    MenuItem("totp", _("My second factor"), "accounts:totp_setup", per_unit=False),
)


def menu_for(unit: Unit, perms: Iterable[str]) -> list[tuple[MenuItem, str]]:
    """The entries an official with ``perms`` in ``unit`` sees, with their URLs."""
    granted = frozenset(perms)
    return [(item, item.url(unit)) for item in WORKBENCH_MENU if item.shown(unit, granted)]
