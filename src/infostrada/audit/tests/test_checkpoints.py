"""Signed checkpoints: tampering that keeps the chains consistent is still detected.

Each tampering case below leaves every chain internally consistent (the
internal check of ADR 0003 passes, as it did before checkpoints existed);
only the signed checkpoint outside the database reveals it.
"""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from infostrada.audit import checkpoints
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.audit.models import GENESIS, AuditChain, AuditEvent

ACTOR = Actor(kind="user", id="7", name="anna.nowak")


@pytest.fixture(autouse=True)
def _key_in_tmp(settings, tmp_path):
    """Each test signs with its own key, not the data directory's."""
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "audit_signing_key.pem")


def _write(unit, n, action="test.thing"):
    for i in range(n):
        with transaction.atomic():
            audit.record(ACTOR, unit, action, changes={"i": i})


def _verify():
    try:
        call_command("audit_verify")
    except CommandError as exc:
        return exc
    return None


def _events(chain):
    return list(AuditEvent.objects.unscoped("test").filter(chain=chain).order_by("seq"))


def _replace_chain(chain, events):
    """Rewrite a chain as a database administrator could: new seqs, hashes and head."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE chain = %s", [chain])
    prev = GENESIS
    rebuilt = []
    for seq, event in enumerate(events, start=1):
        event.pk = None
        event.seq = seq
        event.prev_hash = prev
        event.hash = event.compute_hash()
        prev = event.hash
        rebuilt.append(event)
    AuditEvent.objects.bulk_create(rebuilt)
    AuditChain.objects.filter(key=chain).update(last_seq=len(rebuilt), last_hash=prev)


def _consistent():
    """The internal check alone sees nothing wrong (so only the anchor can)."""
    assert audit.verify_all()[1] == []


@pytest.fixture
def anchored(lubicz, nieszawka):
    _write(lubicz, 5)
    _write(nieszawka, 3)
    call_command("audit_checkpoint")
    return f"unit:{lubicz.pk}", f"unit:{nieszawka.pk}"


def test_a_checkpoint_is_signed_stored_and_verified(anchored, capsys):
    lubicz_chain, _ = anchored
    name = checkpoints.latest_name()
    assert name and name.startswith("audit-checkpoints/")
    document = json.loads(default_storage.open(name).read())
    assert document["heads"][lubicz_chain]["seq"] == 5 and "signature" in document
    assert _verify() is None
    assert "consistent with checkpoint" in capsys.readouterr().out


def test_the_next_checkpoint_links_to_the_previous(anchored, lubicz):
    first = checkpoints.load(checkpoints.latest_name())
    _write(lubicz, 2)
    call_command("audit_checkpoint")
    second = checkpoints.load(checkpoints.latest_name())
    assert second.name != first.name and second.body["previous"] == first.digest
    assert second.heads[f"unit:{lubicz.pk}"]["seq"] == 7


def test_cutting_the_tail_is_detected(anchored):
    chain, _ = anchored
    _replace_chain(chain, _events(chain)[:-2])
    _consistent()
    problem = _verify()
    assert problem is not None and problem.returncode == 1


def test_rewriting_and_rehashing_is_detected(anchored, capsys):
    chain, _ = anchored
    events = _events(chain)
    events[1].changes = {"i": "sfałszowane"}
    _replace_chain(chain, events)
    _consistent()
    assert _verify() is not None
    assert "rewritten" in capsys.readouterr().err


def test_dropping_a_units_whole_chain_is_detected(anchored, capsys):
    _, chain = anchored
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE chain = %s", [chain])
        cursor.execute("DELETE FROM audit_auditchain WHERE key = %s", [chain])
    _consistent()
    assert _verify() is not None
    assert "whole chain is missing" in capsys.readouterr().err


def test_a_forged_entry_inserted_before_the_checkpoint_is_detected(anchored):
    chain, _ = anchored
    events = _events(chain)
    forged = AuditEvent(
        **{f.attname: getattr(events[0], f.attname) for f in events[0]._meta.fields}
    )
    forged.action = "accounts.membership.granted"
    forged.changes = {"user": "intruz", "role": "unit_admin"}
    _replace_chain(chain, [*events[:2], forged, *events[2:]])
    _consistent()
    assert _verify() is not None


def test_a_forged_checkpoint_is_detected(anchored, capsys):
    """Rewrite history and write a matching checkpoint: without the key it does not verify."""
    chain, _ = anchored
    events = _events(chain)
    events[0].changes = {"i": "inaczej"}
    _replace_chain(chain, events)
    head = AuditChain.objects.get(key=chain)
    name = checkpoints.latest_name()
    document = json.loads(default_storage.open(name).read())
    document["heads"][chain] = {"seq": head.last_seq, "hash": head.last_hash}
    default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(document).encode()))
    assert _verify() is not None
    assert "signature invalid" in capsys.readouterr().err


def test_a_checkpoint_signed_with_another_key_is_refused(anchored, settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "other.pem")
    checkpoints.signing_key(create=True)
    assert isinstance(checkpoints.signing_key(), Ed25519PrivateKey)
    assert _verify() is not None


def test_checkpoints_without_their_key_are_reported(anchored, settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    problem = _verify()
    assert problem is not None


def test_a_broken_chain_is_not_anchored(anchored, lubicz):
    chain, _ = anchored
    _write(lubicz, 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE chain = %s AND seq = %s",
            ["forged", chain, 6],
        )
    before = checkpoints.latest_name()
    with pytest.raises(CommandError):
        call_command("audit_checkpoint")
    assert checkpoints.latest_name() == before


def test_the_window_after_the_last_checkpoint_is_not_covered(anchored, lubicz):
    """Documented limit: entries newer than the last checkpoint can be cut consistently."""
    chain, _ = anchored
    _write(lubicz, 3)
    _replace_chain(chain, _events(chain)[:-3])
    assert _verify() is None
