"""Rules for what may go into a package that the XML schema cannot say alone."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from infostrada.documents.archival_package.model import (
    AccessLevel,
    CaseMeta,
    DocumentMeta,
    InvalidInputError,
    MissingMetadataError,
    TransferList,
)
from infostrada.documents.archival_package.paths import _ascii_name

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _aware(value: object) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def missing_metadata(meta: DocumentMeta) -> list[str]:
    """Names (as in the XML) of the mandatory elements that are missing or empty."""
    missing = []
    ident = meta.identifier
    if not ident or not (_filled(ident.value) and _filled(ident.kind)):
        missing.append("identyfikator")
    if not meta.creators or not all(c.party and _filled(c.party.name) for c in meta.creators):
        missing.append("tworca")
    if not _filled(meta.title):
        missing.append("tytul")
    if not meta.dates or not all(d.event and d.at for d in meta.dates):
        missing.append("data")
    if not meta.format or not _filled(meta.format.mime):
        missing.append("format")
    if not meta.access or not meta.access.level:
        missing.append("dostep")
    if not meta.type or not meta.type.dcmi or not _filled(meta.type.kind):
        missing.append("typ")
    return missing


def _metadata_rules(meta: DocumentMeta) -> list[str]:
    """Rules the schema cannot say: instants need a zone, a restriction needs its grounds."""
    problems = [
        f"data ({d.event}): the date must be timezone-aware"
        for d in meta.dates or ()
        if d.at and not _aware(d.at)
    ]
    access = meta.access
    if access and access.level == AccessLevel.RESTRICTED and not access.grounds:
        problems.append("dostep: restricted access needs its legal grounds (podstawa)")
    return problems


def _check_document(meta: DocumentMeta, where: str = "") -> None:
    missing = missing_metadata(meta)
    problems = [f"{where}{name}: mandatory element is missing or empty" for name in missing]
    problems += [where + p for p in _metadata_rules(meta)] if not missing else []
    if missing:
        raise MissingMetadataError(problems, missing)
    if problems:
        raise InvalidInputError(problems)


def _case_problems(case: CaseMeta) -> list[str]:
    where = f"{case.signature or '?'}: "
    problems = [
        f"{where}{name} is empty"
        for name in (
            "signature",
            "title",
            "class_symbol",
            "class_title",
            "category",
            "department_symbol",
            "department_name",
        )
        if not _filled(getattr(case, name))
    ]
    if not _aware(case.opened_at):
        problems.append(f"{where}opened_at must be a timezone-aware datetime")
    if case.closed_at is None:
        problems.append(f"{where}the case is not closed; only closed cases are archived")
    elif not _aware(case.closed_at):
        problems.append(f"{where}closed_at must be a timezone-aware datetime")
    elif _aware(case.opened_at) and case.closed_at < case.opened_at:
        problems.append(f"{where}closed_at is earlier than opened_at")
    seen: set[str] = set()
    for n, doc in enumerate(case.documents, 1):
        ident = doc.meta.identifier.value if doc.meta.identifier else None
        if ident and ident in seen:
            problems.append(f"{where}document {n}: identifier {ident} is used twice")
        seen.add(ident or "")
        file = doc.file
        if not _filled(file.filename):
            problems.append(f"{where}document {n}: the file has no name")
        if not isinstance(file.sha256, str) or not _SHA256.fullmatch(file.sha256):
            problems.append(f"{where}document {n}: sha256 must be 64 lower-case hex digits")
        if not isinstance(file.size, int) or file.size < 0:
            problems.append(f"{where}document {n}: size must be a non-negative integer")
        if doc.meta.format and doc.meta.format.mime != file.mime:
            problems.append(
                f"{where}document {n}: format {doc.meta.format.mime} differs from "
                f"the file's type {file.mime}"
            )
    return problems


def _transfer_problems(
    transfer: TransferList, cases: Sequence[CaseMeta], unreadable: Iterable[str] = ()
) -> list[str]:
    """The transfer list must describe exactly the cases in the package, line by line.

    ``unreadable`` names case folders already reported as broken, so that their
    lines are not reported a second time as "not in the package".
    """
    broken = set(unreadable)
    problems = [
        f"spis: {name} is empty"
        for name in ("number", "unit_name", "archive_name")
        if not _filled(getattr(transfer, name))
    ]
    if not isinstance(transfer.drawn_up_on, date):
        problems.append("spis: drawn_up_on must be a date")
    if bool(transfer.department_symbol) != bool(transfer.department_name):
        problems.append("spis: give both the department's symbol and name, or neither")
    if not transfer.entries:
        problems.append("spis: the transfer list has no entries")
    by_signature = {c.signature: c for c in cases}
    listed: set[str] = set()
    for n, entry in enumerate(transfer.entries, 1):
        where = f"spis, lp. {entry.sequence}: "
        if entry.sequence != n:
            problems.append(f"{where}entries must be numbered 1, 2, 3, ... in order")
        if entry.signature in listed:
            problems.append(f"{where}case {entry.signature} is listed twice")
        listed.add(entry.signature)
        if entry.first_year > entry.last_year:
            problems.append(f"{where}the first year is after the last year")
        case = by_signature.get(entry.signature)
        if case is None and _ascii_name(entry.signature) in broken:
            continue
        if case is None:
            problems.append(f"{where}case {entry.signature} is not in the package")
            continue
        if entry.category != case.category:
            problems.append(f"{where}category {entry.category} differs from the case's")
        if entry.document_count != len(case.documents):
            problems.append(
                f"{where}{entry.document_count} documents listed, "
                f"the case has {len(case.documents)}"
            )
        size = sum(d.file.size for d in case.documents)
        if entry.size_bytes is not None and entry.size_bytes != size:
            problems.append(f"{where}size {entry.size_bytes} B listed, the files have {size} B")
    problems += [
        f"spis: case {c.signature} is in the package but not on the list"
        for c in cases
        if c.signature not in listed
    ]
    return problems
