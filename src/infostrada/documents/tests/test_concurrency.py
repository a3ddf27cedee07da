"""Gap-free numbering under concurrent use: 50 officials at once, each in a thread.

Each thread has its own database connection and transaction, as web workers
do. On PostgreSQL they really run in parallel (row locks serialise only the
counter); on SQLite the IMMEDIATE transactions serialise them.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.utils import timezone

from infostrada.documents.models import Case, FileClass, IncomingItem
from infostrada.documents.services import cases, correspondence
from infostrada.documents.services.correspondence import IncomingData

from .conftest import actor

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 50


def run_concurrently(work) -> list[BaseException]:  # type: ignore[no-untyped-def]
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait(timeout=60)
            work(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def test_fifty_concurrent_case_openings_are_numbered_1_to_50(ezd):
    unit, department = ezd.unit, ezd.ZP
    file_class = FileClass.objects.for_unit(unit).get(symbol="6730")
    officer = actor(ezd.referent)

    errors = run_concurrently(
        lambda n: cases.open_case(
            actor=officer,
            unit=unit,
            department=department,
            file_class=file_class,
            title=f"Warunki zabudowy nr {n}",
        )
    )
    assert errors == []
    numbers = sorted(
        Case.objects.for_unit(unit).filter(file_class=file_class).values_list("number", flat=True)
    )
    assert numbers == list(range(1, WORKERS + 1))
    year = timezone.localdate().year
    signatures = set(Case.objects.for_unit(unit).values_list("signature", flat=True))
    assert signatures == {f"ZP.6730.{n}.{year}" for n in range(1, WORKERS + 1)}


def test_fifty_concurrent_registrations_are_numbered_1_to_50(ezd):
    unit, clerk = ezd.unit, actor(ezd.kancelaria)

    def register(n: int) -> None:
        correspondence.register_incoming(
            actor=clerk,
            unit=unit,
            data=IncomingData(
                channel="paper",
                received_on=timezone.localdate(),
                subject=f"Pismo {n}",
                party_kind="institution",
                institution=f"Nadawca {n}",
            ),
        )

    errors = run_concurrently(register)
    assert errors == []
    numbers = sorted(IncomingItem.objects.for_unit(unit).values_list("number", flat=True))
    assert numbers == list(range(1, WORKERS + 1))
