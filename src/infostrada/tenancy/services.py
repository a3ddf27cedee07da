"""Operations on units: the TERC import, partner units, contact data.

The unit *model* is the lowest layer of the platform; these operations sit
above accounts because they need its permission policy (docs/decisions/0002).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import EDIT_UNIT, MANAGE_UNITS
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.tenancy.models import Unit
from infostrada.tenancy.teryt import Kind, TercError, parse_terc, polish_slug

# Top-level paths of the portal that a unit slug must not take.
RESERVED_SLUGS = frozenset(
    {"urzad", "api", "admin", "static", "media", "healthz", "konto", "i18n", "ogc", "szukaj"}
)
TERC_HEADER = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA"]
MAX_TERC_ROWS = 20000


@dataclass
class TercRow:
    line: int
    code: str
    name: str
    description: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0


def official_name(kind: str, name: str) -> str:
    """The name a unit uses for itself, built from its TERC name."""
    if kind == Kind.WOJEWODZTWO:
        return "Województwo " + name.title()
    if kind == Kind.POWIAT:
        return "Powiat " + name.title()
    if kind in (Kind.CITY_WITH_POWIAT_RIGHTS, Kind.URBAN_GMINA):
        return "Miasto " + name
    return "Gmina " + name


def display_name(kind: str, name: str) -> str:
    return name.lower() if kind == Kind.WOJEWODZTWO else name


def parse_terc_file(stream: IO[str]) -> list[TercRow]:
    """Read the GUS TERC CSV (``TERC_Urzedowy``); raise ValidationError listing bad lines.

    Layout, as published by GUS in the TERYT register: semicolon-separated
    ``WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA``, UTF-8, optionally with a BOM.
    Rows for parts of gminy (type digits 4, 5, 8, 9) are valid but not units.
    """
    text = stream.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = [h.strip().upper() for h in next(reader)]
    except StopIteration:
        raise ValidationError(_("The file is empty.")) from None
    if header[: len(TERC_HEADER)] != TERC_HEADER:
        raise ValidationError(
            _("Not a TERC file: the first line must be %(header)s.")
            % {"header": ";".join(TERC_HEADER)}
        )
    rows: list[TercRow] = []
    errors: list[str] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_TERC_ROWS:
            raise ValidationError(_("The file has too many rows."))
        if len(cells) < 6:
            errors.append(_("line %(n)d: expected 7 columns") % {"n": number})
            continue
        woj, pow_, gmi, rodz, name, description = (c.strip() for c in cells[:6])
        code = woj + pow_ + gmi + rodz
        try:
            parse_terc(code, allow_parts=True)
        except TercError as exc:
            errors.append(_("line %(n)d: %(error)s") % {"n": number, "error": exc})
            continue
        if not name or len(name) > 200:
            errors.append(_("line %(n)d: the name is missing or too long") % {"n": number})
            continue
        rows.append(TercRow(number, code, name, description))
    if errors:
        raise ValidationError(errors[:50])
    return rows


def _unique_slug(base: str, kind: str, code: str, taken: set[str]) -> str:
    slug = base
    if slug in RESERVED_SLUGS or slug in taken:
        slug = f"{base}-{kind.replace('_', '-')}"
    if slug in taken:
        slug = f"{base}-{code}"
    return slug[:80]


def import_terc(*, actor: Actor, stream: IO[str], voivodeship: str | None = None) -> ImportReport:
    """Create or update the units listed in a TERC file (matched by TERC code).

    The whole file is validated before anything is written, and the import is
    one transaction: a bad file changes nothing. Existing units keep their
    slug, contact data and activity; names and hierarchy follow the file.
    """
    ensure_can(actor, MANAGE_UNITS, None)
    rows = parse_terc_file(stream)
    if voivodeship:
        rows = [r for r in rows if r.code.startswith(voivodeship)]
    report = ImportReport()
    units: list[tuple[TercRow, str]] = []
    for row in rows:
        terc = parse_terc(row.code, allow_parts=True)
        if terc.type_digit in ("4", "5", "8", "9"):
            report.skipped += 1
            continue
        kind = terc.kind
        if len(row.code) == 4 and kind == Kind.CITY_WITH_POWIAT_RIGHTS:
            # The city with powiat rights is one JST; its 7-digit row carries it.
            report.skipped += 1
            continue
        units.append((row, kind))
    units.sort(key=lambda item: (len(item[0].code), item[0].code))

    with transaction.atomic():
        existing = {u.teryt: u for u in Unit.objects.filter(teryt__in=[r.code for r, _ in units])}
        taken = set(Unit.objects.values_list("slug", flat=True))
        by_code: dict[str, Unit] = {
            u.teryt: u
            for u in Unit.objects.filter(
                teryt__in={parse_terc(r.code).parent_code for r, _ in units} - {None}
            )
        }
        for row, kind in units:
            terc = parse_terc(row.code)
            parent = by_code.get(terc.parent_code) if terc.parent_code else None
            if terc.parent_code and parent is None:
                raise ValidationError(
                    _("line %(n)d: the parent unit %(code)s is neither in the file nor known.")
                    % {"n": row.line, "code": terc.parent_code}
                )
            name = display_name(kind, row.name)
            values = {
                "kind": kind,
                "name": name,
                "official_name": official_name(kind, row.name),
                "parent": parent,
            }
            unit = existing.get(row.code)
            if unit is None:
                base = polish_slug(name)
                if kind == Kind.POWIAT:
                    base = "powiat-" + base
                slug = _unique_slug(base, kind, row.code, taken)
                taken.add(slug)
                unit = Unit(teryt=row.code, slug=slug, **values)
                unit.full_clean()
                unit.save()
                report.created.append(row.code)
                audit.record(
                    actor,
                    unit,
                    "tenancy.unit.created",
                    unit,
                    changes={"teryt": row.code, "name": unit.official_name},
                )
            else:
                changed = {k: v for k, v in values.items() if getattr(unit, k) != v}
                if changed:
                    for key, value in changed.items():
                        setattr(unit, key, value)
                    unit.full_clean()
                    unit.save(update_fields=list(changed))
                    report.updated.append(row.code)
                    audit.record(
                        actor,
                        unit,
                        "tenancy.unit.updated",
                        unit,
                        changes={k: str(v) for k, v in changed.items()},
                    )
                else:
                    report.unchanged += 1
            by_code[row.code] = unit
    return report


def create_partner(
    *,
    actor: Actor,
    name: str,
    official_name: str,
    slug: str,
    parent: Unit | None = None,
    **contact: str,
) -> Unit:
    """A partner institution without a TERC code (e.g. an advisory centre)."""
    ensure_can(actor, MANAGE_UNITS, None)
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is reserved.")})
    unit = Unit(
        kind=Kind.PARTNER,
        teryt=None,
        name=name,
        official_name=official_name,
        slug=slug,
        parent=parent,
        **contact,
    )
    unit.full_clean()
    with transaction.atomic():
        unit.save()
        audit.record(actor, unit, "tenancy.unit.created", unit, changes={"name": official_name})
    return unit


def update_contact(*, actor: Actor, unit: Unit, **contact: str) -> Unit:
    """Change a unit's contact data shown on its portal."""
    ensure_can(actor, EDIT_UNIT, unit)
    allowed = {"address", "email", "phone", "website", "ade_address"}
    changed = {k: v for k, v in contact.items() if k in allowed and getattr(unit, k) != v}
    if not changed:
        return unit
    for key, value in changed.items():
        setattr(unit, key, value)
    unit.full_clean()
    with transaction.atomic():
        unit.save(update_fields=list(changed))
        audit.record(actor, unit, "tenancy.unit.contact_changed", unit, changes=changed)
    return unit
