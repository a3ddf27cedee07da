"""How much an upload may be and unpack to; the defaults of ``inspect_upload``'s keywords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MiB: Final = 1024 * 1024

#: Per file. ePUAP and e-Doręczenia accept messages of roughly this size in practice,
#: and a 300 dpi scan of a long letter fits comfortably.
MAX_UPLOAD_BYTES: Final = 25 * MiB
#: Files in one archive, nested archives included. Far above a real case file.
MAX_ARCHIVE_ENTRIES: Final = 1000
#: Everything an archive unpacks to, nested archives included: eight full-size files.
MAX_ARCHIVE_UNCOMPRESSED_BYTES: Final = 200 * MiB
#: Above this ratio an entry is treated as a bomb (the same 1:100 as Apache POI's
#: ZipSecureFile). Office XML compresses 5-20 times, scans and PDFs barely at all.
MAX_COMPRESSION_RATIO: Final = 100
#: Entries that unpack to less than this are not held to the ratio: small, very
#: regular XML parts (styles, empty sheets) legitimately compress more than 1:100 and
#: cannot hurt anyone at this size.
RATIO_GRACE_BYTES: Final = 1 * MiB
#: An archive may contain archives (a ZIP of DOCX files, a DOCX with an embedded
#: spreadsheet), but those may not contain further archives.
MAX_ARCHIVE_DEPTH: Final = 1
#: Most filesystems allow 255 bytes per name; we keep to both 255 characters and bytes.
MAX_FILENAME_LENGTH: Final = 255

#: Bytes kept from the start of each archive entry: enough for the XML prolog (where a
#: DOCTYPE would be) and for recognising a nested archive.
HEAD_BYTES: Final = 64 * 1024
READ_CHUNK: Final = 1 * MiB


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_entries: int
    max_uncompressed: int
    max_ratio: int
    max_depth: int


@dataclass
class Budget:
    """What the archives of one upload may still unpack to, shared by nested archives."""

    bytes_left: int
    entries_left: int
