"""Models of the EZD (documents) context, one module per part of the domain."""

from infostrada.documents.models.archive import (
    ArchiveTransfer,
    DisposalEntry,
    DisposalList,
    TransferEntry,
)
from infostrada.documents.models.cases import (
    Assignment,
    Case,
    CaseEvent,
    CaseList,
    CaseParty,
    CaseRelation,
    DeadlineKind,
)
from infostrada.documents.models.correspondence import (
    Channel,
    IncomingItem,
    IncomingRegister,
    OutgoingItem,
    OutgoingRegister,
    PartyKind,
)
from infostrada.documents.models.distribution import DistributionEntry
from infostrada.documents.models.documents import (
    ApprovalStep,
    Document,
    DocumentTemplate,
    DocumentVersion,
    SealCertificate,
    TrustAnchor,
)
from infostrada.documents.models.jrwa import FileClass
from infostrada.documents.models.organisation import (
    Department,
    DepartmentMember,
    OfficeRules,
    Substitution,
)
from infostrada.documents.models.search import SearchEntry

__all__ = [
    "ApprovalStep",
    "ArchiveTransfer",
    "Assignment",
    "Case",
    "CaseEvent",
    "CaseList",
    "CaseParty",
    "CaseRelation",
    "Channel",
    "DeadlineKind",
    "Department",
    "DepartmentMember",
    "DisposalEntry",
    "DisposalList",
    "DistributionEntry",
    "Document",
    "DocumentTemplate",
    "DocumentVersion",
    "FileClass",
    "IncomingItem",
    "IncomingRegister",
    "OfficeRules",
    "OutgoingItem",
    "OutgoingRegister",
    "PartyKind",
    "SealCertificate",
    "SearchEntry",
    "Substitution",
    "TransferEntry",
    "TrustAnchor",
]
