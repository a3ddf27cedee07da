"""Document metadata (Dz.U. 2006 nr 206 poz. 1517) of every kind of document the EZD keeps.

Documents are made through the services, as officials make them; the XML is
checked against the shipped XSD loaded independently of the module.
"""

from __future__ import annotations

import types
from pathlib import Path

import pytest
import xmlschema
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from infostrada.documents import archival_package as ap
from infostrada.documents import metadata
from infostrada.documents.models import Case, Document, FileClass
from infostrada.documents.services import cases, correspondence, dispatch, drafting
from infostrada.documents.services.correspondence import IncomingData
from infostrada.documents.services.dispatch import RecipientData
from infostrada.documents.services.drafting import latest_version

from .conftest import actor, pdf_bytes

pytestmark = pytest.mark.django_db

XSD = Path(ap.__file__).parent / "xsd" / "paczka-archiwalna-1.0.xsd"
NS = {"a": "urn:infostrada:archiwum:1.0"}
MANDATORY = ("identyfikator", "tworca", "tytul", "data", "format", "dostep", "typ")
KOWALSKI = {"party_kind": "person", "first_name": "Jan", "last_name": "Kowalski"}
ADDRESS = {"street": "ul. Toruńska 5", "postal_code": "87-162", "city": "Lubicz"}


def signed_letter(ezd, case: Case, title: str, **draft) -> Document:  # type: ignore[no-untyped-def]
    """A draft that the head of department approves and seals."""
    unit = ezd.unit
    document = drafting.create_draft(
        actor=actor(ezd.referent), unit=unit, case=case, title=title, body=f"{title}.", **draft
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=unit, document=document, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=document, approve=True)
    return drafting.sign(actor=actor(ezd.kierownik), unit=unit, document=document)


def build_case_file(ezd, symbol: str = "6721") -> types.SimpleNamespace:  # type: ignore[no-untyped-def]
    """A case with one of each kind of document: a two-file paper letter, a letter
    delivered through the portal with its UPD, a posted one with its address
    label, a note, and an unfinished draft."""
    unit = ezd.unit
    item = correspondence.register_incoming(
        actor=actor(ezd.kancelaria),
        unit=unit,
        data=IncomingData(
            channel="paper",
            received_on=timezone.localdate(),
            subject="Wniosek o zmianę miejscowego planu",
            pesel="80051401111",
            **KOWALSKI,
            **ADDRESS,
        ),
        files=[
            ("wniosek.pdf", pdf_bytes("Wniosek o zmiane planu")),
            ("mapa działki.pdf", pdf_bytes("Mapa z zaznaczona dzialka")),
        ],
    )
    assignment = correspondence.assign(
        actor=actor(ezd.kancelaria), unit=unit, item=item, department=ezd.ZP, assignee=ezd.referent
    )
    correspondence.accept_assignment(actor=actor(ezd.referent), unit=unit, assignment=assignment)
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol=symbol),
        title="Zmiana planu miejscowego dla działki 123/4",
        item=item,
    )
    scan, attachment = Document.objects.for_unit(unit).filter(incoming_item=item).order_by("pk")
    letter = signed_letter(ezd, case, "Zawiadomienie o wszczęciu postępowania", in_reply_to=scan)
    out = dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=unit,
        document=letter,
        channel="portal",
        recipient=RecipientData(**KOWALSKI),
        citizen=ezd.citizen,
    )
    dispatch.open_delivery(actor=actor(ezd.citizen), item=out)
    posted = signed_letter(ezd, case, "Wezwanie do uzupełnienia wniosku")
    dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=unit,
        document=posted,
        channel="paper",
        recipient=RecipientData(**KOWALSKI, **ADDRESS),
    )
    note = cases.add_document(
        actor=actor(ezd.referent),
        unit=unit,
        case=case,
        title="Notatka z oględzin działki",
        kind="note",
        filename="notatka.pdf",
        data=pdf_bytes("Notatka z ogledzin"),
    )
    draft = drafting.create_draft(
        actor=actor(ezd.referent), unit=unit, case=case, title="Projekt decyzji", body="Projekt."
    )
    documents = Document.objects.for_unit(unit)
    return types.SimpleNamespace(
        case=case,
        item=item,
        scan=documents.get(pk=scan.pk),
        attachment=documents.get(pk=attachment.pk),
        letter=documents.get(pk=letter.pk),
        evidence=documents.get(kind="delivery_evidence", in_reply_to=letter),
        posted=documents.get(pk=posted.pk),
        label=documents.get(kind="attachment", in_reply_to=posted),
        note=documents.get(pk=note.pk),
        draft=documents.get(pk=draft.pk),
    )


def valid_xml(data: bytes) -> etree._Element:
    schema = xmlschema.XMLSchema10(str(XSD))
    root = etree.fromstring(data)
    schema.validate(root)
    return root


def texts(root: etree._Element, path: str) -> list[str]:
    return [el.text or "" for el in root.findall(path, NS)]


def relations(root: etree._Element) -> set[tuple[str, str]]:
    return {
        (el.get("typ"), el.findtext("a:identyfikator", namespaces=NS))
        for el in root.findall("a:relacja", NS)
    }


def test_every_kind_of_document_has_the_seven_mandatory_elements(ezd):
    f = build_case_file(ezd)
    kinds = {
        "incoming scan": f.scan,
        "second file of the letter": f.attachment,
        "draft": f.draft,
        "signed letter": f.letter,
        "delivery evidence": f.evidence,
        "address label": f.label,
        "note": f.note,
    }
    assert f.draft.status == "draft" and f.letter.status == "dispatched"
    for name, document in kinds.items():
        root = valid_xml(metadata.document_metadata_xml_for(document))
        for element in MANDATORY:
            assert root.find(f"a:{element}", NS) is not None, (name, element)
        assert texts(root, "a:identyfikator/a:wartosc") == [f"urn:uuid:{document.uid}"], name
        assert texts(root, "a:tytul") == [document.title], name
        assert all(texts(root, "a:tworca/a:podmiot/a:nazwa")), name
        created = root.find("a:data[@typ='stworzony']", NS)
        assert created is not None and created.text == document.created_at.isoformat(), name
        assert texts(root, "a:format/a:typ") == [latest_version(document).mime], name
        assert texts(root, "a:typ/a:klasa") == [document.dc_type], name
        assert texts(root, "a:typ/a:rodzaj") == [metadata.KIND_NAMES[document.kind]], name
        assert texts(root, "a:kwalifikacja") == ["A"], name
        assert f.case.signature in texts(root, "a:grupowanie/a:kod"), name
        # what the XML says is what the model layer said
        assert ap.parse_document_metadata(etree.tostring(root)) == metadata.document_meta(document)


def test_incoming_documents_name_their_sender_receipt_and_register_number(ezd):
    f = build_case_file(ezd)
    root = valid_xml(metadata.document_metadata_xml_for(f.scan))
    sender = root.find("a:tworca[@rola='stworzyl']/a:podmiot", NS)
    assert sender.get("rodzaj") == "osoba"
    assert sender.findtext("a:nazwa", namespaces=NS) == "Jan Kowalski"
    assert sender.findtext("a:pesel", namespaces=NS) == "80051401111"
    assert sender.findtext("a:adres/a:miejscowosc", namespaces=NS) == "Lubicz"
    assert texts(root, "a:odbiorca/a:nazwa") == [ezd.unit.official_name]
    # registered the day it came: the registration is the moment of receipt
    assert texts(root, "a:data[@typ='otrzymany']") == [f.item.registered_at.isoformat()]
    assert f.item.register_number in texts(root, "a:grupowanie/a:kod")
    assert texts(root, "a:dostep/a:poziom") == ["ograniczony"]
    assert texts(root, "a:dostep/a:podstawa") == [metadata.DEFAULT_RESTRICTION_GROUNDS]
    assert texts(root, "a:typ/a:klasa") == ["Text"] and texts(root, "a:jezyk") == ["pol"]
    # the two files of one letter: the first is the letter, the second its attachment
    assert relations(root) >= {
        ("maZalacznik", f.attachment.identifier),
        ("maOdpowiedz", f.letter.identifier),
    }
    second = valid_xml(metadata.document_metadata_xml_for(f.attachment))
    assert relations(second) == {("jestZalacznikiem", f.scan.identifier)}


def test_a_dispatched_letter_records_approval_seal_sending_delivery_and_its_receipt(ezd):
    f = build_case_file(ezd)
    root = valid_xml(metadata.document_metadata_xml_for(f.letter))
    roles = {
        el.get("rola"): el.findtext("a:podmiot/a:nazwa", namespaces=NS)
        for el in root.findall("a:tworca", NS)
    }
    assert roles == {
        "stworzyl": ezd.unit.official_name,
        "zatwierdzil": ezd.kierownik.get_full_name(),
        "podpisal": ezd.unit.official_name,
    }
    events = [el.get("typ") for el in root.findall("a:data", NS)]
    assert events == ["stworzony", "zatwierdzony", "podpisany", "wyslany", "doreczony"]
    assert texts(root, "a:odbiorca/a:nazwa") == ["Jan Kowalski"]
    assert "rejestr przesyłek wychodzących" in texts(root, "a:grupowanie/a:typ")
    assert relations(root) == {
        ("jestOdpowiedziaNa", f.scan.identifier),
        ("maPotwierdzenie", f.evidence.identifier),
    }
    evidence = valid_xml(metadata.document_metadata_xml_for(f.evidence))
    assert relations(evidence) == {("jestPotwierdzeniem", f.letter.identifier)}
    label = valid_xml(metadata.document_metadata_xml_for(f.label))
    assert relations(label) == {("jestZalacznikiem", f.posted.identifier)}
    posted = valid_xml(metadata.document_metadata_xml_for(f.posted))
    assert ("maZalacznik", f.label.identifier) in relations(posted)
    assert texts(posted, "a:odbiorca/a:adres/a:ulica") == ["ul. Toruńska 5"]


def test_a_note_is_created_by_the_official_and_a_draft_is_plain_text(ezd):
    f = build_case_file(ezd)
    note = metadata.document_meta(f.note)
    assert note.creators == (
        ap.Creator(
            ap.Party(ezd.referent.get_full_name(), ap.PartyKind.PERSON), ap.CreatorRole.CREATED
        ),
    )
    assert note.type == ap.DocumentType(ap.DcmiType.TEXT, "notatka służbowa")
    draft = metadata.document_meta(f.draft)
    assert draft.format == ap.FileFormat("text/plain")
    assert [d.event for d in draft.dates] == [ap.DateEvent.CREATED]
    # the recipient typed on the draft is the applicant: the party's details go with the name
    assert [(r.name, r.pesel) for r in draft.recipients] == [("Jan Kowalski", "80051401111")]


def test_public_documents_and_grounds_given_by_the_office_are_kept(ezd):
    f = build_case_file(ezd)
    Document.objects.for_unit(ezd.unit).filter(pk=f.note.pk).update(access="public")
    Document.objects.for_unit(ezd.unit).filter(pk=f.scan.pk).update(
        access_grounds="art. 5 ust. 2 UDIP (prywatność osoby fizycznej)"
    )
    assert metadata.document_meta(
        Document.objects.for_unit(ezd.unit).get(pk=f.note.pk)
    ).access == ap.Access(ap.AccessLevel.PUBLIC)
    assert metadata.document_meta(
        Document.objects.for_unit(ezd.unit).get(pk=f.scan.pk)
    ).access == ap.Access(
        ap.AccessLevel.RESTRICTED, "art. 5 ust. 2 UDIP (prywatność osoby fizycznej)"
    )


def test_every_kind_of_document_has_a_polish_name():
    assert set(metadata.KIND_NAMES) == set(Document.Kind.values)
    assert all(name.strip() for name in metadata.KIND_NAMES.values())


def test_a_document_without_a_stored_file_is_refused_naming_the_format(ezd):
    bare = Document.objects.create(
        unit=ezd.unit,
        direction="internal",
        kind="note",
        title="Notatka bez pliku",
        creator_name="Urząd",
        created_at=timezone.now(),
    )
    with pytest.raises(ap.MissingMetadataError) as caught:
        metadata.document_metadata_xml_for(bare)
    assert caught.value.missing == ("format",)


def test_case_meta_keeps_the_case_file_order_parties_and_related_cases(ezd):
    f = build_case_file(ezd)
    other = cases.open_case(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(ezd.unit).get(symbol="6721"),
        title="Wcześniejszy wniosek",
    )
    cases.relate_cases(
        actor=actor(ezd.referent), unit=ezd.unit, case=f.case, related=other, note="poprzedni"
    )
    meta = metadata.case_meta(f.case)
    in_order = list(Document.objects.for_unit(ezd.unit).filter(case=f.case).order_by("position"))
    assert [d.meta.identifier.value for d in meta.documents] == [d.identifier for d in in_order]
    assert [d.meta.title for d in meta.documents][:2] == [f.scan.title, f.attachment.title]
    assert len(in_order) == 8
    for document, item in zip(in_order, meta.documents, strict=True):
        version = latest_version(document)
        assert (item.file.filename, item.file.sha256, item.file.size) == (
            version.filename,
            version.sha256,
            version.size,
        )
        with item.file.open() as stream:
            assert stream.read() == version.file.open("rb").read()
    assert meta.parties == (
        ap.CaseParty(
            ap.Party(
                "Jan Kowalski",
                ap.PartyKind.PERSON,
                pesel="80051401111",
                address=ap.Address("ul. Toruńska 5", "87-162", "Lubicz"),
            ),
            ap.CasePartyRole.APPLICANT,
        ),
    )
    assert meta.related_cases == (ap.RelatedCase(other.signature, "poprzedni"),)
    assert (meta.signature, meta.category, meta.department_symbol) == (f.case.signature, "A", "ZP")
    assert meta.closed_at is None  # still open: write_package would refuse it


def test_case_meta_costs_the_same_queries_however_many_documents(ezd):
    f = build_case_file(ezd)
    with CaptureQueriesContext(connection) as eight:
        metadata.case_meta(f.case)
    for n in range(4):
        cases.add_document(
            actor=actor(ezd.referent),
            unit=ezd.unit,
            case=f.case,
            title=f"Notatka {n}",
            kind="note",
            filename=f"notatka-{n}.pdf",
            data=pdf_bytes(f"Notatka numer {n}"),
        )
    with CaptureQueriesContext(connection) as twelve:
        meta = metadata.case_meta(f.case)
    assert len(meta.documents) == 12
    assert len(twelve.captured_queries) == len(eight.captured_queries) <= 12
