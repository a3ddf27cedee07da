"""An EZD set up in Gmina Lubicz (and a bare one in Wielka Nieszawka) for the tests."""

from __future__ import annotations

import io
import types
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from reportlab.pdfgen import canvas

from infostrada.accounts.roles import Role
from infostrada.audit.context import Actor
from infostrada.documents import seal
from infostrada.documents.models import FileClass, IncomingItem
from infostrada.documents.services import cases, correspondence, organisation
from infostrada.documents.services.correspondence import IncomingData
from infostrada.testing import UserFactory, official

JRWA = Path(organisation.__file__).resolve().parent.parent / "data" / "jrwa_demo_gmina.csv"
SYSTEM = Actor.system("test")


def pdf_bytes(text: str = "Wniosek o wydanie wypisu") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def actor(user) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(kind="user", id=str(user.pk), name=user.username, user=user)


def register(ezd, subject: str = "Pismo", **overrides: Any) -> IncomingItem:  # type: ignore[no-untyped-def]
    """A paper letter with its scan, registered by the chancellery."""
    data = IncomingData(
        channel="paper",
        received_on=timezone.localdate(),
        subject=subject,
        party_kind="institution",
        institution="Nadleśnictwo Toruń",
        **overrides,
    )
    return correspondence.register_incoming(
        actor=actor(ezd.kancelaria), unit=ezd.unit, data=data, files=[("pismo.pdf", pdf_bytes())]
    )


def open_case(ezd, department=None, symbol: str = "6727", title: str = "Sprawa", **kw):  # type: ignore[no-untyped-def]
    """A case opened by the department's case officer (ZP: referent, OR: referent_or)."""
    department = department or ezd.ZP
    officer = ezd.referent if department == ezd.ZP else ezd.referent_or
    if kw.get("item") is not None:  # the chancellery routes the letter to the officer first
        correspondence.assign(
            actor=actor(ezd.kancelaria),
            unit=ezd.unit,
            item=kw["item"],
            department=department,
            assignee=officer,
        )
    return cases.open_case(
        actor=actor(officer),
        unit=ezd.unit,
        department=department,
        file_class=FileClass.objects.for_unit(ezd.unit).get(symbol=symbol),
        title=title,
        **kw,
    )


def setup_unit(unit, prefix: str) -> types.SimpleNamespace:  # type: ignore[no-untyped-def]
    year = 2020
    with JRWA.open(encoding="utf-8") as stream:
        organisation.import_jrwa(actor=SYSTEM, unit=unit, stream=stream)
    org = organisation.create_department(
        actor=SYSTEM, unit=unit, symbol="OR", name="Referat Organizacyjny", valid_from=year
    )
    zp = organisation.create_department(
        actor=SYSTEM,
        unit=unit,
        symbol="ZP",
        name="Referat Zagospodarowania Przestrzennego",
        valid_from=year,
    )
    people = types.SimpleNamespace(
        kancelaria=official(unit, Role.CHANCELLERY, username=f"{prefix}.kancelaria"),
        referent=official(unit, Role.CASE_OFFICER, username=f"{prefix}.referent"),
        referent_or=official(unit, Role.CASE_OFFICER, username=f"{prefix}.referent.or"),
        kierownik=official(unit, Role.APPROVER, username=f"{prefix}.kierownik"),
        sekretarz=official(unit, Role.SECRETARY, username=f"{prefix}.sekretarz"),
        archiwista=official(unit, Role.ARCHIVIST, username=f"{prefix}.archiwum"),
    )
    organisation.add_member(actor=SYSTEM, unit=unit, department=org, user=people.kancelaria)
    organisation.add_member(actor=SYSTEM, unit=unit, department=zp, user=people.referent)
    organisation.add_member(actor=SYSTEM, unit=unit, department=org, user=people.referent_or)
    organisation.add_member(
        actor=SYSTEM, unit=unit, department=zp, user=people.kierownik, is_head=True
    )
    organisation.add_member(
        actor=SYSTEM, unit=unit, department=org, user=people.sekretarz, is_head=True
    )
    seal.ensure_demo_seals([unit], SYSTEM)
    return types.SimpleNamespace(unit=unit, OR=org, ZP=zp, **vars(people))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """EZD tests create a dozen officials each; argon2 is tested in accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ezd(lubicz, nieszawka):  # type: ignore[no-untyped-def]
    world = setup_unit(lubicz, "lubicz")
    world.other = setup_unit(nieszawka, "nieszawka")
    citizen = UserFactory(
        username="jan.kowalski", kind="citizen", first_name="Jan", last_name="Kowalski"
    )
    world.citizen = citizen
    return world
