"""GEOS's messages about a geometry, in the operator's language.

GEOS (inside shapely) explains an invalid geometry in English with the place
of the problem, e.g. ``Self-intersection[478010.5 573510.25]``, and refuses
to build some geometries with messages such as ``A linearring requires at
least 4 coordinates.``. The import report is read by GIS operators in
Polish, so the reasons GEOS states (its ``TopologyValidationError`` list,
and the construction errors shapely passes on) are translated here; a
message we do not know is kept as GEOS wrote it rather than lost.
"""

from __future__ import annotations

import re
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

#: GEOS TopologyValidationError reasons (geos/operation/valid/TopologyValidationError.cpp).
VALIDITY: Final = {
    "Self-intersection": gettext_lazy("self-intersection (the outline crosses itself)"),
    "Ring Self-intersection": gettext_lazy("a ring touches or crosses itself"),
    "Too few points in geometry component": gettext_lazy(
        "too few points (a ring needs at least 4, a line 2)"
    ),
    "Hole lies outside shell": gettext_lazy("a hole lies outside the polygon"),
    "Holes are nested": gettext_lazy("a hole lies inside another hole"),
    "Interior is disconnected": gettext_lazy("holes split the polygon into separate parts"),
    "Nested shells": gettext_lazy("one part of the multipolygon lies inside another"),
    "Duplicate Rings": gettext_lazy("a ring appears twice"),
    "Repeated Point": gettext_lazy("a point is repeated"),
    "Invalid Coordinate": gettext_lazy("a coordinate is not a number"),
    "Ring is not closed": gettext_lazy("a ring is not closed (its last point is not its first)"),
    "Topology Validation Error": gettext_lazy("the geometry's topology is invalid"),
}
#: Construction errors of shapely/GEOS, recognised by a fragment of their text.
CONSTRUCTION: Final = (
    (
        "linearring requires at least 4 coordinates",
        VALIDITY["Too few points in geometry component"],
    ),
    ("Invalid number of points in LinearRing", VALIDITY["Too few points in geometry component"]),
    ("point array must contain 0 or >1 elements", VALIDITY["Too few points in geometry component"]),
    ("do not form a closed linestring", VALIDITY["Ring is not closed"]),
)
_PLACED = re.compile(r"^\s*(?P<reason>[^\[]+?)\s*\[(?P<x>[-+0-9.eE]+)\s+(?P<y>[-+0-9.eE]+)\]\s*$")


def translate_reason(text: str) -> str:
    """A GEOS message (validity reason or construction error) in the active language."""
    placed = _PLACED.match(text or "")
    if placed:
        reason = VALIDITY.get(placed["reason"])
        if reason is not None:
            try:
                x, y = float(placed["x"]), float(placed["y"])
            except ValueError:
                return str(reason)
            return _("%(reason)s at %(x).2f, %(y).2f") % {"reason": reason, "x": x, "y": y}
    known = VALIDITY.get((text or "").strip())
    if known is not None:
        return str(known)
    for fragment, message in CONSTRUCTION:
        if fragment.lower() in (text or "").lower():
            return str(message)
    return text


def explain(geometry: BaseGeometry) -> str:
    """Why ``geometry`` is invalid, translated (shapely's ``explain_validity``)."""
    return translate_reason(explain_validity(geometry))
