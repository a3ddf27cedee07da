"""Archival package (paczka archiwalna) and document metadata XML of the EZD.

A closed case whose retention says "A" (or whose BE review says so) ends its
life in a state archive. The rules for getting it there:

* every electronic document carries the metadata set of the Rozporządzenie
  MSWiA z dnia 30 października 2006 r. w sprawie niezbędnych elementów struktury
  dokumentów elektronicznych (Dz.U. 2006 nr 206 poz. 1517): seven mandatory
  elements (identyfikator, twórca, tytuł, data, format, dostęp, typ) and seven
  conditional ones (odbiorca, grupowanie, relacja, kwalifikacja, język, opis,
  uprawnienia);
* cases are kept under the instrukcja kancelaryjna and JRWA of the
  Rozporządzenie Prezesa Rady Ministrów z dnia 18 stycznia 2011 r.
  (Dz.U. 2011 nr 14 poz. 67);
* the transfer itself follows the Rozporządzenie Ministra Kultury i Dziedzictwa
  Narodowego z dnia 20 października 2015 r. w sprawie klasyfikowania
  i kwalifikowania dokumentacji, przekazywania materiałów archiwalnych do
  archiwów państwowych i brakowania dokumentacji niearchiwalnej
  (Dz.U. 2015 poz. 1743): the documents themselves, uncompressed, their
  metadata in XML, and a spis zdawczo-odbiorczy (transfer list).

The XML follows OUR OWN schema, ``xsd/paczka-archiwalna-1.0.xsd`` in this
package (namespace ``urn:infostrada:archiwum:1.0``). It is faithful to the elements above but it is
NOT the official schema of the State Archives; an archive that requires its own
format gets a conversion of this package, not this package.

Package layout (a ZIP in which every entry is ``ZIP_STORED``)::

    spis-zdawczo-odbiorczy.xml
    sprawy/<signature>/sprawa.xml
    sprawy/<signature>/dokumenty/<nn>-<name>                # the document, as it was
    sprawy/<signature>/dokumenty/<nn>-<name>.metadane.xml   # its metadata
    manifest.xml                                            # SHA-256 of every other entry

The package is pure: plain frozen dataclasses in, bytes out and back, no Django
models and no database, so the model layer (and a command-line check at the
archive's desk) can use it alike. Enumerations carry the Polish XML values;
their member names match the model layer's choices upper-cased
(``PartyKind[item.party_kind.upper()]``).

Its parts: ``model`` (constants, vocabularies, dataclasses, errors), ``checks``
(rules the schema cannot say), ``paths`` (entry names), ``xml`` (building and
hardened parsing, validated against the XSD), ``writer`` and ``reader``. Import
the public names from here; the submodules are the package's own business.
"""

from __future__ import annotations

from infostrada.documents.archival_package.checks import (
    missing_metadata,
)
from infostrada.documents.archival_package.model import (
    CASES_DIR,
    MANIFEST_PATH,
    MAX_XML_BYTES,
    METADATA_SUFFIX,
    NAMESPACE,
    SCHEMA_VERSION,
    TRANSFER_LIST_PATH,
    Access,
    AccessLevel,
    Address,
    ArchivalPackageError,
    CaseDocument,
    CaseMeta,
    CaseParty,
    CasePartyRole,
    Creator,
    CreatorRole,
    DateEvent,
    DcmiType,
    DocumentDate,
    DocumentFile,
    DocumentMeta,
    DocumentType,
    FileFormat,
    Grouping,
    Identifier,
    IntegrityError,
    InvalidInputError,
    InvalidPackageError,
    MalformedXmlError,
    MissingMetadataError,
    PackageReport,
    Party,
    PartyKind,
    Problem,
    ReadPackage,
    RelatedCase,
    Relation,
    RelationKind,
    SchemaValidationError,
    TransferEntry,
    TransferList,
    UnsafePathError,
    UnsafeXmlError,
)
from infostrada.documents.archival_package.paths import (
    unsafe_path_reason,
)
from infostrada.documents.archival_package.reader import (
    read_package,
    validate_package,
)
from infostrada.documents.archival_package.writer import (
    write_package,
)
from infostrada.documents.archival_package.xml import (
    document_metadata_xml,
    parse_document_metadata,
)

__all__ = [
    "CASES_DIR",
    "MANIFEST_PATH",
    "MAX_XML_BYTES",
    "METADATA_SUFFIX",
    "NAMESPACE",
    "SCHEMA_VERSION",
    "TRANSFER_LIST_PATH",
    "Access",
    "AccessLevel",
    "Address",
    "ArchivalPackageError",
    "CaseDocument",
    "CaseMeta",
    "CaseParty",
    "CasePartyRole",
    "Creator",
    "CreatorRole",
    "DateEvent",
    "DcmiType",
    "DocumentDate",
    "DocumentFile",
    "DocumentMeta",
    "DocumentType",
    "FileFormat",
    "Grouping",
    "Identifier",
    "IntegrityError",
    "InvalidInputError",
    "InvalidPackageError",
    "MalformedXmlError",
    "MissingMetadataError",
    "PackageReport",
    "Party",
    "PartyKind",
    "Problem",
    "ReadPackage",
    "RelatedCase",
    "Relation",
    "RelationKind",
    "SchemaValidationError",
    "TransferEntry",
    "TransferList",
    "UnsafePathError",
    "UnsafeXmlError",
    "document_metadata_xml",
    "missing_metadata",
    "parse_document_metadata",
    "read_package",
    "unsafe_path_reason",
    "validate_package",
    "write_package",
]
