import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from infostrada.audit import services as audit
from infostrada.audit.context import Actor, current_request_id
from infostrada.audit.models import AppendOnlyError, AuditChain, AuditEvent

ACTOR = Actor(kind="user", id="7", name="anna.nowak")


def _write(unit, n, action="test.thing"):
    for i in range(n):
        with transaction.atomic():
            audit.record(ACTOR, unit, action, changes={"i": i, "text": "zażółć"})


def _raw(sql, params):
    """Tamper with the table directly, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify():
    try:
        call_command("audit_verify")
    except CommandError as exc:
        return exc
    return None


def test_entries_are_chained_per_unit(lubicz, nieszawka):
    token = current_request_id.set("req-123")
    try:
        _write(lubicz, 3)
        _write(nieszawka, 2)
    finally:
        current_request_id.reset(token)
    events = list(AuditEvent.objects.for_unit(lubicz).order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[0].request_id == "req-123"
    assert AuditChain.objects.get(key=f"unit:{lubicz.pk}").last_hash == events[-1].hash
    assert AuditEvent.objects.for_unit(nieszawka).count() == 2
    assert _verify() is None


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(lubicz):
    with pytest.raises(RuntimeError):
        audit.record(ACTOR, lubicz, "test.thing")


def test_the_application_cannot_change_or_delete_entries(lubicz):
    _write(lubicz, 1)
    event = AuditEvent.objects.for_unit(lubicz).get()
    event.action = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.for_unit(lubicz).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.for_unit(lubicz).delete()


def test_verify_names_an_altered_entry(lubicz, capsys):
    _write(lubicz, 5)
    target = AuditEvent.objects.for_unit(lubicz).get(seq=3)
    _raw("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["mallory", target.pk])
    error = _verify()
    assert error is not None and error.returncode == 1
    err = capsys.readouterr().err
    assert f"entry #3 (id {target.pk})" in err and "altered" in err


def test_verify_names_an_altered_summary(lubicz, capsys):
    _write(lubicz, 2)
    target = AuditEvent.objects.for_unit(lubicz).get(seq=1)
    _raw("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"i": 99}', target.pk])
    assert _verify() is not None
    assert f"entry #1 (id {target.pk})" in capsys.readouterr().err


def test_verify_finds_a_deleted_entry_in_the_middle(lubicz, capsys):
    _write(lubicz, 4)
    target = AuditEvent.objects.for_unit(lubicz).get(seq=2)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    assert _verify() is not None
    err = capsys.readouterr().err
    assert "entry #2" in err and "missing" in err


def test_verify_finds_the_last_entry_deleted(lubicz, capsys):
    _write(lubicz, 3)
    target = AuditEvent.objects.for_unit(lubicz).get(seq=3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    assert _verify() is not None
    assert "after #2 missing" in capsys.readouterr().err


def test_verify_finds_a_recomputed_hash_by_the_broken_link(lubicz, capsys):
    """Re-hashing an altered entry does not help: the next entry's link breaks."""
    _write(lubicz, 3)
    event = AuditEvent.objects.for_unit(lubicz).get(seq=2)
    event.actor_name = "mallory"
    new_hash = event.compute_hash()
    _raw(
        "UPDATE audit_auditevent SET actor_name = %s, hash = %s WHERE id = %s",
        ["mallory", new_hash, event.pk],
    )
    assert _verify() is not None
    assert "entry #3" in capsys.readouterr().err


def test_long_values_are_shortened_in_the_summary(lubicz):
    with transaction.atomic():
        event = audit.record(ACTOR, lubicz, "test.long", changes={"body": "x" * 5000})
    assert len(event.changes["body"]) <= audit.MAX_CHANGE_TEXT + 1


def _database_url() -> str:
    """The URL of the database this test runs on, for a separate process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_infostrada_command_exits_non_zero_naming_the_entry(lubicz, tmp_path):
    """The operator's command itself, in its own process, on committed data."""
    import os
    import subprocess
    import sys

    def run():
        return subprocess.run(
            [sys.executable, "-m", "infostrada.cli", "audit-verify"],
            env={
                **os.environ,
                "INFOSTRADA_DATA_DIR": str(tmp_path),
                "INFOSTRADA_DATABASE_URL": _database_url(),
            },
            capture_output=True,
            text=True,
        )

    _write(lubicz, 3)
    clean = run()
    assert clean.returncode == 0, clean.stderr
    target = AuditEvent.objects.for_unit(lubicz).get(seq=2)
    _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x.forged", target.pk])
    broken = run()
    assert broken.returncode == 1
    assert f"entry #2 (id {target.pk})" in broken.stderr


def test_an_append_during_verification_is_not_taken_for_damage(lubicz, monkeypatch):
    """On a live system entries are appended while audit-verify/audit-checkpoint read."""
    _write(lubicz, 3)
    real = audit._chain_events

    def append_first(*args, **kwargs):
        _write(lubicz, 1)  # committed between reading the head and reading the entries
        yield from real(*args, **kwargs)

    monkeypatch.setattr(audit, "_chain_events", append_first)
    assert audit.verify_chain(f"unit:{lubicz.pk}") is None


def test_an_entry_slipped_in_after_the_head_is_found(lubicz):
    _write(lubicz, 3)
    key = f"unit:{lubicz.pk}"
    last = AuditEvent.objects.unscoped("test").get(chain=key, seq=3)
    forged = AuditEvent(
        unit_id=lubicz.pk,
        chain=key,
        seq=4,
        occurred_at=last.occurred_at,
        actor_kind="user",
        actor_id="7",
        actor_name="intruz",
        action="test.forged",
        prev_hash=last.hash,
    )
    forged.hash = forged.compute_hash()
    AuditEvent.objects.bulk_create([forged])  # the head is left at #3
    problem = audit.verify_chain(key)
    assert problem is not None and problem.seq == 4
