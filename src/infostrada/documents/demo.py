"""EZD data of the demo region (called by ``seed-demo``): idempotent.

Every demo JST unit gets departments (OR organisational, ZP spatial planning,
FN finance), the demo JRWA excerpt, its officials attached to departments,
letter templates, an electronic seal from the demo CA, and a few letters and
cases so that the workbench is not empty.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from infostrada.accounts.models import Membership, User
from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.documents import seal
from infostrada.documents.models import (
    Department,
    DepartmentMember,
    DocumentTemplate,
    FileClass,
    IncomingItem,
)
from infostrada.documents.services import cases, correspondence, organisation
from infostrada.documents.services.correspondence import IncomingData
from infostrada.tenancy.models import Unit

JRWA = Path(__file__).resolve().parent / "data" / "jrwa_demo_gmina.csv"
DEPARTMENTS = [
    ("OR", "Referat Organizacyjny"),
    ("ZP", "Referat Zagospodarowania Przestrzennego"),
    ("FN", "Referat Finansowy"),
]
# Which department each demo role works in; heads marked True.
ROLE_DEPARTMENT = {
    Role.CHANCELLERY: ("OR", False),
    Role.SECRETARY: ("OR", True),
    Role.CASE_OFFICER: ("ZP", False),
    Role.APPROVER: ("ZP", True),
    Role.GIS_OPERATOR: ("ZP", False),
    Role.BIP_EDITOR: ("OR", False),
    Role.REGISTER_KEEPER: ("OR", False),
    Role.PARTICIPATION_COORDINATOR: ("OR", False),
    Role.ARCHIVIST: ("OR", False),
}
TEMPLATES = [
    (
        "Odpowiedź na pismo",
        "letter",
        "W odpowiedzi na Pana/Pani pismo w sprawie $case_title (znak sprawy $case_signature) "
        "uprzejmie informuję, że ...\n\nZ poważaniem",
    ),
    (
        "Wezwanie do uzupełnienia braków formalnych (art. 64 § 2 KPA)",
        "letter",
        "Na podstawie art. 64 § 2 Kodeksu postępowania administracyjnego wzywam do "
        "uzupełnienia braków formalnych wniosku w sprawie $case_title w terminie 7 dni od "
        "dnia doręczenia wezwania, przez ...\n\nNieusunięcie braków w terminie spowoduje "
        "pozostawienie wniosku bez rozpoznania.",
    ),
    (
        "Decyzja (szkielet)",
        "decision",
        "DECYZJA\n\nNa podstawie art. 104 Kodeksu postępowania administracyjnego oraz ..., "
        "po rozpatrzeniu wniosku $applicant, $applicant_address,\n\norzekam\n\n...\n\n"
        "UZASADNIENIE\n\n...\n\nPOUCZENIE\n\nOd niniejszej decyzji przysługuje odwołanie do "
        "Samorządowego Kolegium Odwoławczego za pośrednictwem $unit w terminie 14 dni od "
        "dnia jej doręczenia.",
    ),
]


def seed(units: list[Unit], actor: Actor, log: Any) -> None:
    jst = [u for u in units if u.teryt]
    year = timezone.localdate().year
    for unit in jst:
        if not FileClass.objects.for_unit(unit).exists():
            with JRWA.open(encoding="utf-8") as stream:
                organisation.import_jrwa(actor=actor, unit=unit, stream=stream)
        departments = {d.symbol: d for d in Department.objects.for_unit(unit)}
        for symbol, name in DEPARTMENTS:
            if symbol not in departments:
                departments[symbol] = organisation.create_department(
                    actor=actor, unit=unit, symbol=symbol, name=name, valid_from=year - 1
                )
        for membership in Membership.objects.for_unit(unit).select_related("user"):
            placement = ROLE_DEPARTMENT.get(membership.role)
            if placement is None or membership.user.username.startswith("synt."):
                continue
            symbol, head = placement
            if not DepartmentMember.objects.for_unit(unit).filter(user=membership.user).exists():
                organisation.add_member(
                    actor=actor,
                    unit=unit,
                    department=departments[symbol],
                    user=membership.user,
                    is_head=head,
                    since=datetime.date(year - 1, 1, 1),
                )
        existing = set(DocumentTemplate.objects.for_unit(unit).values_list("name", flat=True))
        for name, kind, body in TEMPLATES:
            if name not in existing:
                organisation.create_template(
                    actor=actor, unit=unit, name=name, kind=kind, body=body
                )
    seal.ensure_demo_seals(jst, actor)
    for unit in jst:
        _sample_matters(unit, log)
    log(f"ezd: departments, JRWA, templates and seals in {len(jst)} units")


def _sample_matters(unit: Unit, log: Any) -> None:
    """Two letters and one case per unit, once (the workbench should not start empty)."""
    if IncomingItem.objects.for_unit(unit).exists():
        return
    clerk = _official(unit, Role.CHANCELLERY)
    officer = _official(unit, Role.CASE_OFFICER)
    if clerk is None or officer is None:
        return
    zp = Department.objects.for_unit(unit).get(symbol="ZP")
    as_clerk = Actor(kind="user", id=str(clerk.pk), name=clerk.username, user=clerk)
    as_officer = Actor(kind="user", id=str(officer.pk), name=officer.username, user=officer)
    today = timezone.localdate()
    with transaction.atomic():
        first = correspondence.register_incoming(
            actor=as_clerk,
            unit=unit,
            data=IncomingData(
                channel="paper",
                received_on=today,
                party_kind="person",
                first_name="Jan",
                last_name="Kowalski",
                street="ul. Polna 3",
                postal_code="87-100",
                city="Toruń",
                subject="Wniosek o wydanie wypisu i wyrysu z planu miejscowego",
            ),
        )
        correspondence.assign(
            actor=as_clerk,
            unit=unit,
            item=first,
            department=zp,
            assignee=officer,
            instruction="Proszę o załatwienie.",
        )
        second = correspondence.register_incoming(
            actor=as_clerk,
            unit=unit,
            data=IncomingData(
                channel="email",
                received_on=today,
                party_kind="institution",
                institution="Wojewódzki Inspektorat Ochrony Środowiska w Bydgoszczy",
                email="sekretariat@wios.example.invalid",
                subject="Zaproszenie na szkolenie z ocen oddziaływania na środowisko",
            ),
        )
        correspondence.assign(actor=as_clerk, unit=unit, item=second, department=zp)
        cases.open_case(
            actor=as_officer,
            unit=unit,
            department=zp,
            file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
            title="Ustalenie warunków zabudowy dla budynku mieszkalnego, dz. 45/2",
            started_on=today - datetime.timedelta(days=20),
        )


def _official(unit: Unit, role: str) -> User | None:
    membership = (
        Membership.objects.for_unit(unit)
        .filter(role=role)
        .select_related("user")
        .exclude(user__username__startswith="synt.")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None
