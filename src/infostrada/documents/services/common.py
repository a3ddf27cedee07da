"""What every EZD operation shares: the actor's user, history lines, stored files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from infostrada.audit.context import Actor
from infostrada.audit.labels import actor_label
from infostrada.documents.models import CaseEvent, Document, DocumentVersion


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
    return f"documents/{unit_id}/{sha256[:2]}/{sha256}"


class BlobWriter:
    """Writes files before the database transaction and removes them if it fails.

    Files are content-addressed per unit, so writing one that already exists
    changes nothing; a blob written for a transaction that then rolls back is
    deleted again, so a failed operation leaves nothing on disk either.
    """

    def __init__(self) -> None:
        self.written: list[str] = []

    def put(self, unit_id: int, file: FileToStore) -> str:
        path = blob_path(unit_id, file.sha256)
        if not default_storage.exists(path):
            saved = default_storage.save(path, ContentFile(file.data))
            if saved != path:  # a concurrent writer created it first
                default_storage.delete(saved)
            else:
                self.written.append(path)
        return path

    def discard(self) -> None:
        for path in self.written:
            default_storage.delete(path)
        self.written.clear()

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self.discard()


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
