"""Which layers the OGC services publish, and under which names.

A collection (and a WMS layer) is named ``<unit-slug>.<layer-slug>``, e.g.
``lubicz.dzialki``. Only public layers of active units exist here; any other
name — another unit's private layer, a layer of a deactivated unit, a typo —
is "not found" alike, so the services reveal nothing about what is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from infostrada.geo.crs import EPSG_URI, STORAGE_SRID, bbox_from_storage
from infostrada.geo.models import Layer
from infostrada.geo.ogc.common import not_found

REASON = "OGC services: public layers of active units, served region-wide"


@dataclass(frozen=True)
class Collection:
    id: str
    layer: Layer

    @property
    def title(self) -> str:
        return self.layer.title

    @property
    def unit_name(self) -> str:
        return self.layer.unit.name

    @property
    def storage_extent(self) -> tuple[float, float, float, float] | None:
        return self.layer.extent

    def extent_in(self, code: str) -> tuple[float, float, float, float] | None:
        """The layer's extent in ``code`` (x/y order), or None for an empty layer."""
        extent = self.layer.extent
        if extent is None:
            return None
        if code == f"EPSG:{STORAGE_SRID}":
            return extent
        return bbox_from_storage(extent, code)

    @property
    def version(self) -> str:
        """Changes whenever the layer or its features change (cache keys, ETags)."""
        return f"{self.layer.pk}-{self.layer.updated_at.timestamp():.6f}"

    @property
    def schema(self) -> list[dict[str, str]]:
        return [
            a
            for a in (self.layer.schema or [])
            if isinstance(a, dict) and isinstance(a.get("name"), str)
        ]


STORAGE_CRS = EPSG_URI.format(code=STORAGE_SRID)


def _public() -> Q:
    return Q(is_public=True, unit__is_active=True)


def _collection(layer: Layer) -> Collection:
    return Collection(f"{layer.unit.slug}.{layer.slug}", layer)


def public_collections(unit_slug: str | None = None) -> list[Collection]:
    """Every published layer (of one unit when ``unit_slug`` is given), in name order."""
    layers = Layer.objects.unscoped(REASON).filter(_public()).select_related("unit")
    if unit_slug is not None:
        layers = layers.filter(unit__slug=unit_slug)
    return sorted((_collection(layer) for layer in layers), key=lambda c: c.id)


def _split(collection_id: str) -> tuple[str, str] | None:
    unit_slug, dot, layer_slug = collection_id.partition(".")
    if not dot or not unit_slug or not layer_slug:
        return None
    return unit_slug, layer_slug


def get_collection(collection_id: str) -> Collection:
    """The published collection of that name (one query); 404 otherwise."""
    parts = _split(collection_id)
    if parts is not None:
        layer = (
            Layer.objects.filter(_public(), unit__slug=parts[0], slug=parts[1])
            .select_related("unit")
            .first()
        )
        if layer is not None:
            return _collection(layer)
    raise not_found(_("There is no collection %(id)s.") % {"id": collection_id})


def find_collections(names: Iterable[str]) -> dict[str, Collection]:
    """The published collections among ``names`` (one query); unknown names are left out."""
    condition = Q()
    for name in names:
        parts = _split(name)
        if parts is not None:
            condition |= Q(unit__slug=parts[0], slug=parts[1])
    if not condition:
        return {}
    layers = Layer.objects.unscoped(REASON).filter(_public()).filter(condition)
    return {c.id: c for c in map(_collection, layers.select_related("unit"))}
