"""The streaming loop shared by the EGiB and APP readers, and their CRS bookkeeping.

A reader subclass names its schema's namespaces and a handler per feature
element (``EGB_DzialkaEwidencyjna``, ``AktPlanowaniaPrzestrzennego``, ...).
The loop reads the file once with ``iterparse``, hands each finished feature
element to its handler and then drops it from memory. Whether the file is
usable at all is decided here: it must be XML without a DTD, contain objects
of the expected schema, and at least one geometry in a known coordinate
system; otherwise :class:`ImportRefused`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, ClassVar, Final

from django.utils.translation import gettext as _
from lxml import etree
from shapely.geometry.base import BaseGeometry

from infostrada.geo.importers.checks import to_storage_checked
from infostrada.geo.importers.gml import (
    GML_NAMESPACES,
    XLINK_HREF,
    XLINK_TITLE,
    GeometryError,
    href_key,
    is_gml,
    local,
    namespace,
    read_geometry,
)
from infostrada.geo.importers.report import SKIPPED, ImportRefused, ImportReport
from infostrada.geo.importers.xmlsafe import as_stream, check_prolog, iterparse, release

EGIB_NAMESPACES: Final = frozenset(
    {
        "urn:gugik:specyfikacje:gmlas:ewidencjaGruntowBudynkow:1.0",
        # written by some surveying software (C-GEO) instead of the URN above
        "ewidencjaGruntowIBudynkow:1.0",
    }
)
APP_NAMESPACES: Final = frozenset(
    {
        "https://www.gov.pl/static/zagospodarowanieprzestrzenne/schemas/app/1.0",
        "https://www.gov.pl/static/zagospodarowanieprzestrzenne/schemas/app/2.0",
    }
)
#: PUWG 1992 and the four zones of PUWG 2000: what EGiB and APP files may use.
POLISH_GRIDS: Final = frozenset({"EPSG:2180", "EPSG:2176", "EPSG:2177", "EPSG:2178", "EPSG:2179"})
_CRS_FAILURES: Final = frozenset({"crs_missing", "crs_unknown", "crs_unsupported"})


def text(element: etree._Element, name: str) -> str:
    """Stripped text of the first child called ``name`` (any namespace), or ''."""
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def child(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if local(c.tag) == name), None)


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if local(c.tag) == name]


def refs(element: etree._Element, name: str) -> list[str]:
    """xlink:href targets of the children called ``name``."""
    return [href_key(c.get(XLINK_HREF)) for c in children(element, name) if c.get(XLINK_HREF)]


def code_value(element: etree._Element, name: str) -> tuple[str, str]:
    """A code-list property: (code from the href's last segment or the text, title)."""
    node = child(element, name)
    if node is None:
        return "", ""
    href = (node.get(XLINK_HREF) or "").strip()
    code = href.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if href else ""
    return code or (node.text or "").strip(), (node.get(XLINK_TITLE) or "").strip()


def iip(element: etree._Element) -> tuple[str, str]:
    """(przestrzenNazw, lokalnyId) of the feature's idIIP identifier."""
    holder = child(element, "idIIP")
    if holder is None:
        return "", ""
    names = {local(e.tag): (e.text or "").strip() for e in holder.iter() if isinstance(e.tag, str)}
    return names.get("przestrzenNazw", ""), names.get("lokalnyId", "")


class GmlFileReader:
    namespaces: ClassVar[frozenset[str]]
    allowed_crs: ClassVar[frozenset[str]] = POLISH_GRIDS
    schema_name: ClassVar[str]

    def __init__(self, report: ImportReport, *, default_crs: str | None = None) -> None:
        self.report = report
        self.default_crs = default_crs
        self.file_srs: str | None = None
        self.seen_schema = False
        self.seen_namespaces: set[str] = set()
        self.crs_ok = 0
        self.crs_failed = 0
        self.bad_srs: set[str] = set()

    def handlers(self) -> dict[str, Callable[[etree._Element], None]]:
        raise NotImplementedError

    def read(self, data: bytes | IO[bytes]) -> None:
        stream = as_stream(data)
        check_prolog(stream)
        handlers = self.handlers()
        root = None
        for event, element in iterparse(stream):
            tag = element.tag
            if not isinstance(tag, str):
                continue
            ns = namespace(tag)
            if event == "start":
                if root is None:
                    root = element
                if ns in self.namespaces:
                    self.seen_schema = True
                elif len(self.seen_namespaces) < 50:
                    self.seen_namespaces.add(ns)
                continue
            handler = handlers.get(local(tag)) if ns in self.namespaces else None
            if handler is not None:
                handler(element)
                release(element)
                continue
            if self.file_srs is None and is_gml(element) and local(tag) == "Envelope":
                self.file_srs = element.get("srsName") or None
            if element.getparent() is root and root is not None:
                release(element)
        self.finish()

    def finish(self) -> None:
        if not self.seen_schema:
            raise self.not_this_schema()
        if self.crs_ok == 0 and self.crs_failed > 0:
            raise ImportRefused(
                "crs_unusable",
                _(
                    "No geometry in the file has a coordinate system that can be used "
                    "(found: %(srs)s; accepted: %(accepted)s). Export the file in PUWG 1992 "
                    "or PUWG 2000, or choose the coordinate system if the file states none. "
                    "Nothing was imported."
                ),
                {
                    "srs": ", ".join(sorted(self.bad_srs)) or _("none"),
                    "accepted": ", ".join(sorted(self.allowed_crs)),
                },
                report=self.report,
            )

    def not_this_schema(self) -> ImportRefused:
        other = self.seen_namespaces - set(GML_NAMESPACES)
        if other & APP_NAMESPACES:
            found = _("a planning act (APP)")
        elif other & EGIB_NAMESPACES:
            found = _("cadastral data (EGiB)")
        else:
            found = ", ".join(sorted(n for n in other if n)[:5]) or _("no namespace")
        return ImportRefused(
            "schema_unexpected",
            _(
                "The file holds no objects of the %(expected)s schema (namespace %(ns)s); "
                "it contains %(found)s. Check that you chose the right kind of data. "
                "Nothing was imported."
            ),
            {
                "expected": self.schema_name,
                "ns": " / ".join(sorted(self.namespaces)),
                "found": found,
            },
        )

    def geometry(
        self,
        element: etree._Element,
        prop: str,
        section: str,
        fid: str,
        *,
        polygonal: bool = True,
        required: bool = True,
        severity: str = SKIPPED,
    ) -> BaseGeometry | None:
        """The feature's geometry property in storage, or None (and the problem reported)."""
        holder = child(element, prop)
        if holder is None or not len(holder):
            if required:
                self.report.problem(
                    section, fid, "geometry_missing", _("the object has no geometry")
                )
            return None
        try:
            geometry, code, srs = read_geometry(
                holder, default_srs=self.file_srs or self.default_crs
            )
        except GeometryError as exc:
            if exc.code in _CRS_FAILURES:
                self.crs_failed += 1
                self.bad_srs.add(holder[0].get("srsName") or _("none"))
            self.report.geometry_read(usable=False)
            self.report.problem(section, fid, exc.code, exc.message, severity)
            return None
        if code not in self.allowed_crs:
            self.crs_failed += 1
            self.bad_srs.add(srs)
            self.report.geometry_read(usable=False)
            self.report.problem(
                section,
                fid,
                "crs_unsupported",
                _("the coordinate system %(crs)s is not one of %(accepted)s")
                % {"crs": srs, "accepted": ", ".join(sorted(self.allowed_crs))},
                severity,
            )
            return None
        self.crs_ok += 1
        self.report.used_crs(code)
        return to_storage_checked(
            self.report, section, fid, geometry, code, polygonal=polygonal, severity=severity
        )
