"""Reading planning acts published in the national APP schema (app/1.0 and app/2.0).

APP (akt planowania przestrzennego): the GML schema of the regulation on
spatial data sets and metadata of spatial planning, version 1.0 (2020, local
plans and studies: the act's boundary and drawing) and 2.0 (after the 2023
reform, with the general plan's ``StrefaPlanistyczna`` zones). Read:

* ``AktPlanowaniaPrzestrzennego`` — ``idIIP`` (``przestrzenNazw`` + ``lokalnyId``
  form the act's identifier, without the version so that a new version of an
  act updates it), ``tytul``, ``typPlanu`` (local plan / general plan; other
  acts such as a study or a voivodeship plan are reported and skipped),
  ``status`` (INSPIRE ``ProcessStepGeneralValue``: ``legalForce`` is in force),
  ``obowiazujeOd``/``obowiazujeDo``, ``zasiegPrzestrzenny`` (the boundary),
  ``dokumentUstanawiajacy`` → ``DokumentFormalny`` (resolution and its date);
* ``StrefaPlanistyczna`` (app/2.0) — ``oznaczenie`` (``1SJ``), ``symbol``
  (``SJ``), ``nazwa``/``rodzajStrefy`` (the zone kind, ``zones.GENERAL_PLAN_ZONES``),
  ``profilPodstawowy``/``profilDodatkowy``, the four building parameters,
  ``geometria``; linked to its act by ``plan`` or, when that link is empty (as
  in files the national QGIS plugin writes), by the shared ``przestrzenNazw``.

Zones of local plans are usually not in APP 1.0; they come as a separate
layer (``vector.read_zone_layer``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from lxml import etree
from shapely.geometry.base import BaseGeometry

from infostrada.geo.importers.gml import XLINK_HREF, XLINK_TITLE, gml_id, href_key
from infostrada.geo.importers.gmlfile import (
    APP_NAMESPACES,
    GmlFileReader,
    child,
    children,
    code_value,
    iip,
    refs,
    text,
)
from infostrada.geo.importers.report import WARNING
from infostrada.geo.importers.zones import GENERAL_PLAN_ZONES, general_zone_type, normalize

IN_FORCE_CODES = frozenset({"legalforce", "obowiazujacy", "prawniewiazacy", "czesciowouchylony"})
NOT_IN_FORCE_CODES = frozenset(
    {"elaboration", "adoption", "obsolete", "wopracowaniu", "wtrakcieprzyjmowania", "nieaktualny"}
)
# Polish labels of the general plan's building parameters (stored text, as in the act)
PARAMETERS = (
    ("maksNadziemnaIntensywnoscZabudowy", "Maksymalna nadziemna intensywność zabudowy", ""),
    ("maksUdzialPowierzchniZabudowy", "Maksymalny udział powierzchni zabudowy", " %"),
    ("maksWysokoscZabudowy", "Maksymalna wysokość zabudowy", " m"),
    (
        "minUdzialPowierzchniBiologicznieCzynnej",
        "Minimalny udział powierzchni biologicznie czynnej",
        " %",
    ),
)


@dataclass
class ActRecord:
    app_id: str
    namespace_id: str
    local_id: str
    gml_id: str
    kind: str  # Plan.Kind value
    title: str
    status: str
    in_force: bool
    boundary: BaseGeometry | None
    document_refs: list[str]
    resolution: str = ""
    adopted_on: datetime.date | None = None


@dataclass
class ZoneRecord:
    fid: str
    namespace_id: str
    local_id: str
    plan_ref: str
    symbol: str
    zone_type: str
    designation: str
    provisions: str
    geometry: BaseGeometry

    def properties(self, plan_id: str) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "zone_type": self.zone_type,
            "designation": self.designation,
            "plan": plan_id,
        }


@dataclass
class AppContent:
    acts: list[ActRecord] = field(default_factory=list)
    zones: list[ZoneRecord] = field(default_factory=list)
    documents: dict[str, tuple[str, datetime.date | None]] = field(default_factory=dict)


def plan_kind(code: str, title: str) -> str | None:
    value = normalize(code) + " " + normalize(title)
    if "planogolny" in value:
        return "general"
    if any(k in value for k in ("miejscowyplan", "mpzp", "zintegrowanyplaninwestycyjny")):
        return "local"
    return None


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class AppReader(GmlFileReader):
    namespaces: ClassVar[frozenset[str]] = APP_NAMESPACES
    schema_name: ClassVar[str] = "APP"

    def __init__(self, report, *, default_crs=None, today=None):  # type: ignore[no-untyped-def]
        super().__init__(report, default_crs=default_crs)
        self.content = AppContent()
        self.today = today or datetime.date.today()
        self._act_ids: set[str] = set()
        self._zone_ids: set[str] = set()

    def handlers(self):  # type: ignore[no-untyped-def]
        return {
            "AktPlanowaniaPrzestrzennego": self.act,
            "StrefaPlanistyczna": self.zone,
            "DokumentFormalny": self.document,
        }

    def act(self, element: etree._Element) -> None:
        section = "plans"
        counts = self.report.section(section)
        counts.read += 1
        namespace_id, local_id = iip(element)
        if not (namespace_id and local_id):
            label = gml_id(element) or f"#{counts.read}"
            self.report.problem(
                section,
                label,
                "id_missing",
                _("the act has no identifier (idIIP with przestrzenNazw and lokalnyId)"),
            )
            return
        app_id = f"{namespace_id}/{local_id}"[:200]
        if app_id in self._act_ids:
            self.report.problem(
                section,
                app_id,
                "id_duplicate",
                _("the identifier %(id)s appears more than once; the first act was kept")
                % {"id": app_id},
            )
            return
        code, title = code_value(element, "typPlanu")
        kind = plan_kind(code, title)
        if kind is None:
            self.report.problem(
                section,
                app_id,
                "plan_type_unsupported",
                _("the act is a %(type)s; only local plans (MPZP) and general plans are imported")
                % {"type": title or code or _("planning act of unknown type")},
            )
            return
        name = text(element, "tytul") or text(element, "tytulAlternatywny")
        if not name:
            self.report.problem(
                section, app_id, "title_missing", _("the act has no title (tytul)"), WARNING
            )
            name = app_id
        boundary = self.geometry(
            element, "zasiegPrzestrzenny", section, app_id, required=False, severity=WARNING
        )
        if child(element, "zasiegPrzestrzenny") is None:
            self.report.problem(
                section,
                app_id,
                "geometry_missing",
                _("the act has no boundary (zasiegPrzestrzenny); imported without it"),
                WARNING,
            )
        status_code, status_title = code_value(element, "status")
        self._act_ids.add(app_id)
        self.content.acts.append(
            ActRecord(
                app_id=app_id,
                namespace_id=namespace_id,
                local_id=local_id,
                gml_id=gml_id(element),
                kind=kind,
                title=name[:500],
                status=status_title or status_code,
                in_force=self._in_force(element, app_id, status_code, status_title),
                boundary=boundary,
                document_refs=refs(element, "dokumentUstanawiajacy"),
            )
        )

    def _in_force(self, element: etree._Element, app_id: str, code: str, title: str) -> bool:
        valid_from = _date(text(element, "obowiazujeOd"))
        valid_to = _date(text(element, "obowiazujeDo"))
        if valid_to is not None and valid_to <= self.today:
            return False
        for key in (normalize(code), normalize(title)):  # the code first: titles vary
            if key in IN_FORCE_CODES:
                return True
            if key in NOT_IN_FORCE_CODES:
                return False
        self.report.problem(
            "plans",
            app_id,
            "status_unknown",
            _("the status %(status)s is not known; in force was decided by the dates")
            % {"status": title or code or "-"},
            WARNING,
        )
        return valid_from is not None and valid_from <= self.today

    def document(self, element: etree._Element) -> None:
        namespace_id, local_id = iip(element)
        resolution = (
            text(element, "nazwaSkrocona")
            or text(element, "numerIdentyfikacyjny")
            or text(element, "tytul")
        )
        value = (resolution[:200], _date(text(element, "data")))
        for key in (gml_id(element), f"{namespace_id}/{local_id}" if local_id else ""):
            if key:
                self.content.documents[key] = value

    def zone(self, element: etree._Element) -> None:
        section = "zones"
        counts = self.report.section(section)
        counts.read += 1
        namespace_id, local_id = iip(element)
        fid = local_id or gml_id(element)
        if not fid:
            self.report.problem(
                section, f"#{counts.read}", "id_missing", _("the zone has no identifier (idIIP)")
            )
            return
        key = f"{namespace_id}/{fid}"
        if key in self._zone_ids:
            self.report.problem(
                section,
                fid,
                "id_duplicate",
                _("the identifier %(id)s appears more than once; the first zone was kept")
                % {"id": fid},
            )
            return
        geometry = self.geometry(element, "geometria", section, fid)
        if geometry is None:
            return
        self._zone_ids.add(key)
        label = text(element, "oznaczenie")
        symbol = text(element, "symbol")
        name_code, name_title = code_value(element, "nazwa")
        kind_code, kind_title = code_value(element, "rodzajStrefy")
        zone_type = general_zone_type(name_code, name_title, kind_code, kind_title, symbol, label)
        if not zone_type:
            self.report.problem(
                section,
                fid,
                "zone_type_unknown",
                _(
                    "the zone kind %(kind)s is none of the 13 kinds of art. 13c of the Act "
                    "on spatial planning; imported without a kind"
                )
                % {"kind": name_title or kind_title or symbol or "-"},
                WARNING,
            )
        elif symbol and general_zone_type(symbol) not in ("", zone_type):
            self.report.problem(
                section,
                fid,
                "zone_symbol_mismatch",
                _("the symbol %(symbol)s does not match the zone kind %(kind)s")
                % {"symbol": symbol, "kind": zone_type},
                WARNING,
            )
        designation = (
            GENERAL_PLAN_ZONES[zone_type][0] if zone_type else name_title or kind_title or ""
        )
        plan_refs = refs(element, "plan")
        self.content.zones.append(
            ZoneRecord(
                fid=fid[:120],
                namespace_id=namespace_id,
                local_id=local_id,
                plan_ref=plan_refs[0] if plan_refs else "",
                symbol=(label or symbol or zone_type)[:40],
                zone_type=zone_type,
                designation=designation[:300],
                provisions=self._provisions(element),
                geometry=geometry,
            )
        )

    def _provisions(self, element: etree._Element) -> str:
        lines = []
        for prop, heading in (
            ("profilPodstawowy", "Profil podstawowy"),
            ("profilDodatkowy", "Profil dodatkowy"),
        ):
            values = []
            for node in children(element, prop):
                value = (
                    (node.get(XLINK_TITLE) or "").strip()
                    or (node.text or "").strip()
                    or href_key(node.get(XLINK_HREF)).rsplit("#", 1)[-1]
                )
                if value and value not in values:
                    values.append(value)
            if values:
                lines.append(f"{heading}: {', '.join(values)}.")
        for prop, label, unit in PARAMETERS:
            value = text(element, prop)
            if value:
                lines.append(f"{label}: {value}{unit}.")
        return "\n".join(lines)[:50_000]

    def finish(self) -> None:
        super().finish()
        for act in self.content.acts:
            for ref in act.document_refs:
                found = self.content.documents.get(ref)
                if found:
                    act.resolution, act.adopted_on = found
                    break
