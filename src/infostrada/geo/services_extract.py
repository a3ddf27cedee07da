"""A request for a zoning extract as an EZD matter: intake, case 6727, draft, seal, dispatch.

Who does what:

* automatically, in :func:`request_extract` (one transaction, as the system
  actor ``intake:zoning-extract``): the request is registered in the incoming
  register through ``documents.intake.receive`` (its data as XML, with a PDF
  to read), routed (dekretacja) to the department owning JRWA class 6727, a
  case is opened under 6727 from it with the applicant as party, the extract
  is computed and its PDF put into the case file as an outgoing *draft*.
  The case is opened automatically because the case signature is printed on
  the extract and nothing in it is left to discretion: the content follows
  from the plans in force. Human control comes before anything leaves the
  office;
* by officials in the workbench: a case officer of the department checks the
  draft and sends it for approval, the head approves it
  (``documents.services.drafting.submit_for_approval`` / ``decide``);
* after approval, by an official with the sealing permission: :func:`seal_extract`
  seals the extract's own PDF with the unit's seal (PAdES) — ``drafting.sign``
  would render the draft's text into a letter instead — and
  :func:`dispatch_extract` sends it from the case through the outgoing register:
  to the resident's portal account when the request came from one, otherwise
  by e-mail, otherwise by post.

Every write goes through the EZD's services, so numbering, history (metryka)
and the audit trail are the EZD's own. Bad input (unknown parcels, parcels of
another unit, parcels no plan covers, none or too many, an applicant without
a name or an address to send to) raises ValidationError before anything is
written; a failure later rolls the whole request back, files included.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml.ElementTree import fromstring as parse_xml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from infostrada.accounts.models import User
from infostrada.accounts.permissions import ensure_can
from infostrada.accounts.roles import DOC_SIGN
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.documents import access, intake, seal
from infostrada.documents import render as letters
from infostrada.documents.models import (
    Case,
    CaseParty,
    Channel,
    Department,
    DepartmentMember,
    Document,
    DocumentVersion,
    FileClass,
    IncomingItem,
    OutgoingItem,
)
from infostrada.documents.services import cases, correspondence, dispatch
from infostrada.documents.services.common import (
    BlobWriter,
    FileToStore,
    add_version,
    event,
    office_language,
    pgettext_office,
    read_version,
    user_of,
)
from infostrada.documents.services.dispatch import RecipientData
from infostrada.documents.services.drafting import latest_version
from infostrada.geo import extract as ex
from infostrada.geo.public import offers_zoning_extract
from infostrada.tenancy.models import Unit

SOURCE_SYSTEM = "zoning-extract"
FILE_CLASS = "6727"
XML_NS = "urn:infostrada:zoning-extract-request:1"
MAX_PURPOSE = 500
INTAKE_CHANNELS = (Channel.PORTAL, Channel.EMAIL, Channel.EPUAP, Channel.EDELIVERY)
SYSTEM = Actor.system("intake:" + SOURCE_SYSTEM)
ET.register_namespace("", XML_NS)


@dataclass(frozen=True)
class Applicant:
    """Who asks: a person (first and last name) or an institution, and where to send."""

    first_name: str = ""
    last_name: str = ""
    institution: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    citizen: User | None = None

    @property
    def party_kind(self) -> str:
        return "institution" if self.institution.strip() else "person"

    @property
    def name(self) -> str:
        if self.party_kind == "institution":
            return self.institution.strip()
        return f"{self.first_name.strip()} {self.last_name.strip()}".strip()

    def correspondent(self) -> dict[str, str]:
        return {
            "party_kind": self.party_kind,
            "first_name": self.first_name.strip() if self.party_kind == "person" else "",
            "last_name": self.last_name.strip() if self.party_kind == "person" else "",
            "institution": self.institution.strip(),
            "street": self.street.strip(),
            "postal_code": self.postal_code.strip(),
            "city": self.city.strip(),
            "email": self.email.strip(),
        }


@dataclass(frozen=True)
class Preview:
    """What a request would produce: shown before submitting, so the fee is known."""

    extract: ex.Extract
    pdf: ex.ExtractPdf
    sheets: list[ex.MapSheet] = field(repr=False)

    @property
    def fee(self) -> ex.Fee:
        return self.pdf.fee


@dataclass(frozen=True)
class ExtractRequest:
    """A request as the EZD holds it: the item, its case, the extract, where it is."""

    item: IncomingItem
    case: Case | None
    document: Document | None
    outgoing: OutgoingItem | None
    kind: str
    parcels: list[str]
    purpose: str
    fee: ex.Fee | None

    @property
    def status(self) -> str:
        """registered → prepared → in_approval → approved → sealed → dispatched → delivered."""
        if self.document is None:
            return "registered"
        if self.outgoing is not None and self.outgoing.delivered_at is not None:
            return "delivered"
        return {
            Document.Status.DRAFT: "prepared",
            Document.Status.IN_APPROVAL: "in_approval",
            Document.Status.APPROVED: "approved",
            Document.Status.SIGNED: "sealed",
            Document.Status.DISPATCHED: "dispatched",
            Document.Status.WITHDRAWN: "withdrawn",
        }.get(self.document.status, "prepared")


# --- before anything is written ----------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in ex.KINDS:
        raise ValidationError({"kind": _("Choose a wypis, a wyrys or both.")})


def check_applicant(applicant: Applicant) -> None:
    """A name, and somewhere to send the extract: an account, an e-mail or a postal address."""
    errors: dict[str, list[str]] = {}
    if applicant.party_kind == "person":
        if not applicant.first_name.strip():
            errors["applicant.first_name"] = [_("Give your first name.")]
        if not applicant.last_name.strip():
            errors["applicant.last_name"] = [_("Give your last name.")]
    limits = {
        "first_name": 100,
        "last_name": 150,
        "institution": 300,
        "street": 200,
        "postal_code": 10,
        "city": 100,
        "email": 254,
    }
    for name, limit in limits.items():
        value = getattr(applicant, name)
        if len(value) > limit or "\x00" in value:
            errors[f"applicant.{name}"] = [_("At most %(count)d characters.") % {"count": limit}]
    if applicant.email.strip():
        try:
            validate_email(applicant.email.strip())
        except ValidationError:
            errors["applicant.email"] = [_("Enter a valid e-mail address.")]
    postal = applicant.street.strip() and applicant.postal_code.strip() and applicant.city.strip()
    if applicant.citizen is None and not applicant.email.strip() and not postal:
        errors["applicant.email"] = [
            _("Give an e-mail address or a full postal address to send the extract to.")
        ]
    if applicant.citizen is not None and applicant.citizen.kind != User.Kind.CITIZEN:
        errors["applicant"] = [_("Only a resident's account can receive the extract.")]
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class _Setup:
    file_class: FileClass
    department: Department
    head: User | None


def _ezd_setup(unit: Unit) -> _Setup:
    """JRWA 6727 and the department that owns it this year (its head, if any)."""
    year = timezone.localdate().year
    file_class = (
        FileClass.objects.for_unit(unit)
        .filter(symbol=FILE_CLASS, is_leaf=True, is_active=True)
        .first()
    )
    owners = [s.strip() for s in (file_class.owner_departments if file_class else "").split(",")]
    department = (
        Department.objects.for_unit(unit)
        .valid_in(year)
        .filter(symbol__in=[s for s in owners if s])
        .order_by("symbol", "-valid_from")
        .first()
    )
    if file_class is None or department is None:
        raise ValidationError(
            _(
                "%(unit)s does not take requests for zoning extracts online yet: "
                "send the request by post or bring it to the office."
            )
            % {"unit": unit.official_name}
        )
    today = timezone.localdate()
    head = (
        DepartmentMember.objects.for_unit(unit)
        .filter(department=department, is_head=True, since__lte=today)
        .exclude(until__lt=today)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return _Setup(file_class, department, head.user if head else None)


class NotIssuedHere(Http404):
    """The unit is not a gmina, so it issues no zoning extract (geo.public)."""


def ensure_issued_here(unit: Unit) -> None:
    """Http404 (:class:`NotIssuedHere`) unless the unit is a gmina: only one issues extracts."""
    if not offers_zoning_extract(unit):
        raise NotIssuedHere(
            _(
                "%(unit)s does not issue extracts from zoning plans: the wójt, burmistrz or "
                "prezydent of the municipality where the parcel lies issues them."
            )
            % {"unit": unit.official_name}
        )


def ensure_available(unit: Unit) -> None:
    """ValidationError unless the unit's EZD can take the request (JRWA 6727 and its department).

    A unit that is not a gmina raises :class:`NotIssuedHere` (a 404) first.
    """
    ensure_issued_here(unit)
    _ezd_setup(unit)


def preview_extract(*, unit: Unit, parcels: Any, kind: str) -> Preview:
    """Compute the extract and lay it out (without a case signature) to know its fee."""
    _check_kind(kind)
    extract = ex.compute_extract(unit=unit, parcels=ex.parcel_list(parcels))
    sheets = ex.build_sheets(extract) if kind != ex.WYPIS else []
    pdf = ex.extract_pdf(
        extract,
        kind=kind,
        signature="ZP.6727.9999.2099",  # as long as a real one: the same page breaks
        issued_on=timezone.localdate(),
        sheets=sheets,
    )
    return Preview(extract=extract, pdf=pdf, sheets=sheets)


# --- the request ----------------------------------------------------------------


def request_extract(
    *,
    unit: Unit,
    applicant: Applicant,
    parcels: Any,
    kind: str,
    purpose: str = "",
    channel: str = Channel.PORTAL,
    source_id: str,
    actor: Actor | None = None,
    admit: Callable[[], None] | None = None,
) -> ExtractRequest:
    """Register a request for a wypis and/or wyrys and prepare the extract in a new case.

    ``admit`` is called once the request is known to be valid and new, before
    anything is written: the rate limit of anonymous submissions
    (``geo.ratelimit``) counts there and refuses by raising.

    ``source_id`` identifies the submission in its channel (the form's token,
    an ePUAP message id): sending the same request again returns the first
    registration. ``actor`` is who submitted it (a resident, an API client;
    anonymous if None), recorded in the audit trail; the EZD steps are done
    by the intake's system actor. Returns the request with its case and draft.
    """
    ensure_issued_here(unit)
    _check_kind(kind)
    if channel not in INTAKE_CHANNELS:
        raise ValidationError({"channel": _("Unknown channel of submission.")})
    source_id = (source_id or "").strip()
    if not source_id or len(source_id) > 128:
        raise ValidationError(
            {"source_id": _("Give the submission's identifier (1-128 characters).")}
        )
    purpose = (purpose or "").strip()
    if len(purpose) > MAX_PURPOSE or "\x00" in purpose:
        raise ValidationError(
            {"purpose": _("At most %(count)d characters.") % {"count": MAX_PURPOSE}}
        )
    check_applicant(applicant)
    earlier = _earlier(unit, source_id)
    if earlier is not None:
        return request_state(unit, earlier)
    setup = _ezd_setup(unit)
    preview = preview_extract(unit=unit, parcels=parcels, kind=kind)
    if admit is not None:
        admit()
    identifiers = [p.identifier for p in preview.extract.parcels]
    today = timezone.localdate()
    with office_language():
        subject = _subject(preview.extract, kind, identifiers)
        request_pdf = _request_pdf(
            unit, applicant, identifiers, kind, purpose, preview, today, source_id
        )
    request_xml = _request_xml(unit, applicant, identifiers, kind, purpose, preview.fee, source_id)
    for attempt in (1, 2):
        try:
            # The EZD operations inside hand the files they stored to this writer;
            # if the request fails, it deletes those (and only those) again.
            with BlobWriter(), transaction.atomic():
                item = intake.receive(
                    unit=unit,
                    channel=channel,
                    source_system=SOURCE_SYSTEM,
                    source_id=source_id,
                    subject=subject,
                    sender=applicant.correspondent(),
                    files=[("wniosek.xml", request_xml), ("wniosek.pdf", request_pdf)],
                    received_on=today,
                    actor=SYSTEM,
                )
                if item.case_id is not None:  # the same submission, registered before
                    return request_state(unit, item)
                result = _prepare(unit, item, setup, applicant, preview, kind, subject, purpose)
                audit.record(
                    actor or Actor.anonymous(),
                    unit,
                    "geo.zoning_extract.requested",
                    item,
                    changes={
                        "item": item.register_number,
                        "case": result.case.signature if result.case else None,
                        "parcels": identifiers,
                        "kind": kind,
                        "fee": str(preview.fee.total),
                        "document": result.document.pk if result.document else None,
                    },
                )
            return result
        except IntegrityError:
            # A concurrent retry of the same submission registered it first.
            earlier = _earlier(unit, source_id)
            if attempt == 2 or earlier is None:
                raise
            return request_state(unit, earlier)
    raise AssertionError("unreachable")


def _prepare(
    unit: Unit,
    item: IncomingItem,
    setup: _Setup,
    applicant: Applicant,
    preview: Preview,
    kind: str,
    subject: str,
    purpose: str,
) -> ExtractRequest:
    """Route the item, open case 6727 from it, put the extract in as a draft."""
    with office_language():
        instruction = _("Check the prepared extract and send it for approval.")
    correspondence.assign(
        actor=SYSTEM, unit=unit, item=item, department=setup.department, instruction=instruction
    )
    case = cases.open_case(
        actor=SYSTEM,
        unit=unit,
        department=setup.department,
        file_class=setup.file_class,
        title=subject[:500],
        item=item,
        assignee=setup.head,
        parties=[
            cases.PartyData(
                role=CaseParty.Role.APPLICANT,
                citizen=applicant.citizen,
                **applicant.correspondent(),
            )
        ],
    )
    with office_language():
        pdf = ex.extract_pdf(
            preview.extract,
            kind=kind,
            signature=case.signature,
            issued_on=timezone.localdate(),
            applicant=applicant.name,
            requested_on=item.received_on,
            sheets=preview.sheets,
        )
        title = ex.document_title(preview.extract, kind)
        description = _fee_line(pdf.fee)
    document = cases.add_document(
        actor=SYSTEM,
        unit=unit,
        case=case,
        title=title,
        kind=Document.Kind.EXTRACT,
        filename=f"{case.signature}-wypis.pdf",
        data=pdf.data,
        direction=Document.Direction.OUTGOING,
        description=description,
    )
    # add_document files what arrives; this one is the office's own outgoing draft.
    document.status = Document.Status.DRAFT
    document.recipient_name = applicant.name[:300]
    document.creator_name = unit.official_name
    document.creator_kind = "institution"
    document.save(update_fields=["status", "recipient_name", "creator_name", "creator_kind"])
    item.refresh_from_db()  # open_case took in its own copy of the item
    return ExtractRequest(
        item=item,
        case=case,
        document=document,
        outgoing=None,
        kind=kind,
        parcels=[p.identifier for p in preview.extract.parcels],
        purpose=purpose,
        fee=pdf.fee,
    )


def _earlier(unit: Unit, source_id: str) -> IncomingItem | None:
    return (
        IncomingItem.objects.for_unit(unit)
        .filter(source_system=SOURCE_SYSTEM, source_id=source_id[:128])
        .first()
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kind_label(kind: str) -> str:
    """'wypis', 'wyrys', 'wypis i wyrys' as a label (nominative)."""
    return {
        ex.WYPIS: pgettext("requested", "extract"),
        ex.WYRYS: pgettext("requested", "map excerpt"),
        ex.BOTH: pgettext("requested", "extract and map excerpt"),
    }.get(kind, kind)


def _kind_genitive(kind: str) -> str:
    return {
        ex.WYPIS: pgettext("requested, genitive", "an extract"),
        ex.WYRYS: pgettext("requested, genitive", "a map excerpt"),
        ex.BOTH: pgettext("requested, genitive", "an extract and a map excerpt"),
    }[kind]


def _subject(extract: ex.Extract, kind: str, identifiers: list[str]) -> str:
    """'Wniosek o wydanie wypisu i wyrysu z miejscowego planu …: działki …'."""
    text = _("Application for %(what)s from %(plan)s: parcels %(parcels)s") % {
        "what": _kind_genitive(kind),
        "plan": ex.plan_phrase(extract.plan_kinds),
        "parcels": ", ".join(identifiers),
    }
    return text if len(text) <= 500 else text[:497] + "…"


def _fee_line(fee: ex.Fee) -> str:
    return _("Stamp duty: %(total)s (extract %(wypis)s, map excerpt %(wyrys)s); %(basis)s.") % {
        "total": ex.money_text(fee.total),
        "wypis": ex.money_text(fee.wypis),
        "wyrys": ex.money_text(fee.wyrys),
        "basis": ex.LEGAL_BASIS,
    }


def _request_pdf(
    unit: Unit,
    applicant: Applicant,
    identifiers: list[str],
    kind: str,
    purpose: str,
    preview: Preview,
    today: datetime.date,
    source_id: str,
) -> bytes:
    """The request as the office reads it (the XML next to it holds the same data)."""
    address = ", ".join(
        p for p in (applicant.street, f"{applicant.postal_code} {applicant.city}".strip()) if p
    )
    rows = [
        (_("Office"), unit.official_name),
        (_("Date"), letters.polish_date(today)),
        (_("Applicant"), applicant.name),
        (_("Address"), address or "—"),
        (_("E-mail"), applicant.email or "—"),
        (_("Resident's portal account"), _("yes") if applicant.citizen else _("no")),
        (_("Requested"), kind_label(kind)),
        (_("Parcels"), ", ".join(identifiers)),
        (_("Purpose"), purpose or "—"),
        (_("Stamp duty"), _fee_line(preview.fee)),
        (_("Submission"), source_id),
    ]
    title = _("Application for %(what)s from %(plan)s") % {
        "what": _kind_genitive(kind),
        "plan": ex.plan_phrase(preview.extract.plan_kinds),
    }
    return letters.evidence_pdf(title, rows)


def _request_xml(
    unit: Unit,
    applicant: Applicant,
    identifiers: list[str],
    kind: str,
    purpose: str,
    fee: ex.Fee,
    source_id: str,
) -> bytes:
    q = f"{{{XML_NS}}}"
    root = ET.Element(
        q + "ZoningExtractRequest",
        {"version": "1", "submission": source_id, "submittedAt": timezone.now().isoformat()},
    )
    ET.SubElement(root, q + "Office", {"teryt": unit.teryt or ""}).text = unit.official_name
    ET.SubElement(root, q + "Kind").text = kind
    ET.SubElement(root, q + "Purpose").text = purpose
    person = ET.SubElement(root, q + "Applicant", {"kind": applicant.party_kind})
    for name, value in applicant.correspondent().items():
        if name != "party_kind" and value:
            ET.SubElement(person, q + _camel(name)).text = value
    if applicant.citizen is not None:
        ET.SubElement(person, q + "PortalAccount").text = str(applicant.citizen.pk)
    parcels = ET.SubElement(root, q + "Parcels")
    for identifier in identifiers:
        ET.SubElement(parcels, q + "Parcel").text = identifier
    ET.SubElement(
        root,
        q + "StampDuty",
        {
            "textPages": str(fee.text_pages),
            "mapPages": str(fee.map_pages),
            "wypis": str(fee.wypis),
            "wyrys": str(fee.wyrys),
            "total": str(fee.total),
        },
    )
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head.capitalize() + "".join(p.capitalize() for p in rest)


def _read_request(unit: Unit, item: IncomingItem) -> tuple[str, list[str], str, ex.Fee | None]:
    """Kind, parcels, purpose and fee from the request's XML document."""
    version = (
        DocumentVersion.objects.for_unit(unit)
        .filter(document__incoming_item=item, mime__in=["application/xml", "text/xml"])
        .order_by("pk")
        .first()
    )
    if version is None:
        return "", [], "", None
    q = f"{{{XML_NS}}}"
    try:
        root = parse_xml(read_version(version))
    except Exception:  # a damaged file must not break the status page
        return "", [], "", None
    duty = root.find(q + "StampDuty")
    fee = None
    if duty is not None:
        fee = ex.Fee(
            text_pages=int(duty.get("textPages", "0")),
            map_pages=int(duty.get("mapPages", "0")),
            wypis=Decimal(duty.get("wypis", "0")),
            wyrys=Decimal(duty.get("wyrys", "0")),
        )
    return (
        root.findtext(q + "Kind", ""),
        [p.text or "" for p in root.iterfind(f"{q}Parcels/{q}Parcel")],
        root.findtext(q + "Purpose", ""),
        fee,
    )


# --- reading a request ------------------------------------------------------------


def request_state(unit: Unit, item: IncomingItem, *, with_request: bool = True) -> ExtractRequest:
    """The request behind an item (no access check: callers resolve the item first).

    ``with_request`` reads kind, parcels, purpose and fee from the request's XML
    (one file read); lists leave it out."""
    return request_states(unit, [item], with_request=with_request)[0]


def request_states(
    unit: Unit, items: list[IncomingItem], *, with_request: bool = False
) -> list[ExtractRequest]:
    """The requests behind many items in three queries (the desk's list)."""
    case_ids = [i.case_id for i in items if i.case_id]
    cases_by_id = {c.pk: c for c in Case.objects.for_unit(unit).filter(pk__in=case_ids)}
    documents: dict[int, Document] = {}
    for document in (
        Document.objects.for_unit(unit)
        .filter(
            case_id__in=case_ids,
            kind=Document.Kind.EXTRACT,
            direction=Document.Direction.OUTGOING,
        )
        .order_by("pk")
    ):
        documents[document.case_id] = document  # the newest one wins
    outgoing: dict[int, OutgoingItem] = {}
    for out in (
        OutgoingItem.objects.for_unit(unit)
        .filter(document_id__in=[d.pk for d in documents.values()])
        .order_by("pk")
    ):
        outgoing[out.document_id] = out
    states = []
    for item in items:
        document = documents.get(item.case_id) if item.case_id else None
        kind, parcels, purpose, fee = (
            _read_request(unit, item) if with_request else ("", [], "", None)
        )
        states.append(
            ExtractRequest(
                item=item,
                case=cases_by_id.get(item.case_id) if item.case_id else None,
                document=document,
                outgoing=outgoing.get(document.pk) if document else None,
                kind=kind,
                parcels=parcels,
                purpose=purpose,
                fee=fee,
            )
        )
    return states


def visible_requests(actor: Actor, unit: Unit) -> Any:
    """The zoning extract requests (incoming items) this actor may see, newest first."""
    return access.visible_items(actor, unit).filter(source_system=SOURCE_SYSTEM).order_by("-pk")


def get_request(actor: Actor, unit: Unit, request_id: Any) -> ExtractRequest:
    """One request the actor may see; 404 for absent, not theirs, or not an extract request."""
    item = access.get_item(actor, unit, request_id)
    if item.source_system != SOURCE_SYSTEM:
        raise Http404("not a zoning extract request")
    return request_state(unit, item)


# --- after approval -----------------------------------------------------------------


def _extract_document(actor: Actor, unit: Unit, document: Document) -> Document:
    document = access.get_document(actor, unit, document.pk)
    if document.kind != Document.Kind.EXTRACT or document.direction != Document.Direction.OUTGOING:
        raise ValidationError(_("This document is not a zoning extract."))
    return document


def seal_extract(*, actor: Actor, unit: Unit, document: Document) -> Document:
    """Seal the approved extract's own PDF with the unit's seal (PAdES), in its case."""
    ensure_can(actor, DOC_SIGN, unit)
    document = _extract_document(actor, unit, document)
    if document.status != Document.Status.APPROVED:
        raise ValidationError(_("Only an approved document can be signed."))
    case = document.case
    if case is None or case.is_closed:
        raise ValidationError(_("The case is closed."))
    current = latest_version(document)
    if current is None or current.mime != "application/pdf":
        raise ValidationError(_("The extract has no PDF to seal."))
    me = user_of(actor)
    signer_name = (me.get_full_name() if me else "") or actor.name
    sealed = seal.seal_pdf(
        unit, read_version(current), reason=document.title, signer_name=signer_name
    )
    file = FileToStore(
        filename=f"{case.signature}-wypis-podpisany.pdf",
        mime="application/pdf",
        size=len(sealed),
        sha256=_sha(sealed),
        data=sealed,
        page_count=current.page_count,
    )
    with BlobWriter() as blobs:
        path = blobs.put(unit.pk, file)
        with transaction.atomic():
            document.status = Document.Status.SIGNED
            document.signed_at = timezone.now()
            document.signature_status = Document.SignatureStatus.VALID
            document.signature_summary = pgettext_office("Sealed by %(unit)s") % {
                "unit": unit.official_name
            }
            document.save(
                update_fields=["status", "signed_at", "signature_status", "signature_summary"]
            )
            add_version(
                document=document,
                file=file,
                path=path,
                actor=actor,
                text=current.text,
                note=pgettext_office("signed PDF"),
            )
            audit.record(
                actor,
                unit,
                "documents.signed",
                document,
                changes={"sha256": file.sha256, "case": case.signature, "kind": "extract"},
            )
            with office_language():
                event(
                    actor,
                    unit,
                    "signed",
                    _("Signed: %(title)s") % {"title": document.title},
                    case=case,
                )
    return document


def delivery_channel(party: CaseParty) -> str:
    """The resident's account if they have one, else e-mail, else post."""
    if party.citizen_id is not None:
        return Channel.PORTAL
    if party.email:
        return Channel.EMAIL
    return Channel.PAPER


def dispatch_extract(
    *, actor: Actor, unit: Unit, document: Document, channel: str | None = None
) -> OutgoingItem:
    """Send the sealed extract to the applicant from its case (outgoing register)."""
    document = _extract_document(actor, unit, document)
    party = (
        CaseParty.objects.for_unit(unit)
        .filter(case_id=document.case_id, role=CaseParty.Role.APPLICANT)
        .select_related("citizen")
        .order_by("pk")
        .first()
    )
    if party is None:
        raise ValidationError(_("The case has no applicant to send the extract to."))
    recipient = RecipientData(
        **{name: getattr(party, name) for name in RecipientData.__dataclass_fields__}
    )
    chosen = channel or delivery_channel(party)
    return dispatch.dispatch(
        actor=actor,
        unit=unit,
        document=document,
        channel=chosen,
        recipient=recipient,
        citizen=party.citizen if chosen == Channel.PORTAL else None,
    )


def new_source_id() -> str:
    return uuid.uuid4().hex
