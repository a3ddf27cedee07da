"""The EZD's stored files as a whole: check them against the register, sweep orphans.

Every upload is written under its own name before the database transaction
that records it (``services.common.BlobWriter``). A transaction that fails
deletes only what it wrote itself, and only when it can see that nothing
committed points at it; anything else it leaves behind (a worker killed
between writing the file and committing, a failure inside a caller's
transaction) is an *orphan*: a blob no ``DocumentVersion`` names.

``sweep_orphans`` removes orphans older than a grace period. The grace period
is what makes the sweep safe without locks: a blob is named by a row in the
same transaction that follows its writing, within seconds, so a blob that
is unreferenced *and* hours old can only be left over. Run
``infostrada sweep-files`` daily (cron, a systemd timer).

``check_versions`` is the other direction: every stored version's file must
exist with the size and SHA-256 the register recorded (``infostrada
check-files``). It is what a backup restore, a storage migration or an
incident review runs to prove that no document lost its bytes.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from infostrada.documents.models import DocumentVersion

ROOT = "documents"
_BATCH = 500


@dataclass
class CheckReport:
    """What ``check_versions`` found: how many versions, and what is wrong with which."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class SweepReport:
    """Blobs seen under ``documents/``, and the orphans removed (or that would be)."""

    seen: int = 0
    removed: list[str] = field(default_factory=list)
    kept_young: int = 0


def _sha256(storage: Storage, name: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def check_versions(*, storage: Storage | None = None, hashes: bool = True) -> CheckReport:
    """Every version's file exists and has the recorded size and SHA-256."""
    storage = storage or default_storage
    report = CheckReport()
    rows = (
        DocumentVersion.objects.unscoped("integrity check of every unit's stored files")
        .order_by("pk")
        .values_list("pk", "unit_id", "file", "size", "sha256")
    )
    for pk, unit_id, name, size, sha256 in rows.iterator(chunk_size=_BATCH):
        report.checked += 1
        where = f"version {pk} (unit {unit_id}) {name or '-'}"
        if not name or not storage.exists(name):
            report.problems.append(f"{where}: file missing")
            continue
        if not hashes:
            if storage.size(name) != size:
                report.problems.append(f"{where}: size {storage.size(name)}, recorded {size}")
            continue
        actual_size, actual = _sha256(storage, name)
        if actual_size != size:
            report.problems.append(f"{where}: size {actual_size}, recorded {size}")
        elif actual != sha256:
            report.problems.append(f"{where}: SHA-256 {actual}, recorded {sha256}")
    return report


def stored_blobs(storage: Storage | None = None, root: str = ROOT) -> Iterator[str]:
    """Names of every file under ``root`` in the storage (recursively)."""
    storage = storage or default_storage
    if not storage.exists(root):
        return
    directories, files = storage.listdir(root)
    for name in sorted(files):
        yield f"{root}/{name}"
    for directory in sorted(directories):
        yield from stored_blobs(storage, f"{root}/{directory}")


def sweep_orphans(
    *,
    grace: datetime.timedelta,
    dry_run: bool = False,
    storage: Storage | None = None,
    now: datetime.datetime | None = None,
) -> SweepReport:
    """Delete blobs no version names that are older than ``grace``."""
    if grace < datetime.timedelta(0):
        raise ValueError("the grace period cannot be negative")
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - grace
    report = SweepReport()
    old: list[str] = []

    def settle(batch: list[str]) -> None:
        used = set(
            DocumentVersion.objects.unscoped("sweep of unreferenced stored files")
            .filter(file__in=batch)
            .values_list("file", flat=True)
        )
        for name in batch:
            if name in used:
                continue
            report.removed.append(name)
            if not dry_run:
                storage.delete(name)

    for name in stored_blobs(storage):
        report.seen += 1
        if storage.get_modified_time(name) > cutoff:
            report.kept_young += 1
            continue
        old.append(name)
        if len(old) >= _BATCH:
            settle(old)
            old = []
    if old:
        settle(old)
    return report
