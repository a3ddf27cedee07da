"""Importing spatial data with a validation report (workbench page and ``geo-import``).

Formats: the cadastre's GML (EGiB, ``egib``), planning acts in the APP schema
(``app``), and Shapefile (ZIP), GeoPackage, GeoJSON or any GML that OGR reads
(``vector``). Every import returns an :class:`ImportReport`; a file that cannot
be used raises :class:`ImportRefused` and changes nothing. The modules:
``services`` (the three operations), ``egib`` / ``app`` / ``vector`` (readers),
``gml`` (GML geometries), ``checks`` (per-feature geometry checks),
``writing`` / ``plans`` (storing), ``zones`` (zone types and styles),
``report``, ``xmlsafe``, ``scope`` (the unit's TERC codes), ``mapping``.
Import from this package, not from them.
"""

from infostrada.geo.importers.mapping import ZoneMapping
from infostrada.geo.importers.report import Counts, ImportRefused, ImportReport, Problem
from infostrada.geo.importers.services import import_app, import_egib, import_vector

__all__ = [
    "Counts",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "ZoneMapping",
    "import_app",
    "import_egib",
    "import_vector",
]
