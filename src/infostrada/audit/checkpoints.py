"""Signed checkpoints of every chain head, kept outside the database.

The hash chains (ADR 0003) show an entry altered in place, but someone who can
write the database can also rewrite an entry and re-hash everything after it,
cut a chain's tail and move its head back, or drop a unit's chain outright:
the result is consistent and ``audit-verify`` used to pass. A checkpoint
records ``(seq, hash)`` of every chain head at one moment, signed with an
Ed25519 key that lives in a file outside the database, and is written through
Django's storage API (local disk or object storage, ideally write-once).
Since an entry's hash covers every earlier entry, the head recorded for a
chain pins that chain's whole history up to it.

``audit-verify`` checks the latest checkpoint against the database. What it
cannot see is the window after that checkpoint: entries written since then
may be altered, cut or dropped consistently without trace, and deleting the
newest checkpoint files widens the window to the one before. Operators run
``infostrada audit-checkpoint`` periodically (docs/audit.md) and keep the
checkpoint storage write-once or copied elsewhere. See ADR 0016.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from infostrada.audit.models import AuditChain, AuditEvent
from infostrada.audit.services import ChainProblem, verify_chain

FORMAT = "infostrada-audit-checkpoint/1"
ROOT = "audit-checkpoints"


class CheckpointError(RuntimeError):
    """A checkpoint cannot be written or read (no key, broken chain, bad file)."""


# --- the signing key ----------------------------------------------------------


def key_path() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_FILE)


def signing_key(*, create: bool = False) -> Ed25519PrivateKey | None:
    """The Ed25519 key from its file; created (mode 0600) on the first checkpoint."""
    path = key_path()
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:  # O_EXCL: two first runs at once must not end with two keys
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return signing_key()
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        return key
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 private key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- reading ------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    name: str
    body: dict[str, Any]
    signature: bytes
    raw: bytes

    @property
    def heads(self) -> dict[str, dict[str, Any]]:
        return self.body["heads"]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    def signed_by(self, public: Ed25519PublicKey) -> bool:
        try:
            public.verify(self.signature, _canonical(self.body))
        except InvalidSignature:
            return False
        return self.body.get("key_id") == key_id(public)


def _listdir(path: str) -> tuple[list[str], list[str]]:
    try:
        return default_storage.listdir(path)
    except FileNotFoundError:
        return [], []


def latest_name() -> str | None:
    """The newest checkpoint's storage name (names sort by time, YYYY/MM/DD/…)."""

    def newest(path: str, depth: int) -> str | None:
        dirs, files = _listdir(path)
        if depth == 0:
            names = sorted(f for f in files if f.endswith(".json"))
            return f"{path}/{names[-1]}" if names else None
        for sub in sorted(dirs, reverse=True):
            found = newest(f"{path}/{sub}", depth - 1)
            if found:
                return found
        return None

    return newest(ROOT, 3)


def load(name: str) -> Checkpoint:
    with default_storage.open(name, "rb") as handle:
        raw = handle.read()
    try:
        document = json.loads(raw)
        signature = base64.b64decode(document.pop("signature"))
        if document.get("format") != FORMAT or not isinstance(document.get("heads"), dict):
            raise ValueError("not a checkpoint")
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"checkpoint {name} is unreadable: {exc}") from exc
    return Checkpoint(name=name, body=document, signature=signature, raw=raw)


# --- writing ------------------------------------------------------------------


def _current_heads() -> dict[str, dict[str, Any]]:
    return {
        key: {"seq": seq, "hash": last_hash}
        for key, seq, last_hash in AuditChain.objects.order_by("key").values_list(
            "key", "last_seq", "last_hash"
        )
    }


def write_checkpoint(now: datetime | None = None) -> tuple[str, list[ChainProblem]]:
    """Sign the current heads and store them; refuse to anchor a broken chain.

    Each chain is checked from the previous checkpoint's head onwards (not
    from its start), so a periodic run costs the entries written since. If the
    previous checkpoint no longer matches the database, or a chain is broken,
    nothing is written and the problems are returned: anchoring tampered
    history would make it look legitimate.
    """
    key = signing_key(create=True)
    assert key is not None
    previous_name = latest_name()
    previous = load(previous_name) if previous_name else None
    problems: list[ChainProblem] = []
    if previous is not None:
        if not previous.signed_by(key.public_key()):
            problems.append(
                ChainProblem("-", None, None, f"checkpoint {previous.name}: bad signature")
            )
        problems += check_against(previous)
    heads = _current_heads()
    for chain in heads:
        anchor = (previous.heads.get(chain) if previous else None) or None
        start = (anchor["seq"], anchor["hash"]) if anchor else None
        problem = verify_chain(chain, after=start)
        if problem is not None:
            problems.append(problem)
    if problems:
        return "", problems
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    body = {
        "format": FORMAT,
        "created_at": moment.isoformat(timespec="microseconds"),
        "key_id": key_id(key.public_key()),
        "previous": previous.digest if previous else None,
        "heads": heads,
    }
    document = {**body, "signature": base64.b64encode(key.sign(_canonical(body))).decode()}
    name = f"{ROOT}/{moment:%Y/%m/%d}/{moment:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(4)}.json"
    stored = default_storage.save(name, ContentFile(json.dumps(document, indent=1).encode()))
    return stored, []


# --- checking the database against a checkpoint ---------------------------------


def check_against(checkpoint: Checkpoint) -> list[ChainProblem]:
    """Every head the checkpoint recorded must still be in the database, unchanged."""
    problems = []
    events = AuditEvent.objects.unscoped("verification reads every chain")
    for chain, head in sorted(checkpoint.heads.items()):
        seq, expected = int(head["seq"]), head["hash"]
        if seq == 0:
            continue
        found = events.filter(chain=chain, seq=seq).values_list("hash", flat=True).first()
        if found is None:
            reason = f"entry #{seq} anchored by checkpoint {checkpoint.name} is missing"
            if not events.filter(chain=chain).exists():
                reason = f"the whole chain is missing (checkpoint {checkpoint.name} has #{seq})"
            problems.append(ChainProblem(chain, seq, None, reason))
        elif found != expected:
            problems.append(
                ChainProblem(
                    chain,
                    seq,
                    None,
                    f"history up to #{seq} differs from checkpoint {checkpoint.name} "
                    "(rewritten and re-hashed)",
                )
            )
    return problems


def verify_latest() -> tuple[str | None, list[ChainProblem]]:
    """Check the database against the newest checkpoint (name, problems)."""
    name = latest_name()
    if name is None:
        return None, []
    key = signing_key()
    if key is None:
        return name, [
            ChainProblem(
                "-",
                None,
                None,
                f"checkpoints exist but the signing key {key_path()} is missing "
                "(restore it from the backup of the secrets)",
            )
        ]
    try:
        checkpoint = load(name)
    except CheckpointError as exc:
        return name, [ChainProblem("-", None, None, str(exc))]
    if not checkpoint.signed_by(key.public_key()):
        return name, [
            ChainProblem("-", None, None, f"checkpoint {name}: signature invalid (forged?)")
        ]
    return name, check_against(checkpoint)
