"""Writing planning acts and their zones (inside the import's transaction).

Each act is a ``Plan`` identified by its APP identifier (``przestrzenNazw/lokalnyId``)
and has a layer of its own for its zones (``plan-...``, kind local/general plan,
styled per zone type). The acts' boundaries go to one shared layer,
``zasiegi-planow``. Zones given for an act replace that act's zones: a zone no
longer in the file is removed (a plan's zones are the plan, not a sample).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from infostrada.audit.context import Actor
from infostrada.geo.importers.app import ActRecord, AppContent, ZoneRecord
from infostrada.geo.importers.report import ImportReport
from infostrada.geo.importers.writing import ensure_layer
from infostrada.geo.importers.zones import BOUNDARY_STYLE, plan_style
from infostrada.geo.models import Feature, Layer, Plan, PlanZone
from infostrada.geo.services import store_features
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import polish_slug

BOUNDARY_LAYER: Final = "zasiegi-planow"
ZONE_SCHEMA: Final = [
    {"name": "symbol", "type": "string", "title": "Oznaczenie"},
    {"name": "zone_type", "type": "string", "title": "Rodzaj"},
    {"name": "designation", "type": "string", "title": "Przeznaczenie"},
    {"name": "plan", "type": "string", "title": "Akt planowania przestrzennego"},
]
BOUNDARY_SCHEMA: Final = [
    {"name": "tytul", "type": "string", "title": "Tytuł"},
    {"name": "rodzaj", "type": "string", "title": "Rodzaj aktu"},
    {"name": "obowiazuje", "type": "boolean", "title": "Obowiązuje"},
    {"name": "uchwala", "type": "string", "title": "Uchwała"},
    {"name": "dataUchwalenia", "type": "string", "title": "Data uchwalenia"},
]
_KIND_LAYER: Final = {
    Plan.Kind.LOCAL: Layer.Kind.LOCAL_PLAN,
    Plan.Kind.GENERAL: Layer.Kind.GENERAL_PLAN,
}


def plan_layer_slug(app_id: str) -> str:
    """``plan-pl-zippzp-1234-121201-pog-1pog-3fa9c1``: readable, and unique by the hash."""
    digest = hashlib.sha1(app_id.encode(), usedforsecurity=False).hexdigest()[:6]
    base = polish_slug(re.sub(r"[^0-9A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż]+", " ", app_id))[:48].strip("-")
    return f"plan-{base}-{digest}" if base else f"plan-{digest}"


def write_acts(
    *, actor: Actor, unit: Unit, acts: Sequence[ActRecord], report: ImportReport
) -> dict[str, Plan]:
    """Create or update the acts' plans; the unit's plans by APP identifier."""
    existing = {
        p.app_id: p
        for p in Plan.objects.for_unit(unit)
        .filter(app_id__in=[a.app_id for a in acts])
        .select_related("layer")
    }
    counts = report.section("plans")
    for act in acts:
        plan = existing.get(act.app_id)
        values = {
            "kind": act.kind,
            "title": act.title,
            "resolution": act.resolution,
            "adopted_on": act.adopted_on,
            "in_force": act.in_force,
        }
        if plan is None:
            layer = ensure_layer(
                actor=actor,
                unit=unit,
                report=report,
                slug=plan_layer_slug(act.app_id),
                title=act.title,
                kind=_KIND_LAYER[act.kind],
                schema=ZONE_SCHEMA,
                style=plan_style(act.kind),
                attribution="APP",
            )
            plan = Plan.objects.create(unit=unit, app_id=act.app_id, layer=layer, **values)
            existing[act.app_id] = plan
            counts.created += 1
            continue
        report.used_layer(plan.layer.slug)
        if all(getattr(plan, k) == v for k, v in values.items()):
            counts.unchanged += 1
            continue
        for k, v in values.items():
            setattr(plan, k, v)
        plan.save(update_fields=list(values))
        if plan.layer.kind != _KIND_LAYER[act.kind]:
            plan.layer.kind = _KIND_LAYER[act.kind]
            plan.layer.style = plan_style(act.kind)
            plan.layer.save(update_fields=["kind", "style", "updated_at"])
        counts.updated += 1
    boundaries = [
        (
            a.app_id,
            {
                "tytul": a.title,
                "rodzaj": str(Plan.Kind(a.kind).label),
                "obowiazuje": a.in_force,
                "uchwala": a.resolution,
                "dataUchwalenia": a.adopted_on.isoformat() if a.adopted_on else None,
            },
            a.boundary,
        )
        for a in acts
        if a.boundary is not None
    ]
    if boundaries:
        layer = ensure_layer(
            actor=actor,
            unit=unit,
            report=report,
            slug=BOUNDARY_LAYER,
            title="Zasięgi aktów planowania przestrzennego",
            kind=Layer.Kind.OTHER,
            schema=BOUNDARY_SCHEMA,
            style=BOUNDARY_STYLE,
            attribution="APP",
        )
        store_features(layer, boundaries)
    return existing


def assign_zones(
    *, unit: Unit, content: AppContent, report: ImportReport
) -> dict[str, list[ZoneRecord]]:
    """The zones of each act (by APP identifier): acts of the file, or already imported.

    Read-only, so that it runs before the import's transaction; a zone of no
    known act is reported and skipped.
    """
    acts = content.acts
    by_ref: dict[str, str] = {}
    for act in acts:
        for key in (act.gml_id, act.app_id, act.local_id):
            if key:
                by_ref[key] = act.app_id
    database: list[str] | None = None
    result: dict[str, list[ZoneRecord]] = defaultdict(list)
    fids: dict[str, set[str]] = defaultdict(set)
    for zone in content.zones:
        app_id = _plan_of(zone, acts, by_ref)
        if app_id is None:
            if database is None:
                database = list(Plan.objects.for_unit(unit).values_list("app_id", flat=True))
            app_id = _plan_in(zone, database)
        if app_id is None:
            report.problem(
                "zones",
                zone.fid,
                "zone_without_plan",
                _(
                    "the zone belongs to no planning act in the file or already imported "
                    "(its act: %(ref)s); import the act first or with it"
                )
                % {"ref": zone.plan_ref or zone.namespace_id or "-"},
            )
            continue
        if zone.fid in fids[app_id]:
            report.problem(
                "zones",
                zone.fid,
                "id_duplicate",
                _(
                    "the identifier %(id)s appears more than once in the act; the first zone "
                    "was kept"
                )
                % {"id": zone.fid},
            )
            continue
        fids[app_id].add(zone.fid)
        result[app_id].append(zone)
    return dict(result)


def plans_by_id(unit: Unit, app_ids: Sequence[str], known: dict[str, Plan]) -> dict[str, Plan]:
    """``known`` completed with the unit's other plans among ``app_ids``."""
    missing = [a for a in app_ids if a not in known]
    found = dict(known)
    if missing:
        rows = Plan.objects.for_unit(unit).filter(app_id__in=missing).select_related("layer")
        found.update({p.app_id: p for p in rows})
    return found


def _plan_of(zone: ZoneRecord, acts: Sequence[ActRecord], by_ref: dict[str, str]) -> str | None:
    if zone.plan_ref:
        found = by_ref.get(zone.plan_ref) or by_ref.get(zone.plan_ref.rsplit("/", 1)[-1])
        if found:
            return found
    same = [a for a in acts if zone.namespace_id and a.namespace_id == zone.namespace_id]
    prefixed = [a for a in same if zone.local_id.startswith(a.local_id + "-")]
    if len(prefixed) == 1:
        return prefixed[0].app_id
    if len(same) == 1:
        return same[0].app_id
    if len(acts) == 1 and not zone.namespace_id:
        return acts[0].app_id  # a zone layer given with the act
    return None


def _plan_in(zone: ZoneRecord, app_ids: list[str]) -> str | None:
    if not zone.namespace_id:
        return None
    same = [a for a in app_ids if a.startswith(zone.namespace_id + "/")]
    prefixed = [a for a in same if zone.local_id.startswith(a.rsplit("/", 1)[-1] + "-")]
    if len(prefixed) == 1:
        return prefixed[0]
    return same[0] if len(same) == 1 else None


def write_zones(
    *, unit: Unit, plan: Plan, zones: Sequence[ZoneRecord], report: ImportReport
) -> None:
    """Replace the plan's zones with ``zones``; counts per zone (feature and provisions)."""
    layer = plan.layer
    report.used_layer(layer.slug)
    before: dict[str, tuple[dict[str, Any], bytes]] = {
        fid: (properties, bytes(geom))
        for fid, properties, geom in Feature.objects.for_unit(unit)
        .filter(layer=layer)
        .values_list("fid", "properties", "geom")
    }
    rows = [(z.fid, z.properties(plan.app_id), z.geometry) for z in zones]
    result = store_features(layer, rows, replace=True)
    existing = {z.feature_id: z for z in PlanZone.objects.for_unit(unit).filter(plan=plan)}
    counts = report.section("zones")
    new: list[PlanZone] = []
    changed: list[PlanZone] = []
    fields = ["symbol", "designation", "zone_type", "provisions"]
    for zone, (fid, properties, geometry) in zip(zones, rows, strict=True):
        feature_id = result.feature_ids[fid]
        values = {
            "symbol": zone.symbol,
            "designation": zone.designation,
            "zone_type": zone.zone_type,
            "provisions": zone.provisions,
        }
        row = existing.get(feature_id)
        feature_same = fid in before and before[fid] == (properties, geometry.wkb)
        if row is None:
            new.append(PlanZone(unit=unit, plan=plan, feature_id=feature_id, **values))
            counts.created += 1 if fid not in before else 0
            counts.updated += 1 if fid in before else 0
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
            counts.updated += 1
        elif feature_same:
            counts.unchanged += 1
        else:
            counts.updated += 1
    PlanZone.objects.bulk_create(new)
    PlanZone.objects.for_unit(unit).bulk_update(changed, fields)
    counts.deleted += result.deleted
    if result.deleted:
        report.note(
            ngettext(
                "%(count)s zone of %(plan)s that the file no longer contains was removed.",
                "%(count)s zones of %(plan)s that the file no longer contains were removed.",
                result.deleted,
            )
            % {"count": result.deleted, "plan": plan.title}
        )
