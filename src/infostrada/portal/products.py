"""The products a unit offers on its portal.

Each product context registers its entry here when it is built (BIP,
e-services, registers, geoportal, participation); the unit home lists only
what exists, so residents never meet a dead link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from infostrada.geo.viewer import has_map
from infostrada.portal.menu import issues_zoning_extracts
from infostrada.tenancy.models import Unit


@dataclass(frozen=True)
class Product:
    key: str
    title: str
    description: str
    url: Callable[[Unit], str]
    available: Callable[[Unit], bool] = lambda unit: True


PRODUCTS: list[Product] = []


def register(product: Product) -> None:
    if any(p.key == product.key for p in PRODUCTS):
        raise ValueError(f"product {product.key} registered twice")
    PRODUCTS.append(product)


def products_of(unit: Unit) -> list[tuple[Product, str]]:
    return [(p, p.url(unit)) for p in PRODUCTS if p.available(unit)]


register(
    Product(
        key="geoportal",
        title=_("Geoportal"),
        description=_(
            "Maps: parcels, zoning plans and other layers; parcel search, measuring, printing."
        ),
        url=lambda unit: reverse("geoportal:viewer", kwargs={"unit_slug": unit.slug}),
        available=has_map,
    )
)
register(
    Product(
        key="zoning_extract",
        title=_("Zoning extract (wypis i wyrys)"),
        description=_(
            "Request an extract and a map from the local zoning plan for your parcels online."
        ),
        url=lambda unit: reverse("zoning_extract:request", kwargs={"unit_slug": unit.slug}),
        available=issues_zoning_extracts,
    )
)
