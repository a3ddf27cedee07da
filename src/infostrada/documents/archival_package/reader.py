"""Reading a package back, collecting every problem, trusting nothing in it."""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO, TypeVar

from lxml import etree

from infostrada.documents.archival_package.checks import (
    _metadata_rules,
    _transfer_problems,
    missing_metadata,
)
from infostrada.documents.archival_package.model import (
    CASES_DIR,
    MANIFEST_PATH,
    TRANSFER_LIST_PATH,
    ArchivalPackageError,
    CaseDocument,
    CaseMeta,
    CaseParty,
    CasePartyRole,
    DocumentFile,
    IntegrityError,
    InvalidPackageError,
    Problem,
    ReadPackage,
    RelatedCase,
    UnsafePathError,
)
from infostrada.documents.archival_package.paths import _ascii_name, unsafe_path_reason
from infostrada.documents.archival_package.xml import (
    _all,
    _child,
    _document_from,
    _load_xml,
    _party_from,
    _q,
    _req,
    _text,
    _transfer_from,
)

_CASE_XML = re.compile(rf"{CASES_DIR}/([^/]+)/sprawa\.xml")
_T = TypeVar("_T")


class _Reader:
    """Reads a package, collecting every problem instead of stopping at the first.

    An archivist checking a transfer wants the whole list of what is wrong.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.problems: list[Problem] = []
        self.entries: dict[str, zipfile.ZipInfo] = {}
        self.manifest: dict[str, tuple[int, str]] = {}
        self.used: set[str] = {MANIFEST_PATH}
        self.broken_folders: set[str] = set()
        # Compressed or encrypted entries are reported and never inflated: a
        # package is stored, so inflating would only serve a ZIP bomb.
        self.unreadable: set[str] = set()
        self.zf: zipfile.ZipFile | None = None

    def fail(self, code: str, path: str, message: str) -> None:
        self.problems.append(Problem(code, path, message))

    def run(self) -> ReadPackage | None:
        try:
            self.zf = zipfile.ZipFile(self.stream)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            self.fail("not_zip", "", f"not a ZIP archive ({exc})")
            return None
        with self.zf:
            self._index()
            manifest_sha = self._read_manifest()
            if manifest_sha is None:
                return None
            transfer = self._xml(TRANSFER_LIST_PATH, "spis", _transfer_from)
            cases = {}
            for path in sorted(p for p in self.manifest if _CASE_XML.fullmatch(p)):
                case = self._read_case(path)
                if case is not None and case.signature in cases:
                    self.fail("duplicate_entry", path, f"case {case.signature} appears twice")
                elif case is not None:
                    cases[case.signature] = case
                    if path != f"{CASES_DIR}/{_ascii_name(case.signature)}/sprawa.xml":
                        self.fail("inconsistent", path, "the folder does not match the signature")
                    continue
                # A broken case is reported once: its files are not also "unreferenced",
                # nor its line on the transfer list "missing from the package".
                folder = path.rsplit("/", 1)[0]
                self.used.update(p for p in self.manifest if p.startswith(folder + "/"))
                self.broken_folders.add(folder.split("/", 1)[1])
            for path in sorted(set(self.manifest) - self.used):
                self.fail("unreferenced_entry", path, "not referenced by any case or the list")
            if transfer is None:
                return None
            for message in _transfer_problems(transfer, list(cases.values()), self.broken_folders):
                self.fail("inconsistent", TRANSFER_LIST_PATH, message)
            ordered = tuple(cases[e.signature] for e in transfer.entries if e.signature in cases)
            return ReadPackage(transfer, ordered, manifest_sha)

    def _index(self) -> None:
        assert self.zf is not None
        for info in self.zf.infolist():
            name = info.filename
            reason = unsafe_path_reason(name)
            if reason:
                self.fail(UnsafePathError.code, name, f"unsafe entry name: {reason}")
                continue
            if info.is_dir():
                continue
            if name in self.entries:
                self.fail("duplicate_entry", name, "the entry appears twice in the ZIP")
                continue
            self.entries[name] = info
            if info.flag_bits & 0x1:
                self.fail("encrypted_entry", name, "encrypted entries are not allowed")
                self.unreadable.add(name)
            elif info.compress_type != zipfile.ZIP_STORED:
                self.fail("compressed_entry", name, "entries must be stored uncompressed")
                self.unreadable.add(name)

    def _read_manifest(self) -> str | None:
        data = self._raw(MANIFEST_PATH)
        if data is None:
            return None
        try:
            root = _load_xml(data, MANIFEST_PATH, "manifest")
        except ArchivalPackageError as exc:
            self.fail(exc.code, MANIFEST_PATH, str(exc))
            return None
        for el in _all(root, "plik"):
            path = el.get("sciezka", "")
            if path in self.manifest or path == MANIFEST_PATH:
                self.fail("duplicate_entry", path, "listed twice in the manifest")
                continue
            self.manifest[path] = (int(el.get("rozmiar", "0")), el.get("sha256", ""))
            if path not in self.entries:
                self.fail("missing_entry", path, "listed in the manifest but not in the ZIP")
        for path in self.entries.keys() - self.manifest.keys() - {MANIFEST_PATH}:
            self.fail("unlisted_entry", path, "in the ZIP but not in the manifest")
        return hashlib.sha256(data).hexdigest()

    def _raw(self, path: str) -> bytes | None:
        """The entry's bytes, CRC-checked by zipfile; ``None`` (with a problem) if absent."""
        info = self.entries.get(path)
        if info is None:
            self.fail("missing_entry", path, "the entry is missing from the ZIP")
            return None
        if path in self.unreadable:
            return None  # already reported
        assert self.zf is not None
        try:
            return self.zf.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            self.fail(IntegrityError.code, path, f"cannot be read ({exc})")
            return None

    def _verified(self, path: str) -> bytes | None:
        """The entry's bytes if they match the manifest's size and SHA-256."""
        self.used.add(path)
        if path not in self.manifest:
            self.fail("missing_entry", path, "not listed in the manifest")
            return None
        if path not in self.entries:
            return None  # already reported against the manifest
        data = self._raw(path)
        if data is None:
            return None
        size, digest = self.manifest[path]
        actual = hashlib.sha256(data).hexdigest()
        if len(data) != size or actual != digest:
            self.fail(
                IntegrityError.code,
                path,
                f"content changed: {len(data)} B, sha256 {actual}; "
                f"the manifest records {size} B, sha256 {digest}",
            )
            return None
        return data

    def _xml(self, path: str, root_tag: str, convert: Callable[[etree._Element], _T]) -> _T | None:
        data = self._verified(path)
        if data is None:
            return None
        try:
            return convert(_load_xml(data, path, root_tag))
        except ArchivalPackageError as exc:
            self.fail(exc.code, path, str(exc))
        except (ValueError, TypeError) as exc:
            self.fail("invalid_value", path, f"a value cannot be read ({exc})")
        return None

    def _read_case(self, path: str) -> CaseMeta | None:
        folder = path.rsplit("/", 1)[0]
        root = self._xml(path, "sprawa", lambda r: r)
        if root is None:
            return None
        items = _all(_child(root, "dokumenty"), "pozycja")
        documents = [self._read_document(item, n, folder, path) for n, item in enumerate(items, 1)]
        if None in documents:
            return None
        jrwa, dept = _child(root, "klasaJrwa"), _child(root, "komorka")
        try:
            return CaseMeta(
                signature=_req(root, "znak"),
                title=_req(root, "tytul"),
                description=_text(root, "opis"),
                class_symbol=_req(jrwa, "symbol"),
                class_title=_req(jrwa, "nazwa"),
                category=_req(root, "kategoriaArchiwalna"),
                department_symbol=_req(dept, "symbol"),
                department_name=_req(dept, "nazwa"),
                opened_at=datetime.fromisoformat(_req(root, "wszczeta")),
                closed_at=datetime.fromisoformat(_req(root, "zakonczona")),
                parties=tuple(
                    CaseParty(_party_from(el.find(_q("podmiot"))), CasePartyRole(el.get("rola")))
                    for el in _all(root, "strona")
                ),
                related_cases=tuple(
                    RelatedCase(_req(el, "znak"), _text(el, "uwagi"))
                    for el in _all(root, "sprawaPowiazana")
                ),
                documents=tuple(documents),
            )
        except ValueError as exc:
            self.fail("invalid_value", path, f"a value cannot be read ({exc})")
            return None

    def _read_document(
        self, item: etree._Element, n: int, folder: str, case_path: str
    ) -> CaseDocument | None:
        where = f"{case_path}, lp. {item.get('lp')}"
        file_path, meta_path = _req(item, "plik"), _req(item, "metadane")
        if item.get("lp") != str(n):
            self.fail("inconsistent", where, "documents must be numbered 1, 2, 3, ... in order")
            return None
        for p in (file_path, meta_path):
            if not p.startswith(f"{folder}/dokumenty/"):
                self.fail(UnsafePathError.code, case_path, f"{p} lies outside the case's folder")
                return None
        parsed = self._xml(meta_path, "dokument", _document_from)
        data = self._verified(file_path)
        if parsed is None or data is None:
            return None
        meta, ref = parsed
        rules = missing_metadata(meta) + _metadata_rules(meta)
        if ref is None:
            mismatch = ["the metadata do not describe a file (plik)"]
        else:
            mismatch = [
                message
                for wrong, message in (
                    (ref.path != file_path, "the metadata name another file"),
                    (
                        ref.sha256 != hashlib.sha256(data).hexdigest(),
                        "SHA-256 differs from the file's",
                    ),
                    (ref.size != len(data), "the size differs from the file's"),
                    (meta.identifier.value != _req(item, "identyfikator"), "another identifier"),
                    (meta.title != _req(item, "tytul"), "another title than the case lists"),
                )
                if wrong
            ]
        for message in rules + mismatch:
            self.fail("inconsistent", meta_path, message)
        if rules or mismatch or ref is None:
            return None
        file = DocumentFile(ref.original_name, meta.format.mime, ref.sha256, ref.size, data)
        return CaseDocument(meta, file)


def read_package(stream: BinaryIO) -> ReadPackage:
    """Read a whole package back, every file checked against the manifest and its metadata.

    Raises :class:`InvalidPackageError` listing every problem found (its
    ``codes`` tell them apart: ``integrity``, ``missing_entry``, ``unsafe_xml``,
    ``unsafe_path``, ``schema_invalid``, ...).
    """
    reader = _Reader(stream)
    result = reader.run()
    if reader.problems or result is None:
        raise InvalidPackageError(reader.problems or [Problem("invalid_package", "", "unreadable")])
    return result


def validate_package(stream: BinaryIO) -> list[str]:
    """Every problem found in the package, one line each; empty when it is valid."""
    reader = _Reader(stream)
    reader.run()
    return [str(p) for p in reader.problems]
