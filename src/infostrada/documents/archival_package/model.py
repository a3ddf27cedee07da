"""The archival package's vocabulary: constants, enumerations, dataclasses and errors.

Enumerations carry the Polish XML values; their member names match the model
layer's choices upper-cased (``PartyKind[item.party_kind.upper()]``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import BinaryIO

NAMESPACE = "urn:infostrada:archiwum:1.0"
SCHEMA_VERSION = "1.0"
TRANSFER_LIST_PATH = "spis-zdawczo-odbiorczy.xml"
MANIFEST_PATH = "manifest.xml"
CASES_DIR = "sprawy"
METADATA_SUFFIX = ".metadane.xml"
# Our XML files are small; anything larger is not ours and is not parsed.
MAX_XML_BYTES = 16 * 1024 * 1024


# ----------------------------------------------------------------- vocabularies


class PartyKind(StrEnum):
    PERSON = "osoba"
    INSTITUTION = "instytucja"


class CreatorRole(StrEnum):
    """The creator's role "in creating or accepting the document" (Dz.U. 2006 nr 206 poz. 1517)."""

    CREATED = "stworzyl"
    MODIFIED = "modyfikowal"
    APPROVED = "zatwierdzil"
    SIGNED = "podpisal"


class DateEvent(StrEnum):
    CREATED = "stworzony"
    RECEIVED = "otrzymany"
    SENT = "wyslany"
    DELIVERED = "doreczony"
    SIGNED = "podpisany"
    APPROVED = "zatwierdzony"
    MODIFIED = "zmodyfikowany"
    PUBLISHED = "opublikowany"


class AccessLevel(StrEnum):
    PUBLIC = "publiczny"
    RESTRICTED = "ograniczony"


class DcmiType(StrEnum):
    """The DCMI Type Vocabulary, which the regulation names for the element typ."""

    COLLECTION = "Collection"
    DATASET = "Dataset"
    EVENT = "Event"
    IMAGE = "Image"
    INTERACTIVE_RESOURCE = "InteractiveResource"
    MOVING_IMAGE = "MovingImage"
    PHYSICAL_OBJECT = "PhysicalObject"
    SERVICE = "Service"
    SOFTWARE = "Software"
    SOUND = "Sound"
    STILL_IMAGE = "StillImage"
    TEXT = "Text"


class RelationKind(StrEnum):
    IS_REPLY_TO = "jestOdpowiedziaNa"
    HAS_REPLY = "maOdpowiedz"
    HAS_ATTACHMENT = "maZalacznik"
    IS_ATTACHMENT_OF = "jestZalacznikiem"
    HAS_RECEIPT = "maPotwierdzenie"
    IS_RECEIPT_FOR = "jestPotwierdzeniem"
    HAS_VERSION = "maWersje"
    IS_VERSION_OF = "jestWersja"
    REPLACES = "zastepuje"
    IS_REPLACED_BY = "jestZastapiony"
    REFERENCES = "maOdniesienie"
    IS_REFERENCED_BY = "jestOdniesieniem"


class CasePartyRole(StrEnum):
    APPLICANT = "wnioskodawca"
    PARTY = "strona"
    PARTICIPANT = "uczestnik"


# ----------------------------------------------------------------- dataclasses


class _Normalised:
    """Blank optional text means absent, and sequences become tuples.

    The model layer hands over Django's ``""`` for an empty optional column and
    lists from querysets; normalising here keeps what is written and what is
    read back equal, and the instances hashable.
    """

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
            elif f.default is None and isinstance(value, str) and not value.strip():
                object.__setattr__(self, f.name, None)


@dataclass(frozen=True)
class Address(_Normalised):
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str = "PL"


@dataclass(frozen=True)
class Party(_Normalised):
    """A person or an institution: creator, recipient or party to a case."""

    name: str
    kind: PartyKind
    pesel: str | None = None
    nip: str | None = None
    regon: str | None = None
    address: Address | None = None
    ade_address: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Identifier(_Normalised):
    value: str
    kind: str  # e.g. "numer w rejestrze przesyłek wpływających", "UUID"
    issuer: str | None = None


@dataclass(frozen=True)
class Creator(_Normalised):
    party: Party
    role: CreatorRole = CreatorRole.CREATED


@dataclass(frozen=True)
class DocumentDate(_Normalised):
    event: DateEvent
    at: datetime  # timezone-aware


@dataclass(frozen=True)
class FileFormat(_Normalised):
    mime: str
    specification: str | None = None  # e.g. "PDF/A-2b"


@dataclass(frozen=True)
class Access(_Normalised):
    level: AccessLevel
    grounds: str | None = None  # legal grounds of a restriction
    public_from: date | None = None


@dataclass(frozen=True)
class DocumentType(_Normalised):
    dcmi: DcmiType
    kind: str  # "pismo", "decyzja", "UPD", ...


@dataclass(frozen=True)
class Grouping(_Normalised):
    kind: str  # "znak sprawy", "rejestr przesyłek wpływających", ...
    code: str
    description: str | None = None


@dataclass(frozen=True)
class Relation(_Normalised):
    kind: RelationKind
    target: str  # the related document's identifier value


@dataclass(frozen=True)
class DocumentMeta(_Normalised):
    """The metadata of one document (Dz.U. 2006 nr 206 poz. 1517, § 2 and the annex)."""

    identifier: Identifier
    creators: tuple[Creator, ...]
    title: str
    dates: tuple[DocumentDate, ...]
    format: FileFormat
    access: Access
    type: DocumentType
    recipients: tuple[Party, ...] = ()
    grouping: tuple[Grouping, ...] = ()
    relations: tuple[Relation, ...] = ()
    archival_category: str | None = None  # kwalifikacja: A, Bn, BEn, Bc
    language: str | None = None  # ISO 639-2, e.g. "pol"
    description: str | None = None
    rights: str | None = None


@dataclass(frozen=True)
class DocumentFile(_Normalised):
    """The document's bytes as kept, with the digest the office recorded for them.

    ``content`` is the bytes or a callable returning a binary stream (e.g.
    ``lambda: storage.open(name, "rb")``), so large scans are streamed into the
    package rather than held in memory.
    """

    filename: str
    mime: str
    sha256: str
    size: int
    content: bytes | Callable[[], BinaryIO]

    @classmethod
    def from_bytes(cls, filename: str, mime: str, data: bytes) -> DocumentFile:
        return cls(filename, mime, hashlib.sha256(data).hexdigest(), len(data), data)

    def open(self) -> BinaryIO:
        if isinstance(self.content, bytes | bytearray):
            return io.BytesIO(self.content)
        return self.content()


@dataclass(frozen=True)
class CaseDocument(_Normalised):
    meta: DocumentMeta
    file: DocumentFile


@dataclass(frozen=True)
class CaseParty(_Normalised):
    party: Party
    role: CasePartyRole


@dataclass(frozen=True)
class RelatedCase(_Normalised):
    signature: str
    note: str | None = None


@dataclass(frozen=True)
class CaseMeta(_Normalised):
    """A case as the archive receives it; ``documents`` keep the order of the case file."""

    signature: str  # e.g. ZP.6730.12.2026
    title: str
    class_symbol: str
    class_title: str
    category: str
    department_symbol: str
    department_name: str
    opened_at: datetime
    closed_at: datetime | None  # only closed cases are archived
    documents: tuple[CaseDocument, ...] = ()
    parties: tuple[CaseParty, ...] = ()
    related_cases: tuple[RelatedCase, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class TransferEntry(_Normalised):
    """One line of the spis zdawczo-odbiorczy: one case."""

    sequence: int  # lp.
    signature: str
    title: str
    category: str
    first_year: int  # daty skrajne
    last_year: int
    document_count: int
    size_bytes: int | None = None
    remarks: str | None = None


@dataclass(frozen=True)
class TransferList(_Normalised):
    """Spis zdawczo-odbiorczy: what is handed over, by whom, to which archive."""

    number: str
    drawn_up_on: date
    unit_name: str
    archive_name: str
    entries: tuple[TransferEntry, ...]
    unit_teryt: str | None = None  # TERC; partners without one leave it out
    department_symbol: str | None = None
    department_name: str | None = None


@dataclass(frozen=True)
class PackageReport:
    case_count: int
    document_count: int
    paths: tuple[str, ...]
    total_bytes: int
    manifest_sha256: str  # covers every other entry; worth keeping in the audit trail


@dataclass(frozen=True)
class ReadPackage:
    transfer: TransferList
    cases: tuple[CaseMeta, ...]  # in the order of the transfer list
    manifest_sha256: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package: a stable code, where, and what."""

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


# ----------------------------------------------------------------- errors


class ArchivalPackageError(ValueError):
    code = "invalid"


class InvalidInputError(ArchivalPackageError):
    """The data given cannot make a valid package; nothing was written."""

    code = "invalid_input"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


class MissingMetadataError(InvalidInputError):
    """A mandatory element of Dz.U. 2006 nr 206 poz. 1517 is missing or empty."""

    code = "missing_metadata"

    def __init__(self, problems: Sequence[str], missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(problems)


class SchemaValidationError(ArchivalPackageError):
    code = "schema_invalid"

    def __init__(self, path: str, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__(f"{path or 'XML'} does not match the schema: " + "; ".join(errors))


class UnsafeXmlError(ArchivalPackageError):
    code = "unsafe_xml"


class MalformedXmlError(ArchivalPackageError):
    code = "malformed_xml"


class UnsafePathError(ArchivalPackageError):
    code = "unsafe_path"


class IntegrityError(ArchivalPackageError):
    """Bytes do not match the digest or size recorded for them."""

    code = "integrity"


class InvalidPackageError(ArchivalPackageError):
    code = "invalid_package"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        self.codes = frozenset(p.code for p in self.problems)
        super().__init__("; ".join(str(p) for p in self.problems))
