"""Operations on the office's organisation, JRWA and letter templates."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import DOC_ORGANISE
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents.models import (
    Department,
    DepartmentMember,
    DocumentTemplate,
    FileClass,
    OfficeRules,
    Substitution,
)
from infostrada.documents.models.jrwa import validate_category, validate_jrwa_symbol
from infostrada.tenancy.models import Unit

JRWA_HEADER = ["symbol", "title", "category_own", "category_other", "remarks"]
# An optional sixth column lists the owning departments' symbols, comma-separated.
MAX_JRWA_ROWS = 5000


def create_department(
    *,
    actor: Actor,
    unit: Unit,
    symbol: str,
    name: str,
    valid_from: int,
    valid_to: int | None = None,
    parent: Department | None = None,
) -> Department:
    """A department; its symbol may not be used by another one in overlapping years."""
    ensure_can(actor, DOC_ORGANISE, unit)
    department = Department(
        unit=unit,
        symbol=symbol.strip().upper(),
        name=name.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        parent=parent,
    )
    clash = Department.objects.for_unit(unit).filter(symbol=department.symbol)
    last = valid_to if valid_to is not None else 9999
    for other in clash:
        other_last = other.valid_to if other.valid_to is not None else 9999
        if other.valid_from <= last and valid_from <= other_last:
            raise ValidationError(
                {
                    "symbol": _("Another department uses symbol %(symbol)s in these years.")
                    % {"symbol": department.symbol}
                }
            )
    department.full_clean()
    with transaction.atomic():
        department.save()
        audit.record(
            actor,
            unit,
            "documents.department.created",
            department,
            changes={"symbol": department.symbol, "name": department.name},
        )
    return department


def add_member(
    *,
    actor: Actor,
    unit: Unit,
    department: Department,
    user: User,
    is_head: bool = False,
    since: datetime.date | None = None,
) -> DepartmentMember:
    """Attach an official (who must hold a role in the unit) to a department."""
    ensure_can(actor, DOC_ORGANISE, unit)
    if department.unit_id != unit.pk:
        raise ValidationError({"department": _("The department belongs to another unit.")})
    if not user.memberships.filter(unit=unit).exists():
        raise ValidationError({"user": _("The official holds no role in this unit.")})
    with transaction.atomic():
        member, created = DepartmentMember.objects.for_unit(unit).get_or_create(
            unit=unit,
            department=department,
            user=user,
            since=since or timezone.localdate(),
            defaults={"is_head": is_head},
        )
        if created:
            audit.record(
                actor,
                unit,
                "documents.department.member_added",
                member,
                changes={"department": department.symbol, "user": user.username, "head": is_head},
            )
    return member


def add_substitution(
    *,
    actor: Actor,
    unit: Unit,
    absent: User,
    deputy: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str = "",
) -> Substitution:
    """A deputy acts for an absent official: sees and handles their matters."""
    ensure_can(actor, DOC_ORGANISE, unit)
    substitution = Substitution(
        unit=unit,
        absent=absent,
        deputy=deputy,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The substitution ends before it starts.")})
    if absent.pk == deputy.pk:
        raise ValidationError({"deputy": _("An official cannot deputise for themselves.")})
    for person, name in ((absent, "absent"), (deputy, "deputy")):
        if not person.memberships.filter(unit=unit).exists():
            raise ValidationError({name: _("The official holds no role in this unit.")})
    substitution.full_clean()
    with transaction.atomic():
        substitution.save()
        audit.record(
            actor,
            unit,
            "documents.substitution.created",
            substitution,
            changes={
                "absent": absent.username,
                "deputy": deputy.username,
                "from": str(starts_on),
                "to": str(ends_on),
            },
        )
    return substitution


# --- JRWA -----------------------------------------------------------------


@dataclass
class JrwaReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JrwaRow:
    line: int
    symbol: str
    title: str
    category_own: str
    category_other: str
    remarks: str
    owners: str = ""


def parse_jrwa(stream: IO[str]) -> list[JrwaRow]:
    """Read a JRWA CSV (docs/jrwa-csv.md); raise ValidationError listing bad lines.

    Layout: UTF-8 (a BOM is accepted), separated by semicolons, with the header
    ``symbol;title;category_own;category_other;remarks``. Every class whose
    symbol is longer than one digit needs its parent (the symbol without its
    last digit) in the file; the classes of the lowest level hold cases and
    need both archival categories.
    """
    text = stream.read()
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationError(_("The file is empty.")) from None
    if header[: len(JRWA_HEADER)] != JRWA_HEADER:
        raise ValidationError(
            _("Not a JRWA file: the first line must be %(header)s.")
            % {"header": ";".join(JRWA_HEADER)}
        )
    rows: list[JrwaRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_JRWA_ROWS:
            raise ValidationError(_("The file has too many rows."))
        cells = [c.strip() for c in cells] + [""] * (6 - len(cells))
        symbol, title, own, other, remarks, owners = cells[:6]
        problem = _row_problem(symbol, title, own, other, seen)
        if problem:
            errors.append(_("line %(n)d: %(error)s") % {"n": number, "error": problem})
            continue
        seen.add(symbol)
        rows.append(JrwaRow(number, symbol, title, own, other, remarks[:500], owners[:200]))
    symbols = {r.symbol for r in rows}
    for row in rows:
        if len(row.symbol) > 1 and row.symbol[:-1] not in symbols:
            errors.append(
                _("line %(n)d: class %(symbol)s has no parent class %(parent)s in the file.")
                % {"n": row.line, "symbol": row.symbol, "parent": row.symbol[:-1]}
            )
    parents = {s[:-1] for s in symbols if len(s) > 1}
    for row in rows:
        if row.symbol not in parents and not (row.category_own and row.category_other):
            errors.append(
                _("line %(n)d: class %(symbol)s holds cases and needs both archival categories.")
                % {"n": row.line, "symbol": row.symbol}
            )
    if errors:
        raise ValidationError(errors[:50])
    return rows


def _row_problem(symbol: str, title: str, own: str, other: str, seen: set[str]) -> str:
    try:
        validate_jrwa_symbol(symbol)
    except ValidationError:
        return _("the symbol must have 1 to 4 digits")
    if symbol in seen:
        return _("class %(symbol)s appears twice") % {"symbol": symbol}
    if not title or len(title) > 300:
        return _("the title is missing or longer than 300 characters")
    for category in (own, other):
        if category:
            try:
                validate_category(category)
            except ValidationError:
                return _("%(category)s is not an archival category") % {"category": category}
    return ""


def import_jrwa(*, actor: Actor, unit: Unit, stream: IO[str]) -> JrwaReport:
    """Load or update the unit's JRWA from CSV, all or nothing.

    New titles and categories apply to cases opened afterwards: cases keep the
    symbol, title and category they were opened under. Classes missing from
    the new file are deactivated (no new cases), never deleted.
    """
    ensure_can(actor, DOC_ORGANISE, unit)
    rows = parse_jrwa(stream)
    parents = {r.symbol[:-1] for r in rows if len(r.symbol) > 1}
    report = JrwaReport()
    with transaction.atomic():
        existing = {c.symbol: c for c in FileClass.objects.for_unit(unit)}
        by_symbol: dict[str, FileClass] = {}
        for row in sorted(rows, key=lambda r: (len(r.symbol), r.symbol)):
            values: dict[str, Any] = {
                "title": row.title,
                "category_own": row.category_own,
                "category_other": row.category_other,
                "remarks": row.remarks,
                "owner_departments": row.owners.replace(" ", "").upper(),
                "parent": by_symbol.get(row.symbol[:-1]) if len(row.symbol) > 1 else None,
                "is_leaf": row.symbol not in parents,
                "is_active": True,
            }
            current = existing.get(row.symbol)
            if current is None:
                current = FileClass.objects.create(unit=unit, symbol=row.symbol, **values)
                report.created.append(row.symbol)
            else:
                changed = [k for k, v in values.items() if getattr(current, k) != v]
                if changed:
                    for key in changed:
                        setattr(current, key, values[key])
                    current.save(update_fields=changed)
                    report.updated.append(row.symbol)
                else:
                    report.unchanged += 1
            by_symbol[row.symbol] = current
        gone = [c for s, c in existing.items() if s not in by_symbol and c.is_active]
        for file_class in gone:
            file_class.is_active = False
            file_class.save(update_fields=["is_active"])
            report.deactivated.append(file_class.symbol)
        audit.record(
            actor,
            unit,
            "documents.jrwa.imported",
            object_type="documents.fileclass",
            changes={
                "created": len(report.created),
                "updated": report.updated[:50],
                "deactivated": report.deactivated[:50],
            },
        )
    return report


def create_template(
    *, actor: Actor, unit: Unit, name: str, kind: str, body: str
) -> DocumentTemplate:
    """A letter template with ``$placeholders`` (documents.drafting lists them)."""
    ensure_can(actor, DOC_ORGANISE, unit)
    template = DocumentTemplate(unit=unit, name=name.strip(), kind=kind, body=body)
    template.full_clean()
    with transaction.atomic():
        template.save()
        audit.record(
            actor, unit, "documents.template.created", template, changes={"name": template.name}
        )
    return template


def office_rules(unit: Unit) -> OfficeRules:
    """The unit's EZD rules (defaults when nobody set any; nothing is written)."""
    return OfficeRules.objects.for_unit(unit).filter(unit=unit).first() or OfficeRules(unit=unit)


def set_office_rules(*, actor: Actor, unit: Unit, four_eyes_decisions: bool) -> OfficeRules:
    """Set the unit's EZD rules (today: the four-eyes rule for decisions)."""
    ensure_can(actor, DOC_ORGANISE, unit)
    with transaction.atomic():
        rules, _created = (
            OfficeRules.objects.for_unit(unit).select_for_update().get_or_create(unit=unit)
        )
        if rules.four_eyes_decisions != four_eyes_decisions:
            rules.four_eyes_decisions = four_eyes_decisions
            rules.save(update_fields=["four_eyes_decisions"])
            audit.record(
                actor,
                unit,
                "documents.rules.changed",
                rules,
                changes={"four_eyes_decisions": four_eyes_decisions},
            )
    return rules
