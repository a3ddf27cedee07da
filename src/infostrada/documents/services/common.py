"""What every EZD operation shares: the actor's user, history lines, stored files."""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone, translation

from infostrada.audit.context import Actor
from infostrada.audit.labels import actor_label
from infostrada.documents.models import CaseEvent, Document, DocumentVersion

logger = logging.getLogger(__name__)


def user_of(actor: Actor) -> Any:
    """The Django user behind an actor (None for API clients and the system)."""
    return actor.user if actor.kind == "user" else None


def office_language() -> translation.override:
    """The office's records (history lines, generated letters and confirmations) are
    kept in Polish, the official language (Ustawa o języku polskim, art. 5), whatever
    language the official's screen shows; use it around what composes them."""
    return translation.override(settings.LANGUAGE_CODE)


def pgettext_office(message: str) -> str:
    """One message of an office record, in the office's language (see office_language)."""
    with office_language():
        return translation.gettext(message)


def event(
    actor: Actor, unit: Any, kind: str, summary: str, *, case: Any = None, item: Any = None
) -> CaseEvent:
    """One line of the case or item history (metryka), in the caller's transaction."""
    return CaseEvent.objects.create(
        unit=unit,
        case=case,
        item=item,
        at=timezone.now(),
        actor_name=_actor_label(actor),
        kind=kind,
        summary=summary[:500],
    )


def _actor_label(actor: Actor) -> str:
    """The metryka's "who": a person by name, a system in words (never ``intake:...``)."""
    user = user_of(actor)
    if user is not None:
        return (user.get_full_name() or user.get_username())[:200]
    with office_language():
        return actor_label(actor.kind, actor.name)[:200]


@dataclass(frozen=True)
class FileToStore:
    """A file that passed ``uploads.inspect_upload``, with its bytes."""

    filename: str
    mime: str
    size: int
    sha256: str
    data: bytes
    page_count: int | None = None


def blob_path(unit_id: int, sha256: str) -> str:
    """A fresh name for one upload of a file: its hash, then a random suffix.

    Every upload gets its own blob, never shared with another request, so the
    request that wrote a blob is the only one that may delete it (see
    :class:`BlobWriter`). Content-addressed names shared by identical uploads
    were tried first and lost files: of two concurrent retries of one letter,
    the one that wrote the blob could roll back and delete it after the other
    had committed a version pointing at it (issue 8). The hash stays in the
    name for operators; ``check-files`` compares the bytes with it.
    """
    return f"documents/{unit_id}/{sha256[:2]}/{sha256}-{secrets.token_hex(8)}"


class BlobWriter:
    """Writes files before the database transaction; cleans up only its own.

    A blob is written under a name no other upload uses (:func:`blob_path`),
    so only the writer that created it knows it. If the operation fails, the
    writer deletes the blobs it wrote that no version row visible to its
    connection points at (rows of a rolled-back transaction are gone; rows of
    a caller's still-open transaction are visible and keep their files). When
    the database cannot be asked (a transaction already broken), it leaves
    them to ``infostrada sweep-files``, which removes unreferenced blobs once
    they are older than a grace period. So a failed transaction never deletes
    a file it did not create, and never one a committed row names.

    Writers nest: an operation that succeeded inside a caller's transaction
    hands its blobs to the caller's writer, which discards them if the
    caller's transaction fails later.
    """

    def __init__(self) -> None:
        self.written: list[str] = []

    def put(self, unit_id: int, file: FileToStore) -> str:
        path = default_storage.save(blob_path(unit_id, file.sha256), ContentFile(file.data))
        self.written.append(path)
        return path

    def discard(self) -> None:
        """Delete the blobs this writer wrote that no version row names."""
        written, self.written = self.written, []
        if not written:
            return
        try:
            connection = transaction.get_connection()
            if connection.needs_rollback:
                raise TransactionManagementError("the caller's transaction is broken")
            used = set(
                DocumentVersion.objects.unscoped("blob clean-up after a failed operation")
                .filter(file__in=written)
                .values_list("file", flat=True)
            )
        except (DatabaseError, TransactionManagementError):
            logger.warning("left %d blobs to the sweep after a failed operation", len(written))
            return
        for path in written:
            if path not in used:
                default_storage.delete(path)

    def __enter__(self) -> BlobWriter:
        _writers().append(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        stack = _writers()
        stack.remove(self)
        if exc_type is not None:
            self.discard()
        elif stack and transaction.get_connection().in_atomic_block:
            stack[-1].written.extend(self.written)  # the caller's transaction decides


_local = threading.local()


def _writers() -> list[BlobWriter]:
    if not hasattr(_local, "writers"):
        _local.writers = []
    return _local.writers


def add_version(
    *,
    document: Document,
    file: FileToStore,
    path: str,
    actor: Actor,
    text: str = "",
    body: str = "",
    note: str = "",
) -> DocumentVersion:
    """A new version of ``document`` pointing at a stored blob (caller's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("versions are added inside the operation's transaction")
    last = (
        DocumentVersion.objects.for_unit(document.unit_id)
        .filter(document=document)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    version = DocumentVersion(
        unit_id=document.unit_id,
        document=document,
        number=(last or 0) + 1,
        filename=file.filename,
        mime=file.mime,
        size=file.size,
        sha256=file.sha256,
        page_count=file.page_count,
        body=body,
        text=text,
        created_at=timezone.now(),
        created_by=user_of(actor),
        note=note,
    )
    version.file.name = path
    version.save()
    return version


def read_version(version: DocumentVersion) -> bytes:
    with default_storage.open(version.file.name, "rb") as handle:
        return handle.read()
