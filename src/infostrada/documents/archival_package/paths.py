"""Names of the entries in the package, and the zip-slip check for names read back."""

from __future__ import annotations

import re
import unicodedata

from infostrada.documents.archival_package.model import CASES_DIR, METADATA_SUFFIX, CaseMeta

_POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def _ascii_name(text: str, limit: int = 100) -> str:
    """An ASCII name for a ZIP entry; the exact original name stays in the metadata.

    ASCII because ZIP tools still disagree on non-ASCII names, and the archive's
    tools must open the package; ``ł`` has no decomposition, hence the table.
    """
    text = unicodedata.normalize("NFKD", text.translate(_POLISH))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"-*\.-*", ".", re.sub(r"-{2,}", "-", text)).strip("-.")
    if len(text) > limit:
        stem, dot, ext = text.rpartition(".")
        text = (
            (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else text[:limit]
        )
    return text or "plik"


def unsafe_path_reason(name: str) -> str | None:
    """Why a ZIP entry name could escape the folder it is extracted to (zip slip), if it could."""
    if not name:
        return "empty name"
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "absolute path"
    if "\\" in name or ":" in name or any(ord(c) < 32 for c in name):
        return "backslash, colon or control character in the name"
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "empty, '.' or '..' path segment"
    if len(name) > 400:
        return "name longer than 400 characters"
    return None


def _case_paths(case: CaseMeta) -> tuple[str, list[tuple[str, str]]]:
    folder = f"{CASES_DIR}/{_ascii_name(case.signature)}"
    width = max(2, len(str(len(case.documents))))
    positions = []
    for n, doc in enumerate(case.documents, 1):
        name = f"{folder}/dokumenty/{n:0{width}d}-{_ascii_name(doc.file.filename)}"
        positions.append((name, name + METADATA_SUFFIX))
    return folder, positions
