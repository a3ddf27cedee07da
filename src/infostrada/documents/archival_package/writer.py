"""Writing a package: every check and every XML first, then one stream of stored entries."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import BinaryIO

from infostrada.documents.archival_package.checks import (
    _case_problems,
    _check_document,
    _transfer_problems,
)
from infostrada.documents.archival_package.model import (
    MANIFEST_PATH,
    TRANSFER_LIST_PATH,
    CaseMeta,
    DocumentFile,
    IntegrityError,
    InvalidInputError,
    MissingMetadataError,
    PackageReport,
    TransferList,
)
from infostrada.documents.archival_package.paths import _ascii_name, _case_paths
from infostrada.documents.archival_package.xml import (
    _case_root,
    _document_root,
    _FileRef,
    _manifest_root,
    _serialise,
    _transfer_root,
)

_CHUNK = 1024 * 1024


def _zip_info(path: str, stamp: date) -> zipfile.ZipInfo:
    # A fixed timestamp (the list's date) makes the same input give the same bytes.
    when = max((stamp.year, stamp.month, stamp.day, 0, 0, 0), (1980, 1, 1, 0, 0, 0))
    info = zipfile.ZipInfo(path, date_time=when)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def write_package(
    cases: Sequence[CaseMeta], transfer: TransferList, out: BinaryIO
) -> PackageReport:
    """Write the archival package for closed ``cases`` to the binary stream ``out``.

    Every check and every XML (each validated against the schema) is done
    before the first byte is written, so bad input leaves ``out`` untouched.
    The one failure that can come mid-way is a document whose bytes no longer
    match the SHA-256 or size recorded for it (:class:`IntegrityError`): the
    output is then incomplete and must be discarded.
    """
    cases = tuple(cases)
    problems: list[str] = []
    missing: list[str] = []
    if not cases:
        problems.append("there are no cases to transfer")
    for case in cases:
        problems += _case_problems(case)
        for n, doc in enumerate(case.documents, 1):
            try:
                _check_document(doc.meta, f"{case.signature}, document {n}: ")
            except MissingMetadataError as exc:
                problems += exc.problems
                missing += exc.missing
            except InvalidInputError as exc:
                problems += exc.problems
    signatures = [c.signature for c in cases]
    folders = [_ascii_name(s or "") for s in signatures]
    if len(set(signatures)) != len(signatures) or len(set(folders)) != len(folders):
        problems.append("two cases have the same signature (or the same folder name)")
    problems += _transfer_problems(transfer, cases)
    if missing:
        raise MissingMetadataError(problems, missing)
    if problems:
        raise InvalidInputError(problems)

    # Every XML is built and validated before writing.
    plan: list[tuple[str, bytes | DocumentFile]] = [
        (TRANSFER_LIST_PATH, _serialise(_transfer_root(transfer), TRANSFER_LIST_PATH))
    ]
    for case in cases:
        folder, positions = _case_paths(case)
        case_path = f"{folder}/sprawa.xml"
        plan.append((case_path, _serialise(_case_root(case, positions), case_path)))
        for doc, (file_path, meta_path) in zip(case.documents, positions, strict=True):
            ref = _FileRef(file_path, doc.file.filename, doc.file.size, doc.file.sha256)
            plan.append((file_path, doc.file))
            plan.append((meta_path, _serialise(_document_root(doc.meta, ref), meta_path)))

    rows: list[tuple[str, int, str]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for path, item in plan:
            info = _zip_info(path, transfer.drawn_up_on)
            if isinstance(item, bytes):
                zf.writestr(info, item)
                rows.append((path, len(item), hashlib.sha256(item).hexdigest()))
            else:
                rows.append((path, *_stream_into(zf, info, item)))
        manifest = _serialise(_manifest_root(rows), MANIFEST_PATH)
        zf.writestr(_zip_info(MANIFEST_PATH, transfer.drawn_up_on), manifest)
    return PackageReport(
        case_count=len(cases),
        document_count=sum(len(c.documents) for c in cases),
        paths=(*(r[0] for r in rows), MANIFEST_PATH),
        total_bytes=sum(r[1] for r in rows) + len(manifest),
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
    )


def _stream_into(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: DocumentFile) -> tuple[int, str]:
    """Copy a document into the ZIP in chunks, checking it against its recorded digest."""
    digest = hashlib.sha256()
    size = 0
    with (
        file.open() as src,
        zf.open(info, "w", force_zip64=file.size >= zipfile.ZIP64_LIMIT) as dst,
    ):
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    if size != file.size or digest.hexdigest() != file.sha256:
        raise IntegrityError(
            f"{info.filename}: the stored file ({size} B, sha256 {digest.hexdigest()}) does not "
            f"match what was recorded for it ({file.size} B, sha256 {file.sha256})"
        )
    return size, file.sha256
