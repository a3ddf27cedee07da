"""E-mails: a letter waits in the resident's account; an official has a new assignment
or a draft to approve. Sent after commit, with the public address, never the content;
a broken mail server changes nothing in the office's records."""

from __future__ import annotations

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from infostrada.documents.models import Document, OutgoingItem
from infostrada.documents.services import correspondence, dispatch, drafting
from infostrada.documents.services.dispatch import RecipientData

from .conftest import actor, open_case, register

pytestmark = pytest.mark.django_db

PUBLIC = "https://e-urzad.example.pl"
BODY = "Odmawia się przyznania dodatku mieszkaniowego."


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses every message, as a real one does when it is down."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def signed_letter(ezd) -> Document:  # type: ignore[no-untyped-def]
    case = open_case(ezd, symbol="6730", title="Dodatek mieszkaniowy")
    draft = drafting.create_draft(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        case=case,
        title="Decyzja w sprawie dodatku mieszkaniowego",
        kind=Document.Kind.DECISION,
        body=BODY,
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=ezd.unit, document=draft, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=ezd.unit, document=draft, approve=True)
    return drafting.sign(actor=actor(ezd.kierownik), unit=ezd.unit, document=draft)


def to_portal(ezd, document: Document) -> OutgoingItem:  # type: ignore[no-untyped-def]
    return dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        document=document,
        channel="portal",
        recipient=RecipientData(party_kind="person", first_name="Jan", last_name="Kowalski"),
        citizen=ezd.citizen,
    )


def test_the_resident_is_told_a_letter_waits_with_a_link_but_not_its_content(
    ezd, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_URL = PUBLIC
    document = signed_letter(ezd)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        item = to_portal(ezd, document)
    assert mail.outbox == []  # nothing is sent before the dispatch commits
    for callback in queued:
        callback()
    (message,) = [m for m in mail.outbox if m.to == [ezd.citizen.email]]
    assert f"{PUBLIC}/konto/skrzynka/{item.pk}/" in message.body
    assert ezd.unit.official_name in message.subject
    assert "czeka pismo" in message.subject  # Polish: the resident's language is not known
    assert document.title not in message.body + message.subject
    assert BODY not in message.body and not message.attachments


def test_the_link_uses_the_public_address_not_the_requests_host(
    client, ezd, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_URL = PUBLIC
    document = signed_letter(ezd)
    entry = dispatch.add_addressee(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        document=document,
        channel="portal",
        recipient=RecipientData(party_kind="person", first_name="Jan", last_name="Kowalski"),
        citizen=ezd.citizen,
    )
    client.force_login(ezd.referent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/urzad/lubicz/ezd/dokumenty/{document.pk}/",
            {"action": "dispatch", "entry": [str(entry.pk)]},
            HTTP_HOST="localhost",
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert f"{PUBLIC}/konto/skrzynka/" in message.body and "localhost" not in message.body


def test_a_broken_mail_server_does_not_undo_the_dispatch(
    ezd, settings, django_capture_on_commit_callbacks, caplog
):
    document = signed_letter(ezd)
    dispatch.add_addressee(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        document=document,
        channel="email",
        recipient=RecipientData(
            party_kind="person", last_name="Nowak", email="anna.nowak@example.invalid"
        ),
    )
    dispatch.add_addressee(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        document=document,
        channel="portal",
        recipient=RecipientData(party_kind="person", last_name="Kowalski"),
        citizen=ezd.citizen,
    )
    settings.EMAIL_BACKEND = "infostrada.documents.tests.test_notifications.BrokenBackend"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        items = dispatch.dispatch_pending(
            actor=actor(ezd.referent), unit=ezd.unit, document=document
        )
    by_channel = {i.channel: i for i in items}
    # the portal letter is delivered into the account; only its e-mail notice failed (logged)
    assert by_channel["portal"].status == "sent"
    assert "notification e-mail" in caplog.text
    # the e-mailed letter keeps its register number and says why it did not go
    emailed = OutgoingItem.objects.for_unit(ezd.unit).get(pk=by_channel["email"].pk)
    assert emailed.status == "failed" and "Connection unexpectedly closed" in emailed.failure
    assert Document.objects.for_unit(ezd.unit).get(pk=document.pk).status == "dispatched"


def test_an_official_is_told_of_a_new_assignment(ezd, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_URL = PUBLIC
    item = register(ezd, subject="Skarga na sąsiada")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        correspondence.assign(
            actor=actor(ezd.kancelaria),
            unit=ezd.unit,
            item=item,
            department=ezd.ZP,
            assignee=ezd.referent,
        )
    (message,) = mail.outbox
    assert message.to == [ezd.referent.email]
    assert f"{PUBLIC}/urzad/lubicz/ezd/" in message.body
    assert "Skarga" not in message.body  # the subject of the letter stays in the EZD


def test_a_department_assignment_goes_to_its_head(ezd, django_capture_on_commit_callbacks):
    item = register(ezd)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        correspondence.assign(
            actor=actor(ezd.kancelaria), unit=ezd.unit, item=item, department=ezd.ZP
        )
    assert [m.to for m in mail.outbox] == [[ezd.kierownik.email]]


def test_each_approver_is_told_when_the_draft_reaches_them(
    ezd, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_URL = PUBLIC
    case = open_case(ezd, symbol="6730")
    draft = drafting.create_draft(
        actor=actor(ezd.referent), unit=ezd.unit, case=case, title="Pismo", body="Treść"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit_for_approval(
            actor=actor(ezd.referent),
            unit=ezd.unit,
            document=draft,
            approvers=[ezd.kierownik, ezd.sekretarz],
        )
    assert [m.to for m in mail.outbox] == [[ezd.kierownik.email]]
    assert f"{PUBLIC}/urzad/lubicz/ezd/dokumenty/{draft.pk}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        drafting.decide(actor=actor(ezd.kierownik), unit=ezd.unit, document=draft, approve=True)
    assert [m.to for m in mail.outbox][1:] == [[ezd.sekretarz.email]]


def test_nothing_is_sent_when_the_operation_rolls_back(ezd, django_capture_on_commit_callbacks):
    from django.db import transaction

    item = register(ezd)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        correspondence.assign(
            actor=actor(ezd.kancelaria),
            unit=ezd.unit,
            item=item,
            department=ezd.ZP,
            assignee=ezd.referent,
        )
        raise RuntimeError("a later step fails")
    assert mail.outbox == []
