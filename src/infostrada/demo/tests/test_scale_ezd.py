"""``seed-demo --scale`` grows the EZD: registers, spisy spraw, search rows, tasks.

The multipliers are made small (N x 600 letters, N x 180 cases instead of
N x 10,000 and N x 3,000) so that the test stays fast; the shape is the same.
"""

import datetime
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from infostrada.accounts.models import Membership
from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.demo import region, scale
from infostrada.demo.scale_ezd import DEMO_OFFICER_PENDING, EZD_SOURCE, EZD_YEARS
from infostrada.documents import search
from infostrada.documents.models import (
    Assignment,
    Case,
    CaseList,
    CaseParty,
    Department,
    FileClass,
    IncomingItem,
    IncomingRegister,
    SearchEntry,
)
from infostrada.documents.services import cases, correspondence
from infostrada.documents.services.correspondence import IncomingData
from infostrada.tenancy.models import Unit

ITEMS, CASES = 600, 180
WHY = "test of the synthetic EZD data"


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo")
    units = [Unit.objects.get(teryt=code) for code in region.DEMO_UNITS]
    units.append(Unit.objects.get(slug=region.PARTNER["slug"]))
    scale.grow(2, units, lambda _line: None, items_per_n=ITEMS, cases_per_n=CASES)
    return units


def _actor(unit: Unit, role: str) -> Actor:
    user = (
        Membership.objects.for_unit(unit)
        .filter(role=role)
        .exclude(user__username__startswith="synt.")
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )
    return Actor(kind="user", id=str(user.pk), name=user.username, user=user)


def _state() -> dict[str, int]:
    models = (IncomingItem, IncomingRegister, Case, CaseList, CaseParty, Assignment, SearchEntry)
    return {m.__name__: m.objects.unscoped(WHY).count() for m in models}


@pytest.mark.django_db
def test_scale_grows_registers_and_cases_mostly_in_the_bench_unit(seeded):
    synthetic = IncomingItem.objects.unscoped(WHY).filter(source_system=EZD_SOURCE)
    assert synthetic.count() == 2 * ITEMS
    from_synthetic = Case.objects.unscoped(WHY).filter(incoming_items__in=synthetic)
    assert from_synthetic.count() == 2 * CASES
    lubicz = Unit.objects.get(slug="lubicz")
    assert synthetic.filter(unit=lubicz).count() == 2 * ITEMS * 70 // 100
    this_year = timezone.localdate().year
    years = set(synthetic.values_list("year", flat=True))
    assert years == set(range(this_year - EZD_YEARS + 1, this_year + 1))
    # every case has its applicant and its search row; most are closed
    assert SearchEntry.objects.unscoped(WHY).count() == Case.objects.unscoped(WHY).count()
    without_applicant = from_synthetic.exclude(parties__role="applicant")
    assert not without_applicant.exists()
    closed = from_synthetic.filter(status=Case.Status.CLOSED).count() / from_synthetic.count()
    assert 0.55 < closed < 0.85


@pytest.mark.django_db
def test_numbers_are_gap_free_and_the_counters_hold_the_last_number(seeded):
    numbers = defaultdict(list)
    for unit_id, year, number in IncomingItem.objects.unscoped(WHY).values_list(
        "unit_id", "year", "number"
    ):
        numbers[(unit_id, year)].append(number)
    for register in IncomingRegister.objects.unscoped(WHY):
        got = sorted(numbers.pop((register.unit_id, register.year), []))
        assert got == list(range(1, register.last_number + 1)), register
    assert not numbers, "letters without a register row"

    in_lists = defaultdict(list)
    signature = re.compile(r"^([A-Z]+)\.(\d{1,4})\.(\d+)\.(\d{4})$")
    for case in Case.objects.unscoped(WHY).select_related("department"):
        in_lists[case.case_list_id].append(case.number)
        symbol, jrwa, number, year = signature.match(case.signature).groups()
        assert (symbol, jrwa, int(number), int(year)) == (
            case.department.symbol,
            case.class_symbol,
            case.number,
            case.year,
        )
    for case_list in CaseList.objects.unscoped(WHY):
        got = sorted(in_lists.pop(case_list.pk, []))
        assert got == list(range(1, case_list.last_number + 1)), case_list
    assert not in_lists
    signatures = Case.objects.unscoped(WHY).values_list("unit_id", "signature")
    assert len(set(signatures)) == len(signatures)


@pytest.mark.django_db
def test_search_rows_hold_what_the_search_module_indexes_and_find_the_case(seeded):
    lubicz = Unit.objects.get(slug="lubicz")
    sample = (
        Case.objects.for_unit(lubicz)
        .filter(incoming_items__source_system=EZD_SOURCE)
        .select_related("department", "search_entry")
        .order_by("pk")[::37]
    )
    assert len(sample) > 3
    for case in sample:
        assert case.search_entry.body == search.case_text(case)
    secretary = _actor(lubicz, Role.SECRETARY)
    case = sample[1]
    applicant = CaseParty.objects.for_unit(lubicz).get(case=case, role="applicant")
    query = f"{applicant.correspondent_name} {case.title}"
    found = [pk for pk, _score in search.search_cases(secretary, lubicz, query, limit=200)]
    assert case.pk in found
    found = [pk for pk, _score in search.search_cases(secretary, lubicz, case.signature)]
    assert case.pk in found


@pytest.mark.django_db
def test_the_demo_case_officer_has_a_working_day_of_tasks(seeded):
    lubicz = Unit.objects.get(slug="lubicz")
    officer = _actor(lubicz, Role.CASE_OFFICER).user
    pending = Assignment.objects.for_unit(lubicz).filter(
        assignee=officer, status=Assignment.Status.PENDING, item__source_system=EZD_SOURCE
    )
    assert pending.count() == DEMO_OFFICER_PENDING
    assert pending.filter(item__status=IncomingItem.Status.ASSIGNED).count() == pending.count()
    open_cases = Case.objects.for_unit(lubicz).filter(assignee=officer).exclude(status="closed")
    assert open_cases.exists()
    # the unit's departments existed in every synthetic year
    first = timezone.localdate().year - EZD_YEARS + 1
    assert not Department.objects.for_unit(lubicz).filter(valid_from__gt=first).exists()


@pytest.mark.django_db
def test_running_again_adds_nothing_and_the_services_continue_the_numbering(seeded):
    before = _state()
    scale.grow(2, seeded, lambda _line: None, items_per_n=ITEMS, cases_per_n=CASES)
    assert _state() == before

    lubicz = Unit.objects.get(slug="lubicz")
    year = timezone.localdate().year
    register = IncomingRegister.objects.for_unit(lubicz).get(year=year)
    item = correspondence.register_incoming(
        actor=_actor(lubicz, Role.CHANCELLERY),
        unit=lubicz,
        data=IncomingData(
            channel="paper",
            received_on=timezone.localdate() - datetime.timedelta(days=1),
            subject="Wniosek o wydanie wypisu z planu miejscowego",
            party_kind="person",
            first_name="Jan",
            last_name="Testowy",
        ),
    )
    assert (item.year, item.number) == (year, register.last_number + 1)

    zp = Department.objects.for_unit(lubicz).get(symbol="ZP")
    file_class = FileClass.objects.for_unit(lubicz).get(symbol="6730")
    case_list = CaseList.objects.for_unit(lubicz).get(
        department=zp, file_class=file_class, year=year
    )
    case = cases.open_case(
        actor=_actor(lubicz, Role.SECRETARY),
        unit=lubicz,
        department=zp,
        file_class=file_class,
        title="Ustalenie warunków zabudowy, działka nr 1/1",
    )
    assert case.number == case_list.last_number + 1
    assert case.signature == f"ZP.6730.{case.number}.{year}"
    call_command("audit_verify")
