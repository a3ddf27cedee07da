"""The approval path in the order the official chose, and the four-eyes rule (issue 8)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from infostrada.accounts.roles import Role
from infostrada.audit.models import AuditEvent
from infostrada.documents.models import ApprovalStep, Document
from infostrada.documents.services import drafting, organisation
from infostrada.testing import UserFactory, official

from .conftest import SYSTEM, actor, open_case

pytestmark = pytest.mark.django_db


def draft(ezd, author, kind: str = "decision") -> Document:  # type: ignore[no-untyped-def]
    case = open_case(ezd, title="Warunki zabudowy")
    return drafting.create_draft(
        actor=actor(author), unit=ezd.unit, case=case, title="Decyzja", kind=kind, body="Orzekam"
    )


def test_the_page_keeps_the_approval_path_in_the_order_chosen(client, ezd):
    # Ada sorts first by name and was created last: neither order is the chosen one.
    ada = UserFactory(username="lubicz.ada", first_name="Ada", last_name="Adamska")
    official(ezd.unit, Role.APPROVER, username=ada.username)
    document = draft(ezd, ezd.referent)
    client.force_login(ezd.referent)
    url = f"/urzad/lubicz/ezd/dokumenty/{document.pk}/"
    page = client.get(url).content.decode()
    assert 'name="approver_1"' in page and 'name="approver_2"' in page
    chosen = [ezd.sekretarz, ezd.kierownik, ada]
    response = client.post(
        url,
        {"action": "submit", **{f"approver_{n}": u.pk for n, u in enumerate(chosen, start=1)}},
    )
    assert response.status_code == 302
    steps = ApprovalStep.objects.for_unit(ezd.unit).filter(document=document)
    assert [s.approver for s in steps.order_by("position")] == chosen
    assert steps.get(position=1).decision == "pending"


def test_the_same_approver_twice_is_refused_next_to_the_field(client, ezd):
    document = draft(ezd, ezd.referent)
    client.force_login(ezd.referent)
    response = client.post(
        f"/urzad/lubicz/ezd/dokumenty/{document.pk}/",
        {"action": "submit", "approver_1": ezd.kierownik.pk, "approver_2": ezd.kierownik.pk},
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not ApprovalStep.objects.for_unit(ezd.unit).exists()


def test_without_the_rule_an_approver_may_approve_their_own_decision(ezd):
    document = draft(ezd, ezd.kierownik)
    drafting.submit_for_approval(
        actor=actor(ezd.kierownik), unit=ezd.unit, document=document, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=ezd.unit, document=document, approve=True)
    document.refresh_from_db()
    assert document.status == "approved"


@pytest.fixture
def four_eyes(ezd):  # type: ignore[no-untyped-def]
    organisation.set_office_rules(actor=SYSTEM, unit=ezd.unit, four_eyes_decisions=True)


def test_with_the_rule_the_author_cannot_be_on_the_path(ezd, four_eyes):
    document = draft(ezd, ezd.kierownik)
    with pytest.raises(ValidationError) as raised:
        drafting.submit_for_approval(
            actor=actor(ezd.kierownik),
            unit=ezd.unit,
            document=document,
            approvers=[ezd.sekretarz, ezd.kierownik],
        )
    assert "four-eyes" in " ".join(raised.value.message_dict["approvers"])
    document.refresh_from_db()
    assert document.status == "draft" and not ApprovalStep.objects.for_unit(ezd.unit).exists()
    # another official approves it
    drafting.submit_for_approval(
        actor=actor(ezd.kierownik), unit=ezd.unit, document=document, approvers=[ezd.sekretarz]
    )
    drafting.decide(actor=actor(ezd.sekretarz), unit=ezd.unit, document=document, approve=True)
    document.refresh_from_db()
    assert document.status == "approved"


def test_with_the_rule_the_author_cannot_approve_a_decision_already_on_its_way(ezd):
    document = draft(ezd, ezd.kierownik)
    drafting.submit_for_approval(
        actor=actor(ezd.kierownik), unit=ezd.unit, document=document, approvers=[ezd.kierownik]
    )
    organisation.set_office_rules(actor=SYSTEM, unit=ezd.unit, four_eyes_decisions=True)
    events = AuditEvent.objects.for_unit(ezd.unit).count()
    with pytest.raises(ValidationError) as raised:
        drafting.decide(actor=actor(ezd.kierownik), unit=ezd.unit, document=document, approve=True)
    assert "four-eyes" in " ".join(raised.value.messages)
    document.refresh_from_db()
    step = ApprovalStep.objects.for_unit(ezd.unit).get(document=document)
    assert document.status == "in_approval" and step.decision == "pending"
    assert AuditEvent.objects.for_unit(ezd.unit).count() == events


def test_with_the_rule_an_editor_of_the_draft_counts_as_its_author(ezd, four_eyes):
    document = draft(ezd, ezd.referent)
    drafting.update_draft(
        actor=actor(ezd.kierownik), unit=ezd.unit, document=document, title="Decyzja", body="Nowa"
    )
    with pytest.raises(ValidationError):
        drafting.submit_for_approval(
            actor=actor(ezd.referent), unit=ezd.unit, document=document, approvers=[ezd.kierownik]
        )


def test_the_rule_covers_decisions_not_letters(ezd, four_eyes):
    letter = draft(ezd, ezd.kierownik, kind="letter")
    drafting.submit_for_approval(
        actor=actor(ezd.kierownik), unit=ezd.unit, document=letter, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=ezd.unit, document=letter, approve=True)


def test_the_page_shows_the_error_and_changes_nothing(client, ezd, four_eyes):
    document = draft(ezd, ezd.kierownik)
    client.force_login(ezd.kierownik)
    response = client.post(
        f"/urzad/lubicz/ezd/dokumenty/{document.pk}/",
        {"action": "submit", "approver_1": ezd.kierownik.pk},
    )
    assert response.status_code == 200
    assert "zasada czterech oczu" in response.content.decode()
    document.refresh_from_db()
    assert document.status == "draft"


def test_the_organiser_sets_the_rule_on_the_organisation_page(client, ezd):
    client.force_login(ezd.sekretarz)
    url = "/urzad/lubicz/ezd/organizacja/"
    assert 'name="four_eyes_decisions"' in client.get(url).content.decode()
    assert client.post(url, {"action": "rules", "four_eyes_decisions": "on"}).status_code == 302
    assert organisation.office_rules(ezd.unit).four_eyes_decisions
    assert AuditEvent.objects.for_unit(ezd.unit).filter(action="documents.rules.changed").exists()
    client.force_login(ezd.referent)  # no documents.organise
    assert client.post(url, {"action": "rules"}).status_code == 403
    assert organisation.office_rules(ezd.unit).four_eyes_decisions
