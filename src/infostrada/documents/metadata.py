"""The EZD's documents and cases as the archival package describes them.

Maps the models to the dataclasses of :mod:`infostrada.documents.archival_package`
(metadata of Dz.U. 2006 nr 206 poz. 1517; see the docstring of
``models/documents.py`` for which field carries which element). The seven
mandatory elements are always filled from what the EZD records; the optional
ones whenever the EZD knows them:

* odbiorca — the recipients of the dispatches of the document, else its
  ``recipient_name`` (the unit itself for incoming correspondence);
* grupowanie — the case signature, the incoming register number of the item
  it came with, the outgoing register numbers it was sent under;
* relacja — in reply to (a delivery confirmation is a receipt for the letter,
  an address label an attachment of it) and back; the files of one incoming
  item: the first is the letter, the others its attachments;
* kwalifikacja — the archival category of the case;
* język, opis — as recorded.

Reads only; one query per kind of related row for a whole case, so exporting
a case of a hundred documents does not cost a hundred round trips per element.
The XML itself is written by the pure archival_package module.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.core.files.storage import default_storage
from django.utils import timezone

from infostrada.documents import archival_package as ap
from infostrada.documents.models import (
    ApprovalStep,
    Case,
    CaseParty,
    CaseRelation,
    Document,
    DocumentVersion,
    OutgoingItem,
    PartyKind,
)
from infostrada.documents.models.correspondence import Correspondent

# typ → rodzaj: the kind of document in the words of the instrukcja kancelaryjna.
KIND_NAMES: dict[str, str] = {
    Document.Kind.LETTER: "pismo",
    Document.Kind.APPLICATION: "wniosek",
    Document.Kind.DECISION: "decyzja administracyjna",
    Document.Kind.RULING: "postanowienie",
    Document.Kind.CERTIFICATE: "zaświadczenie",
    Document.Kind.NOTE: "notatka służbowa",
    Document.Kind.SCAN: "odwzorowanie cyfrowe dokumentu papierowego",
    Document.Kind.ATTACHMENT: "załącznik",
    Document.Kind.RECEIPT: "urzędowe poświadczenie odbioru (UPO)",
    Document.Kind.DELIVERY_EVIDENCE: "potwierdzenie doręczenia (UPD)",
    Document.Kind.EXTRACT: "wypis i wyrys",
}

# dostęp: the schema (rightly) wants the grounds of every restriction. Documents
# are restricted by default and officials rarely type the grounds, which for
# the files of a case are always at least these: the parties see the file
# (KPA art. 73), anyone else gets what is public information on request, less
# what protects privacy or a secret protected by law (UDIP art. 5).
DEFAULT_RESTRICTION_GROUNDS = (
    "akta sprawy udostępniane stronom (art. 73 KPA); innym osobom w zakresie informacji "
    "publicznej, z ograniczeniami z art. 5 ustawy o dostępie do informacji publicznej"
)

GROUPING_CASE = "znak sprawy"
GROUPING_INCOMING = "rejestr przesyłek wpływających"
GROUPING_OUTGOING = "rejestr przesyłek wychodzących"
IDENTIFIER_KIND = "URN UUID"

# Values the schema restricts; a value the model let through in another shape
# (e.g. a REGON typed with dashes) is left out rather than make the XML invalid.
_DIGITS = {"pesel": re.compile(r"[0-9]{11}"), "nip": re.compile(r"[0-9]{10}")}
_REGON = re.compile(r"[0-9]{9}|[0-9]{14}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_LANGUAGE = re.compile(r"[a-z]{3}")

_ROLES = {
    CaseParty.Role.APPLICANT: ap.CasePartyRole.APPLICANT,
    CaseParty.Role.PARTY: ap.CasePartyRole.PARTY,
    CaseParty.Role.PARTICIPANT: ap.CasePartyRole.PARTICIPANT,
}
# A document that answers another: which relation it is, seen from each side.
_REPLY_RELATIONS = {
    Document.Kind.DELIVERY_EVIDENCE: (ap.RelationKind.IS_RECEIPT_FOR, ap.RelationKind.HAS_RECEIPT),
    Document.Kind.RECEIPT: (ap.RelationKind.IS_RECEIPT_FOR, ap.RelationKind.HAS_RECEIPT),
    Document.Kind.ATTACHMENT: (
        ap.RelationKind.IS_ATTACHMENT_OF,
        ap.RelationKind.HAS_ATTACHMENT,
    ),
}
_REPLY = (ap.RelationKind.IS_REPLY_TO, ap.RelationKind.HAS_REPLY)


def document_meta(document: Document) -> ap.DocumentMeta:
    """The metadata of one document, with the seven mandatory elements filled."""
    return _Related.of([document]).meta(document)


def document_metadata_xml_for(document: Document) -> bytes:
    """The document's metadata as XML valid against the shipped schema.

    Raises ``archival_package.MissingMetadataError`` if a mandatory element
    cannot be filled (a document with no stored version has no format).
    """
    return ap.document_metadata_xml(document_meta(document))


def case_meta(case: Case) -> ap.CaseMeta:
    """A closed case as the archive receives it: documents in case-file order, with files.

    The files are opened from storage only when the package is written.
    """
    case = Case.objects.for_unit(case.unit_id).select_related("department", "unit").get(pk=case.pk)
    documents = list(
        Document.objects.for_unit(case.unit_id)
        .filter(case=case)
        .select_related("case", "unit", "incoming_item")
        .order_by("position", "pk")
    )
    related = _Related.of(documents)
    items = []
    for document in documents:
        meta = related.meta(document)
        version = related.latest.get(document.pk)
        if version is None:  # no format either: write_package names what is missing
            file = ap.DocumentFile(document.title, "", "", 0, b"")
        else:
            file = ap.DocumentFile(
                filename=version.filename,
                mime=version.mime,
                sha256=version.sha256,
                size=version.size,
                content=partial(default_storage.open, version.file.name, "rb"),
            )
        items.append(ap.CaseDocument(meta, file))
    parties = CaseParty.objects.for_unit(case.unit_id).filter(case=case).order_by("pk")
    relations = (
        CaseRelation.objects.for_unit(case.unit_id)
        .filter(case=case)
        .select_related("related")
        .order_by("related__signature")
    )
    return ap.CaseMeta(
        signature=case.signature,
        title=case.title,
        class_symbol=case.class_symbol,
        class_title=case.class_title,
        category=case.category,
        department_symbol=case.department.symbol,
        department_name=case.department.name,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        documents=tuple(items),
        parties=tuple(ap.CaseParty(_party(p), _ROLES[p.role]) for p in parties),
        related_cases=tuple(ap.RelatedCase(r.related.signature, r.note) for r in relations),
        description=case.description,
    )


@dataclass
class _Related:
    """What the metadata of a set of documents need beyond their own rows, fetched at once."""

    latest: dict[int, DocumentVersion] = field(default_factory=dict)
    approvals: dict[int, list[ApprovalStep]] = field(default_factory=lambda: defaultdict(list))
    dispatches: dict[int, list[OutgoingItem]] = field(default_factory=lambda: defaultdict(list))
    replies: dict[int, list[Document]] = field(default_factory=lambda: defaultdict(list))
    in_reply_to: dict[int, Document] = field(default_factory=dict)
    item_files: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    uids: dict[int, str] = field(default_factory=dict)
    parties: dict[tuple[int, str], CaseParty] = field(default_factory=dict)

    @classmethod
    def of(cls, documents: Iterable[Document]) -> _Related:
        documents = list(documents)
        related = cls()
        if not documents:
            return related
        unit_id = documents[0].unit_id
        ids = [d.pk for d in documents]
        for version in (
            DocumentVersion.objects.for_unit(unit_id)
            .filter(document_id__in=ids)
            .order_by("document_id", "number")
        ):
            related.latest[version.document_id] = version
        steps = (
            ApprovalStep.objects.for_unit(unit_id)
            .filter(document_id__in=ids, decision=ApprovalStep.Decision.APPROVED)
            .select_related("approver")
            .order_by("document_id", "round", "position")
        )
        for step in steps:
            related.approvals[step.document_id].append(step)
        for out in (
            OutgoingItem.objects.for_unit(unit_id)
            .filter(document_id__in=ids)
            .order_by("year", "number")
        ):
            related.dispatches[out.document_id].append(out)
        for reply in (
            Document.objects.for_unit(unit_id).filter(in_reply_to_id__in=ids).order_by("pk")
        ):
            related.replies[reply.in_reply_to_id].append(reply)
        targets = {d.in_reply_to_id for d in documents if d.in_reply_to_id}
        for target in Document.objects.for_unit(unit_id).filter(pk__in=targets):
            related.in_reply_to[target.pk] = target
        item_ids = {d.incoming_item_id for d in documents if d.incoming_item_id}
        for pk, item_id, uid in (
            Document.objects.for_unit(unit_id)
            .filter(incoming_item_id__in=item_ids)
            .order_by("pk")
            .values_list("pk", "incoming_item_id", "uid")
        ):
            related.item_files[item_id].append(pk)
            related.uids[pk] = f"urn:uuid:{uid}"
        case_ids = {d.case_id for d in documents if d.case_id}
        for party in (
            CaseParty.objects.for_unit(unit_id).filter(case_id__in=case_ids).order_by("pk")
        ):
            related.parties.setdefault((party.case_id, party.correspondent_name), party)
        return related

    def meta(self, document: Document) -> ap.DocumentMeta:
        version = self.latest.get(document.pk)
        case = document.case
        return ap.DocumentMeta(
            identifier=ap.Identifier(
                document.identifier, IDENTIFIER_KIND, document.unit.official_name
            ),
            creators=self._creators(document),
            title=document.title,
            dates=self._dates(document),
            format=ap.FileFormat(version.mime if version else ""),
            access=_access(document),
            type=ap.DocumentType(ap.DcmiType(document.dc_type), KIND_NAMES[document.kind]),
            recipients=self._recipients(document),
            grouping=self._grouping(document),
            relations=self._relations(document),
            archival_category=case.category if case is not None else None,
            language=document.language if _LANGUAGE.fullmatch(document.language) else None,
            description=document.description,
        )

    def _creators(self, document: Document) -> tuple[ap.Creator, ...]:
        item = document.incoming_item
        if item is not None and item.correspondent_name == document.creator_name:
            author = _party(item)  # the sender as the register recorded them
        else:
            author = ap.Party(document.creator_name, _kind(document.creator_kind))
        creators = [ap.Creator(author, ap.CreatorRole.CREATED)]
        for step in self._last_round(document):
            name = step.approver.get_full_name() or step.approver.get_username()
            creators.append(
                ap.Creator(ap.Party(name, ap.PartyKind.PERSON), ap.CreatorRole.APPROVED)
            )
        if document.signed_at is not None:  # sealed with the unit's seal
            creators.append(ap.Creator(_unit_party(document), ap.CreatorRole.SIGNED))
        return tuple(creators)

    def _last_round(self, document: Document) -> list[ApprovalStep]:
        """The approvals that stand: those of the last round (a return starts a new one)."""
        steps = self.approvals.get(document.pk, [])
        last = max((s.round for s in steps), default=0)
        return [s for s in steps if s.round == last]

    def _dates(self, document: Document) -> tuple[ap.DocumentDate, ...]:
        dates = [ap.DocumentDate(ap.DateEvent.CREATED, document.created_at)]
        if document.received_on is not None:
            dates.append(ap.DocumentDate(ap.DateEvent.RECEIVED, _received_at(document)))
        approved = [s.decided_at for s in self._last_round(document) if s.decided_at]
        if approved:
            dates.append(ap.DocumentDate(ap.DateEvent.APPROVED, max(approved)))
        if document.signed_at is not None:
            dates.append(ap.DocumentDate(ap.DateEvent.SIGNED, document.signed_at))
        if document.sent_at is not None:
            dates.append(ap.DocumentDate(ap.DateEvent.SENT, document.sent_at))
        delivered = [o.delivered_at for o in self.dispatches.get(document.pk, []) if o.delivered_at]
        if delivered:
            dates.append(ap.DocumentDate(ap.DateEvent.DELIVERED, min(delivered)))
        return tuple(dates)

    def _recipients(self, document: Document) -> tuple[ap.Party, ...]:
        dispatches = self.dispatches.get(document.pk, [])
        if dispatches:
            seen: dict[str, ap.Party] = {}
            for out in dispatches:
                seen.setdefault(out.correspondent_name, _party(out))
            return tuple(seen.values())
        name = document.recipient_name.strip()
        if not name:
            return ()
        if name == document.unit.official_name:
            return (_unit_party(document),)
        party = self.parties.get((document.case_id, name))
        if party is not None:
            return (_party(party),)
        # Only a name was typed: most letters of an office go to residents.
        return (ap.Party(name, ap.PartyKind.PERSON),)

    def _grouping(self, document: Document) -> tuple[ap.Grouping, ...]:
        groups = []
        if document.case is not None:
            groups.append(ap.Grouping(GROUPING_CASE, document.case.signature, document.case.title))
        item = document.incoming_item
        if item is not None:
            groups.append(ap.Grouping(GROUPING_INCOMING, item.register_number, item.subject))
        for out in self.dispatches.get(document.pk, []):
            groups.append(ap.Grouping(GROUPING_OUTGOING, out.register_number))
        return tuple(groups)

    def _relations(self, document: Document) -> tuple[ap.Relation, ...]:
        relations = []
        target = self.in_reply_to.get(document.in_reply_to_id or 0)
        if target is not None:
            kind = _REPLY_RELATIONS.get(document.kind, _REPLY)[0]
            relations.append(ap.Relation(kind, target.identifier))
        for reply in self.replies.get(document.pk, []):
            kind = _REPLY_RELATIONS.get(reply.kind, _REPLY)[1]
            relations.append(ap.Relation(kind, reply.identifier))
        files = self.item_files.get(document.incoming_item_id or 0, [])
        if len(files) > 1:
            if files[0] == document.pk:
                relations += [
                    ap.Relation(ap.RelationKind.HAS_ATTACHMENT, self.uids[pk]) for pk in files[1:]
                ]
            else:
                relations.append(ap.Relation(ap.RelationKind.IS_ATTACHMENT_OF, self.uids[files[0]]))
        return tuple(relations)


def _kind(party_kind: str) -> ap.PartyKind:
    return ap.PartyKind.PERSON if party_kind == PartyKind.PERSON else ap.PartyKind.INSTITUTION


def _party(row: Correspondent) -> ap.Party:
    """A correspondent (sender, recipient, party) with what the schema can carry of them."""
    address = None
    country = (row.country or "PL").upper()
    if row.street or row.postal_code or row.city:
        address = ap.Address(
            row.street, row.postal_code, row.city, country if _COUNTRY.fullmatch(country) else "PL"
        )
    return ap.Party(
        name=row.correspondent_name,
        kind=_kind(row.party_kind),
        pesel=row.pesel if _DIGITS["pesel"].fullmatch(row.pesel) else None,
        nip=row.nip if _DIGITS["nip"].fullmatch(row.nip) else None,
        regon=row.regon if _REGON.fullmatch(row.regon) else None,
        address=address,
        ade_address=row.ade_address,
        email=row.email,
    )


def _unit_party(document: Document) -> ap.Party:
    unit = document.unit
    return ap.Party(unit.official_name, ap.PartyKind.INSTITUTION, ade_address=unit.ade_address)


def _access(document: Document) -> ap.Access:
    if document.access == Document.Access.PUBLIC:
        return ap.Access(ap.AccessLevel.PUBLIC)
    grounds = document.access_grounds.strip() or DEFAULT_RESTRICTION_GROUNDS
    return ap.Access(ap.AccessLevel.RESTRICTED, grounds)


def _received_at(document: Document) -> datetime.datetime:
    """The moment of receipt: the registration if it was that day, else the day's start.

    The register keeps the day a letter arrived (it may be registered later);
    the schema wants an instant with its zone, so a day is its first moment in
    the office's time zone.
    """
    item = document.incoming_item
    day = document.received_on
    if item is not None and timezone.localdate(item.registered_at) == day:
        return item.registered_at
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
