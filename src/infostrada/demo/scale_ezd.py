"""Synthetic EZD data for benchmarks (``seed-demo --scale N``, called by demo.scale).

N x 10,000 incoming items and N x 3,000 cases, 70 % of them in the bench unit
(Gmina Lubicz), the rest shared by the other JST units of the demo, over the
current year and the four before it:

- each year's incoming register is numbered 1, 2, 3 ... without gaps and
  ``IncomingRegister.last_number`` is the highest number, so a letter
  registered later through the services gets the next one; cases are numbered
  the same way in their spis spraw (``CaseList`` per department, JRWA class
  and year), signatures ``DEPT.JRWA.NUMBER.YEAR``;
- every case was opened from one of the letters (the letter is in the case,
  its sender the applicant, a fifth of the cases have one more party) and has
  its full-text row (``SearchEntry``) with the text ``documents.search``
  would index; about 70 % of the cases are closed (most of the older years'),
  a tenth of the open ones suspended;
- every letter but the last few of this year was routed to a department and
  an official (``Assignment``); this year's newest ones still wait for
  acceptance, a few dozen of them by the demo case officer of each unit, who
  also handles about forty open cases, so that "my tasks" looks like a
  working day; forty synthetic officials per unit work in the departments
  and handle the rest.

The rows are written below the services, in bulk (one transaction per batch of
letters, which also takes the register and spis spraw numbers, so an
interrupted run leaves consistent numbering and the next run continues).
They stand for what an office brings over from its previous EZD: **no audit
events** (an audit chain cannot vouch for acts that did not happen on the
platform; the chain stays valid and audit-verify passes), no history lines
(``CaseEvent``) and no documents (files). Synthetic letters carry
``source_system`` = ``seed-demo-scale``, which is also how a re-run counts
what exists: running again with the same N adds nothing. The demo departments
are dated back to the first synthetic year, since its cases need them.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from stdnum.pl import nip as stdnum_nip

from infostrada.accounts.models import Membership, User
from infostrada.accounts.roles import Role
from infostrada.demo.ezd_words import (
    CHANNELS,
    CLASSES,
    CLOSING,
    DEFAULT_CLOSING,
    INSTITUTIONS,
    INSTRUCTIONS,
    MEN,
    MISC,
    MISC_WORDS,
    PLACES,
    REFERENCES,
    STREETS,
    SURNAMES,
    WOMEN,
)
from infostrada.demo.names import surname_for
from infostrada.demo.seed import make_pesel
from infostrada.documents.deadlines import is_working_day, statutory_deadline
from infostrada.documents.models import (
    Assignment,
    Case,
    CaseList,
    CaseParty,
    DeadlineKind,
    Department,
    DepartmentMember,
    FileClass,
    IncomingItem,
    IncomingRegister,
    SearchEntry,
)
from infostrada.documents.search import normalise
from infostrada.documents.services.cases import retention_date
from infostrada.tenancy.models import Unit

BATCH = 5000
PREFIX = "synt."  # demo.scale's synthetic officials

EZD_SOURCE = "seed-demo-scale"
EZD_YEARS = 5
BENCH_UNIT = "lubicz"
BENCH_SHARE = 70  # per cent of the letters and cases
OFFICERS_PER_UNIT = 40  # synthetic case officers who handle the cases of a unit
DEMO_OFFICER_CASES = 40  # open cases of the demo case officer (about)
DEMO_OFFICER_PENDING = 30  # letters waiting for the demo case officer's acceptance
# Share of closed cases by the age of the year (0 = this year): about 70 % overall.
CLOSED_BY_AGE = (0.15, 0.6, 0.85, 0.93, 0.97)


@dataclass
class _Office:
    """What the generator needs to know about one unit's EZD."""

    unit: Unit
    departments: dict[str, Department]
    classes: list[tuple[FileClass, Department]]
    weights: list[int]
    officers: dict[str, list[int]]  # department symbol -> officials' ids
    clerk_id: int | None
    demo_officer_id: int | None
    demo_department: str
    demo_case_chance: float = 0.0
    lists: dict[tuple[int, int], int] = field(default_factory=dict)  # spisy spraw
    nips: list[str] = field(default_factory=list)


def grow(items: int, cases: int, units: list[Unit], log: Any) -> None:
    """``items`` letters and ``cases`` cases over the JST units (see the module docstring)."""
    offices = [o for o in (_office(u) for u in units if u.teryt) if o is not None]
    if not offices or items <= 0:
        return
    this_year = timezone.localdate().year
    years = list(range(this_year - EZD_YEARS + 1, this_year + 1))
    bench = [o.unit.slug == BENCH_UNIT for o in offices]
    if any(bench) and len(offices) > 1:
        rest = (100 - BENCH_SHARE) * 1000 // (len(offices) - 1)
        weights = [BENCH_SHARE * 1000 if b else rest for b in bench]
    else:
        weights = [1] * len(offices)
    cases = min(cases, items)
    tables = _tables()
    with _page_cache():
        for office, unit_items, unit_cases in zip(
            offices, _split(items, weights), _split(cases, weights), strict=True
        ):
            started = time.monotonic()
            _prepare(office, years[0], unit_cases)
            have = dict(
                IncomingItem.objects.for_unit(office.unit)
                .filter(source_system=EZD_SOURCE)
                .values_list("year")
                .annotate(n=Count("pk"))
                .values_list("year", "n")
            )
            added = 0
            for year, year_items, year_cases in zip(
                years,
                _split(unit_items, [1] * len(years)),
                _split(unit_cases, [1] * len(years)),
                strict=True,
            ):
                start = have.get(year, 0)
                if start >= year_items:
                    continue
                plan = _Plan(office, year, year_items, year_cases, *_counters(office, year))
                for rows in plan.batches(start):
                    with transaction.atomic():
                        _write(office, tables, rows)
                    added += rows.count
            if added:
                log(
                    f"scale: {office.unit.slug} has {unit_items} synthetic letters and "
                    f"{unit_cases} cases ({added} letters added in "
                    f"{time.monotonic() - started:.0f} s)"
                )


@contextlib.contextmanager
def _page_cache() -> Iterator[None]:
    """A larger SQLite page cache for this connection while seeding.

    The indexes of a million letters do not fit SQLite's default 2 MB cache;
    256 MB made the writes a quarter faster. PostgreSQL has its own buffers.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        default = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {default}")


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` in parts proportional to ``weights`` that add up exactly (largest remainder)."""
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _official(unit: Unit, role: str) -> User | None:
    membership = (
        Membership.objects.for_unit(unit)
        .filter(role=role)
        .exclude(user__username__startswith=PREFIX)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _office(unit: Unit) -> _Office | None:
    departments = {d.symbol: d for d in Department.objects.for_unit(unit).filter(valid_to=None)}
    if not departments:
        return None
    classes = []
    for fc in FileClass.objects.for_unit(unit).filter(is_leaf=True, is_active=True):
        owners = [s.strip() for s in fc.owner_departments.split(",") if s.strip()]
        symbol = next((s for s in owners if s in departments), None)
        if symbol is None and not owners:
            symbol = next(iter(departments))
        if symbol is not None:
            classes.append((fc, departments[symbol]))
    if not classes:
        return None
    officer = _official(unit, Role.CASE_OFFICER)
    clerk = _official(unit, Role.CHANCELLERY)
    demo_department = ""
    if officer is not None:
        member = (
            DepartmentMember.objects.for_unit(unit)
            .filter(user=officer, department__in=departments.values())
            .select_related("department")
            .first()
        )
        demo_department = member.department.symbol if member else ""
    return _Office(
        unit=unit,
        departments=departments,
        classes=classes,
        weights=[CLASSES.get(fc.symbol, (3,))[0] for fc, _d in classes],
        officers={},
        clerk_id=clerk.pk if clerk else None,
        demo_officer_id=officer.pk if officer and demo_department else None,
        demo_department=demo_department,
    )


def _prepare(office: _Office, first_year: int, unit_cases: int) -> None:
    """Departments that existed in the first year; case officers in each department."""
    unit = office.unit
    Department.objects.for_unit(unit).filter(
        pk__in=[d.pk for d in office.departments.values()], valid_from__gt=first_year
    ).update(valid_from=first_year)
    for department in office.departments.values():
        department.valid_from = min(department.valid_from, first_year)
    pool = list(
        Membership.objects.for_unit(unit)
        .filter(role=Role.CASE_OFFICER, user__username__startswith=PREFIX)
        .order_by("user_id")
        .values_list("user_id", flat=True)[:OFFICERS_PER_UNIT]
    )
    symbols = sorted(office.departments)
    since = datetime.date(first_year, 1, 1)
    with transaction.atomic():
        members = set(
            DepartmentMember.objects.for_unit(unit)
            .filter(user_id__in=pool)
            .values_list("user_id", flat=True)
        )
        DepartmentMember.objects.bulk_create(
            [
                DepartmentMember(
                    unit=unit,
                    department=office.departments[symbols[i % len(symbols)]],
                    user_id=user_id,
                    since=since,
                )
                for i, user_id in enumerate(pool)
                if user_id not in members
            ]
        )
    fallback = [office.demo_officer_id] if office.demo_officer_id else []
    for i, symbol in enumerate(symbols):
        office.officers[symbol] = pool[i :: len(symbols)] or fallback
    if office.demo_officer_id:
        own = sum(
            w
            for (fc, d), w in zip(office.classes, office.weights, strict=True)
            if d.symbol == office.demo_department
        )
        open_cases = unit_cases * own / sum(office.weights) * 0.3
        office.demo_case_chance = min(1.0, DEMO_OFFICER_CASES / max(open_cases, 1))
    rng = random.Random(unit.pk)  # noqa: S311 (synthetic data, not secrets)
    while len(office.nips) < 50:
        number = f"{rng.randrange(10**9, 10**10):010d}"
        if stdnum_nip.is_valid(number):
            office.nips.append(number)


def _working_days(year: int) -> list[datetime.date]:
    """The office's working days of ``year`` (this year: up to yesterday)."""
    day, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    today = timezone.localdate()
    if year == today.year:
        last = today - datetime.timedelta(days=1)
    days = []
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days or [datetime.date(year, 1, 1)]


_FOLD = list(zip("ąćęłńóśźż", "acelnoszz", strict=True))


def _counters(office: _Office, year: int) -> tuple[int, dict[int, int]]:
    """The register's and the spisy spraw's last numbers of ``year`` (rows made if missing)."""
    unit = office.unit
    with transaction.atomic():
        IncomingRegister.objects.bulk_create(
            [IncomingRegister(unit=unit, year=year)], ignore_conflicts=True
        )
        CaseList.objects.bulk_create(
            [
                CaseList(unit=unit, department=d, file_class=fc, year=year)
                for fc, d in office.classes
            ],
            ignore_conflicts=True,
        )
    register = IncomingRegister.objects.for_unit(unit).get(year=year)
    lists = {
        (cl.department_id, cl.file_class_id): (cl.pk, cl.last_number)
        for cl in CaseList.objects.for_unit(unit).filter(year=year)
    }
    office.lists = {key: pk for key, (pk, _n) in lists.items()}
    return register.last_number, {pk: n for pk, n in lists.values()}


@dataclass
class _Rows:
    """One batch of letters with their cases, ready to write; the numbers it expects."""

    year: int
    count: int
    last_number: int  # of the register before this batch
    lists_before: dict[int, int]  # spis spraw pk -> last number before this batch
    lists_after: dict[int, int]
    items: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    search: list[dict[str, Any]] = field(default_factory=list)


def _write(office: _Office, tables: _Tables, rows: _Rows) -> None:
    """Write a batch in the caller's transaction, with the numbers it was generated with.

    The rows were generated from the counters read before the batch; under
    the counters' locks they must still be the last numbers, else someone
    registered a letter or opened a case meanwhile, and the run stops (the
    next run continues from what was written).
    """
    unit = office.unit
    register = IncomingRegister.objects.for_unit(unit).select_for_update().get(year=rows.year)
    lists = {
        cl.pk: cl
        for cl in CaseList.objects.for_unit(unit)
        .select_for_update()
        .filter(pk__in=list(rows.lists_before))
    }
    numbers = {pk: cl.last_number for pk, cl in lists.items()}
    if register.last_number != rows.last_number or numbers != rows.lists_before:
        raise RuntimeError(
            f"{unit.slug}: letters were registered or cases opened while seeding; "
            "run seed-demo --scale again to continue"
        )
    for case, pk in zip(rows.cases, tables.cases.ids(len(rows.cases)), strict=True):
        case["id"] = pk
    for item, pk in zip(rows.items, tables.items.ids(len(rows.items)), strict=True):
        item["id"] = pk
        if item["case_id"] is not None:
            item["case_id"] = item["case_id"]["id"]
    for row in rows.parties + rows.search:
        row["case_id"] = row["case_id"]["id"]
    for row in rows.assignments:
        row["item_id"] = row["item_id"]["id"]
    tables.cases.insert(rows.cases)
    tables.items.insert(rows.items)
    tables.assignments.insert(rows.assignments)
    tables.parties.insert(rows.parties)
    tables.search.insert(rows.search)
    register.last_number += rows.count
    register.save(update_fields=["last_number"])
    for pk, cl in lists.items():
        cl.last_number = rows.lists_after[pk]
    CaseList.objects.for_unit(unit).bulk_update(list(lists.values()), ["last_number"])


class _Dice(random.Random):
    """A seeded generator with cheaper picks than ``choice`` and ``randint``."""

    def pick(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))


class _Plan:
    """The letters and cases of one unit's year, generated batch by batch.

    Letter ``j`` of ``total`` falls on a working day in proportion to ``j`` (so
    numbers and registration times grow together); ``total_cases`` of the
    letters, evenly spread, open a case. This year's newest letters wait for
    acceptance, the very last few are not yet routed at all.
    """

    def __init__(
        self,
        office: _Office,
        year: int,
        total: int,
        total_cases: int,
        last_number: int,
        list_numbers: dict[int, int],
    ) -> None:
        self.office, self.year, self.total, self.total_cases = office, year, total, total_cases
        self.last_number, self.list_numbers = last_number, dict(list_numbers)
        self.days = _working_days(year)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.closed_share = CLOSED_BY_AGE[min(self.today.year - year, len(CLOSED_BY_AGE) - 1)]
        self.year_end = datetime.datetime(year, 12, 31, 15, 30, tzinfo=self.tz)
        pending = min(total, max(60, total // 250)) if year == self.today.year else 0
        fresh = min(pending, max(3, pending // 10))
        self.window, self.tail = total - pending, total - fresh
        routed = (self.tail - self.window) - (
            self.cases_before(self.tail) - self.cases_before(self.window)
        )
        self.demo_every = max(1, routed // DEMO_OFFICER_PENDING)
        self.misc = [s for s in ("OR", "FN", "ZP") if s in office.departments]

    def cases_before(self, j: int) -> int:
        return j * self.total_cases // self.total

    def batches(self, start: int) -> Iterator[_Rows]:
        while start < self.total:
            end = min(self.total, start + BATCH)
            yield self.batch(start, end)
            start = end

    def batch(self, start: int, end: int) -> _Rows:
        office = self.office
        rows = _Rows(
            year=self.year,
            count=end - start,
            last_number=self.last_number,
            lists_before=dict(self.list_numbers),
            lists_after=self.list_numbers,
        )
        rng = _Dice(f"{office.unit.pk}:{self.year}:{start}")
        for j in range(start, end):
            self.letter(rng, rows, j)
        self.last_number += rows.count
        self.list_numbers = dict(self.list_numbers)
        return rows

    def letter(self, rng: _Dice, rows: _Rows, j: int) -> None:
        office, year, total, tz, now = self.office, self.year, self.total, self.tz, self.now
        position = j * len(self.days)
        seconds = 27_000 + (position % total) * 28_800 // total  # 7:30 to 15:30
        registered_at = min(
            now,
            datetime.datetime.combine(self.days[position // total], datetime.time(), tzinfo=tz)
            + datetime.timedelta(seconds=seconds),
        )
        received_on = registered_at.astimezone(tz).date()
        words = {
            "place": rng.pick(PLACES),
            "street": rng.pick(STREETS),
            "plot": f"{rng.between(1, 420)}/{rng.between(1, 30)}",
            "year": str(year - rng.between(0, 1)),
            "number": str(rng.between(100, 9999)),
        }
        starts_case = self.cases_before(j + 1) > self.cases_before(j)
        demo_task = False
        if starts_case:
            file_class, department = rng.choices(office.classes, office.weights)[0]
            _weight, topics, fill = CLASSES.get(
                file_class.symbol, (3, [("Wniosek: {obj}", "{obj}")], {})
            )
            words.update({k: rng.pick(v) for k, v in fill.items()})
            words.setdefault("obj", file_class.title.lower())
            subject_t, title_t = rng.pick(topics)
            subject = subject_t.format(**words).format(**words)
            title = title_t.format(**words).format(**words)
            status = IncomingItem.Status.IN_CASE
        else:
            symbol = rng.pick(self.misc)
            status = IncomingItem.Status.DONE
            if self.window <= j < self.tail:
                status = IncomingItem.Status.ASSIGNED
                t = (j - self.window) - (self.cases_before(j) - self.cases_before(self.window))
                demo_task = (
                    office.demo_officer_id is not None
                    and t % self.demo_every == 0
                    and t // self.demo_every < DEMO_OFFICER_PENDING
                )
                if demo_task:
                    symbol = office.demo_department
            elif j >= self.tail:
                status = IncomingItem.Status.REGISTERED
            department = office.departments[symbol]
            words["obj"] = rng.pick(MISC_WORDS.get(symbol, ["sprawy bieżące"]))
            subject = rng.pick(MISC.get(symbol, ["Pismo w sprawie {obj}"])).format(**words)
        sender = _correspondent(
            rng, office, words, person=rng.random() < (0.75 if starts_case else 0.4)
        )
        reference = ""
        if sender["party_kind"] == "institution":
            reference = (
                f"{rng.pick(REFERENCES)}.{rng.between(1000, 7999)}.{rng.between(1, 500)}.{year}"
            )
        handler = rng.pick(office.officers.get(department.symbol) or [None])
        number = rows.last_number + 1 + len(rows.items)
        item = {
            "unit_id": office.unit.pk,
            "year": year,
            "number": number,
            "channel": rng.pick(CHANNELS),
            "received_on": received_on,
            "registered_at": registered_at,
            "registered_by_id": office.clerk_id,
            "letter_date": (
                received_on - datetime.timedelta(days=rng.between(1, 7))
                if rng.random() < 0.5
                else None
            ),
            "sender_reference": reference,
            "subject": subject[:500],
            "status": status,
            "department_id": department.pk if status != IncomingItem.Status.REGISTERED else None,
            "case_id": None,
            "source_system": EZD_SOURCE,
            "source_id": f"{year}/{j}",
            **sender,
        }
        if starts_case:
            case = self.case(rng, item, file_class, department, title, words)
            if (
                department.symbol == office.demo_department
                and case["status"] != Case.Status.CLOSED
                and rng.random() < office.demo_case_chance
            ):
                handler = office.demo_officer_id
            case["assignee_id"] = case["opened_by_id"] = handler
            case["closed_by_id"] = handler if case.get("closed_at") else None
            item["case_id"] = case
            rows.cases.append(case)
            own = [_party(case, sender, CaseParty.Role.APPLICANT)]
            if rng.random() < 0.2:
                other = _correspondent(rng, office, words, person=True)
                own.append(_party(case, other, CaseParty.Role.PARTY))
            rows.parties += own
            text = [
                case["signature"],
                case["signature"].replace(".", " "),
                case["title"],
                case["description"],
                f"{case['class_symbol']} {case['class_title']}",
                department.symbol,
                department.name,
                case.get("closing_note", ""),
            ]
            for party in own:
                text += [_name(party), party.get("pesel", ""), party.get("nip", ""), party["city"]]
            text += [f"{number}/{year}", item["subject"], reference, _name(item)]
            rows.search.append(
                {
                    "unit_id": office.unit.pk,
                    "case_id": case,
                    "body": _folded("\n".join(p for p in text if p)),
                    "updated_at": now,
                }
            )
        if demo_task:
            handler = office.demo_officer_id
        elif status == IncomingItem.Status.ASSIGNED and (j - self.window) % 13 == 5:
            handler = None  # routed to the department, not yet to an official
        if status != IncomingItem.Status.REGISTERED:
            item["assignee_id"] = handler
            rows.assignments.append(_assignment(rng, office, item, handler, now))
        rows.items.append(item)

    def case(
        self,
        rng: _Dice,
        item: dict[str, Any],
        file_class: FileClass,
        department: Department,
        title: str,
        words: dict[str, str],
    ) -> dict[str, Any]:
        """A case opened from ``item``, settled (or not) as cases of its year are."""
        list_pk = self.office.lists[(department.pk, file_class.pk)]
        number = self.list_numbers[list_pk] = self.list_numbers[list_pk] + 1
        year, received_on = item["year"], item["received_on"]
        if file_class.symbol == "1431":  # public information: 14 days (UDIP art. 13)
            kind, custom = DeadlineKind.CUSTOM, received_on + datetime.timedelta(days=14)
        else:
            kind = rng.choices(
                [DeadlineKind.ONE_MONTH, DeadlineKind.TWO_MONTHS, DeadlineKind.NONE], [80, 15, 5]
            )[0]
            custom = None
        description = ""
        if rng.random() < 0.3:
            description = (
                f"Wniosek z dnia {received_on:%d.%m.%Y} r. ({item['channel']}); "
                f"miejscowość {words['place']}."
            )
        case = {
            "unit_id": self.office.unit.pk,
            "case_list_id": list_pk,
            "department_id": department.pk,
            "file_class_id": file_class.pk,
            "number": number,
            "year": year,
            "signature": f"{department.symbol}.{file_class.symbol}.{number}.{year}",
            "class_symbol": file_class.symbol,
            "class_title": file_class.title,
            "category": file_class.category_for(department.symbol),
            "title": title[:500],
            "description": description,
            "started_on": received_on,
            "deadline_kind": kind,
            "deadline": statutory_deadline(kind, received_on, custom=custom),
            "status": Case.Status.OPEN,
            "opened_at": min(
                max(
                    self.office_hours(rng, item["received_on"], rng.between(0, 3)),
                    item["registered_at"] + datetime.timedelta(minutes=rng.between(10, 60)),
                ),
                self.year_end,
                self.now,
            ),
        }
        self.settle(rng, case, file_class.symbol)
        return case

    def office_hours(self, rng: _Dice, day: datetime.date, later: int) -> datetime.datetime:
        """A moment between 7:30 and 15:30 ``later`` days after ``day``."""
        moment = datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=self.tz)
        return moment + datetime.timedelta(days=later, minutes=rng.between(0, 480))

    def settle(self, rng: _Dice, case: dict[str, Any], symbol: str) -> None:
        """Close most cases some weeks after they were opened; suspend a few open ones."""
        opened_at = case["opened_at"]
        if rng.random() < self.closed_share:
            opened_on = opened_at.astimezone(self.tz).date()
            closed_at = self.office_hours(rng, opened_on, rng.between(3, 45))
            closed_at = min(closed_at, self.now - datetime.timedelta(hours=1))
            if closed_at > opened_at:
                case["status"] = Case.Status.CLOSED
                case["closed_at"] = closed_at
                case["closing_note"] = rng.pick(CLOSING.get(symbol, DEFAULT_CLOSING))
                closed_on = closed_at.astimezone(self.tz).date()
                case["retention_until"] = retention_date(case["category"], closed_on)
                return
        if rng.random() < 0.1:
            since = case["started_on"] + datetime.timedelta(days=rng.between(3, 20))
            case["status"] = Case.Status.SUSPENDED
            case["suspended_since"] = min(since, self.today)


class _Table:
    """Rows of one model written with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL).

    The ORM's ``bulk_create`` spent most of the seeding time compiling SQL
    and preparing values field by field (measured: about 1 ms per letter with
    its case, parties and assignment; a million letters would take a quarter
    of an hour). Rows here are dicts of the fields that differ from the
    model's defaults, turned into tuples in column order.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in fields]
        self.names = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.datetimes = {i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)}
        self.dates = {
            i
            for i, f in enumerate(fields)
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        }

    def ids(self, count: int) -> list[int]:
        """Primary keys for ``count`` new rows (the caller's transaction holds the lock)."""
        if not count:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: BEGIN IMMEDIATE holds the only write lock, so nobody
            # else takes ids meanwhile; AUTOINCREMENT never reuses a number.
            cursor.execute(
                f'SELECT max(coalesce((SELECT max(id) FROM "{self.table}"), 0), '  # noqa: S608
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [self.table],
            )
            first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        with_id = "id" in rows[0]
        names = (["id"] if with_id else []) + self.names
        columns = (["id"] if with_id else []) + self.columns
        defaults = {**self.defaults, "id": None}
        offset = 1 if with_id else 0
        sqlite = connection.vendor == "sqlite"
        datetimes = {i + offset for i in self.datetimes}
        dates = {i + offset for i in self.dates}
        tuples = []
        for row in rows:
            values = [row.get(name, defaults[name]) for name in names] if row else []
            if sqlite:
                for i in datetimes:
                    if values[i] is not None:
                        # what Django stores: UTC, naive, "YYYY-MM-DD HH:MM:SS[.ffffff]"
                        values[i] = values[i].astimezone(datetime.UTC).isoformat(" ")[:-6]
                for i in dates:
                    if values[i] is not None:
                        values[i] = values[i].isoformat()
            tuples.append(values)
        quoted = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            if sqlite:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f'INSERT INTO "{self.table}" ({quoted}) VALUES ({marks})',  # noqa: S608
                    tuples,
                )
            else:
                with cursor.cursor.copy(f'COPY "{self.table}" ({quoted}) FROM STDIN') as copy:
                    for values in tuples:
                        copy.write_row(values)


@dataclass
class _Tables:
    items: _Table
    cases: _Table
    parties: _Table
    assignments: _Table
    search: _Table


def _tables() -> _Tables:
    return _Tables(
        items=_Table(IncomingItem),
        cases=_Table(Case),
        parties=_Table(CaseParty),
        assignments=_Table(Assignment),
        search=_Table(SearchEntry),
    )


def _folded(text: str) -> str:
    """``documents.search.normalise`` for Polish text, at a fraction of its cost."""
    folded = text.lower()
    for letter, plain in _FOLD:
        if letter in folded:
            folded = folded.replace(letter, plain)
    return folded if folded.isascii() else normalise(text)


def _name(row: dict[str, Any]) -> str:
    if row["party_kind"] == "institution":
        return row["institution"]
    return f"{row['first_name']} {row['last_name']}".strip()


def _correspondent(
    rng: _Dice, office: _Office, words: dict[str, str], *, person: bool
) -> dict[str, Any]:
    street = f"ul. {rng.pick(STREETS)} {rng.between(1, 120)}"
    if person:
        male = rng.random() < 0.5
        last = surname_for(rng.pick(SURNAMES), female=not male)
        pesel = ""
        if rng.random() < 0.25:
            born = (rng.between(1940, 2004), rng.between(1, 12), rng.between(1, 28))
            pesel = make_pesel(born, rng.between(0, 999), int(male))
        return {
            "party_kind": "person",
            "first_name": rng.pick(MEN if male else WOMEN),
            "last_name": last,
            "pesel": pesel,
            "street": street,
            "postal_code": f"87-1{rng.between(0, 99):02d}",
            "city": words["place"],
        }
    return {
        "party_kind": "institution",
        "institution": rng.pick(INSTITUTIONS),
        "nip": rng.pick(office.nips) if rng.random() < 0.5 else "",
        "street": street,
        "postal_code": f"87-{rng.between(100, 199)}",
        "city": rng.pick(["Toruń", "Bydgoszcz", words["place"]]),
    }


def _party(case: dict[str, Any], sender: dict[str, Any], role: str) -> dict[str, Any]:
    return {"unit_id": case["unit_id"], "case_id": case, "role": role, **sender}


def _assignment(
    rng: _Dice,
    office: _Office,
    item: dict[str, Any],
    assignee: int | None,
    now: datetime.datetime,
) -> dict[str, Any]:
    created_at = min(now, item["registered_at"] + datetime.timedelta(minutes=rng.between(5, 240)))
    waiting = item["status"] == IncomingItem.Status.ASSIGNED
    resolved_at = None
    if not waiting:
        resolved_at = min(now, created_at + datetime.timedelta(minutes=rng.between(10, 1440)))
    return {
        "unit_id": office.unit.pk,
        "item_id": item,
        "assigned_by_id": office.clerk_id,
        "department_id": item["department_id"],
        "assignee_id": assignee,
        "instruction": rng.pick(INSTRUCTIONS),
        "due_on": (
            item["received_on"] + datetime.timedelta(days=14) if rng.random() < 0.3 else None
        ),
        "status": Assignment.Status.PENDING if waiting else Assignment.Status.ACCEPTED,
        "created_at": created_at,
        "resolved_at": resolved_at,
        "resolved_by_id": None if waiting else (assignee or office.clerk_id),
    }
