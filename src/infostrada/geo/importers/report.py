"""The validation report of an import, and the refusal of a file that cannot be used.

Every import returns an :class:`ImportReport`: per kind of object (parcels,
precincts, buildings, plans, zones, features) how many were read, created,
updated, left unchanged and skipped, and the problems of single features,
each with the feature's identifier. Problems have a severity:

* ``skipped`` — the feature was not imported (no usable geometry, bad or
  duplicate identifier, another unit's parcel, ...); the rest of the file is;
* ``repaired`` — imported after a repair that the report describes
  (an invalid polygon made valid);
* ``warning`` — imported, but something in it was not taken over (an area
  that is not a number, an address that the file does not contain).

A file that cannot be used at all (malformed XML, a DOCTYPE, not GML of the
expected schema, no known coordinate system, nothing importable in it) is
refused with :class:`ImportRefused`, and nothing is written.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

SKIPPED: Final = "skipped"
REPAIRED: Final = "repaired"
WARNING: Final = "warning"

#: Problems kept in the report; beyond that only counted (a broken 100k-object file
#: would otherwise produce a report larger than the file).
MAX_PROBLEMS: Final = 2000

SECTION_LABELS: Final = {
    "parcels": gettext_lazy("parcels"),
    "precincts": gettext_lazy("cadastral precincts"),
    "buildings": gettext_lazy("buildings"),
    "plans": gettext_lazy("planning acts"),
    "zones": gettext_lazy("plan zones"),
    "features": gettext_lazy("features"),
}


@dataclass
class Counts:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    # In the layer before and not in the file, removed by an import that replaces it.
    deleted: int = 0
    # Archival versions of EGiB objects (koniecWersjaObiekt / koniecObiekt set):
    # history, not the current state, so not imported and not a problem either.
    historical: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def add(self, other: Counts) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class Problem:
    section: str
    fid: str  # the feature's identifier, or its gml:id / position when it has none
    code: str
    message: str
    severity: str = SKIPPED

    @property
    def label(self) -> str:
        return str(SECTION_LABELS.get(self.section, self.section))


@dataclass
class ImportReport:
    format: str  # egib, app, vector
    filename: str
    dry_run: bool = False
    sections: dict[str, Counts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    crs: list[str] = field(default_factory=list)
    # Geometries read from the file that could be used (in storage, checked) or not
    # (malformed, unknown CRS, outside Poland, ...): a file with none usable is refused.
    geometries_usable: int = 0
    geometries_unusable: int = 0
    # The importing unit's area (EPSG:2180, grown by a margin) and a description of
    # where it comes from; features that do not meet it are skipped (outside_unit).
    area: tuple[float, float, float, float] | None = None
    area_source: str = ""

    def section(self, name: str) -> Counts:
        return self.sections.setdefault(name, Counts())

    def problem(
        self, section: str, fid: str, code: str, message: str, severity: str = SKIPPED
    ) -> None:
        """Record a problem of one feature; a skipped one is counted as skipped."""
        if severity == SKIPPED:
            self.section(section).skipped += 1
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(section, fid or "?", code, message, severity))

    def geometry_read(self, *, usable: bool) -> None:
        if usable:
            self.geometries_usable += 1
        else:
            self.geometries_unusable += 1

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def used_crs(self, code: str) -> None:
        if code not in self.crs:
            self.crs.append(code)

    def used_layer(self, slug: str) -> None:
        if slug not in self.layers:
            self.layers.append(slug)

    @property
    def totals(self) -> Counts:
        total = Counts()
        for counts in self.sections.values():
            total.add(counts)
        return total

    @property
    def importable(self) -> int:
        """Objects that passed validation (created, updated or unchanged once written)."""
        return sum(c.read - c.skipped - c.historical for c in self.sections.values())

    @property
    def truncated(self) -> int:
        return self.problem_count - len(self.problems)

    def rows(self) -> list[tuple[str, str, Counts]]:
        """(section, label, counts) in a stable order, for templates."""
        return [
            (name, str(SECTION_LABELS.get(name, name)), counts)
            for name, counts in self.sections.items()
        ]

    def summary(self) -> dict[str, Any]:
        """What the audit log keeps of the import (counts, not the problems themselves)."""
        by_code: dict[str, int] = {}
        for p in self.problems:
            by_code[p.code] = by_code.get(p.code, 0) + 1
        return {
            "format": self.format,
            "file": self.filename,
            "counts": {name: asdict(c) for name, c in self.sections.items()},
            "problems": self.problem_count,
            "problem_codes": by_code,
            "layers": self.layers,
            "crs": self.crs,
        }

    def as_text(self) -> str:
        """The report for a terminal (the ``geo-import`` command)."""
        lines = [
            _("Import of %(file)s (%(format)s)") % {"file": self.filename, "format": self.format}
        ]
        if self.dry_run:
            lines.append(_("Check only: nothing was saved."))
        if self.crs:
            lines.append(_("Coordinate systems: %(crs)s") % {"crs": ", ".join(self.crs)})
        lines.extend(self.notes)
        header = (
            _("kind"),
            _("read"),
            _("created"),
            _("updated"),
            _("unchanged"),
            _("skipped"),
            _("archival"),
            _("removed"),
        )
        lines.append("  ".join(f"{h:>12}" for h in header))
        for _name, label, c in self.rows():
            values = (
                label,
                c.read,
                c.created,
                c.updated,
                c.unchanged,
                c.skipped,
                c.historical,
                c.deleted,
            )
            lines.append("  ".join(f"{v!s:>12}" for v in values))
        if self.problem_count:
            lines.append(_("Problems: %(count)s") % {"count": self.problem_count})
            for p in self.problems:
                lines.append(f"  [{p.severity}] {p.section} {p.fid}: {p.message}")
            if self.truncated:
                lines.append(
                    ngettext(
                        "  ... and %(count)s more problem, not listed.",
                        "  ... and %(count)s more problems, not listed.",
                        self.truncated,
                    )
                    % {"count": self.truncated}
                )
        return "\n".join(lines)


class ImportRefused(ValidationError):
    """A file that cannot be imported at all; nothing was written.

    ``code`` is stable (for API clients and tests); the message says what is
    wrong and what to do. ``report`` carries what was found before the refusal
    (e.g. every feature's problem when none could be imported).
    """

    def __init__(
        self,
        code: str,
        message: str,
        params: dict[str, Any] | None = None,
        *,
        report: ImportReport | None = None,
    ) -> None:
        super().__init__(message, code=code, params=params)
        self.report = report

    @property
    def text(self) -> str:
        return self.message % self.params if self.params else self.message

    def __str__(self) -> str:
        return self.text
