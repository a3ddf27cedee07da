"""Identifiers, postal codes and dates at the EZD's doors (infostrada.normalisers)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from infostrada.accounts.services import issue_api_client
from infostrada.documents.forms import OpenCaseForm, RegisterIncomingForm
from infostrada.documents.models import Case, CaseParty, Department, FileClass, IncomingItem
from infostrada.documents.services import cases

from .conftest import SYSTEM, actor

pytestmark = pytest.mark.django_db

PESEL = "44051401359"


def wide(text: str) -> str:
    """ASCII digits and dashes as their fullwidth forms (U+FF10..U+FF19, U+FF0D)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "-" else c for c in text)


def _letter(unit, **fields):
    data = {
        "channel": "paper",
        "received_on": str(timezone.localdate()),
        "subject": "Wniosek",
        "party_kind": "person",
        "last_name": "Kowalski",
        **fields,
    }
    return RegisterIncomingForm(data, unit=unit)


def test_the_letter_form_folds_fullwidth_digits(ezd):
    form = _letter(
        ezd.unit,
        pesel=wide(PESEL),
        nip=wide("123-456-32-18"),
        postal_code=wide("87100"),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["pesel"] == PESEL
    assert form.cleaned_data["nip"] == "1234563218"
    assert form.cleaned_data["postal_code"] == "87-100"


def test_the_letter_form_says_what_is_wrong(ezd):
    form = _letter(ezd.unit, pesel="44051401358", postal_code="871-00")
    assert not form.is_valid()
    assert set(form.errors) == {"pesel", "postal_code"}


def _post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def rw(ezd):
    _c, token = issue_api_client(
        actor=SYSTEM, unit=ezd.unit, name="ERP", scopes=["documents:read", "documents:write"]
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_api_stores_identifiers_in_their_normal_form(client, ezd, rw):
    body = {
        "department": "ZP",
        "file_class": "6727",
        "title": "Wypis",
        "parties": [
            {
                "party_kind": "person",
                "last_name": "Nowak",
                "pesel": wide(PESEL),
                "postal_code": "87100",
                "ade_address": "ae:pl-12345-67890-abcde-12",
            }
        ],
    }
    response = _post(client, "/api/v1/units/lubicz/cases", body, rw)
    assert response.status_code == 201, response.content
    party = CaseParty.objects.for_unit(ezd.unit).get()
    assert (party.pesel, party.postal_code, party.ade_address) == (
        PESEL,
        "87-100",
        "AE:PL-12345-67890-ABCDE-12",
    )


def test_the_api_refuses_a_bad_polish_postal_code(client, ezd, rw):
    body = {
        "department": "ZP",
        "file_class": "6727",
        "title": "Wypis",
        "parties": [{"party_kind": "person", "last_name": "Nowak", "postal_code": "ABC"}],
    }
    response = _post(client, "/api/v1/units/lubicz/cases", body, rw)
    assert response.status_code == 422
    assert "NN-NNN" in response.content.decode()
    assert not Case.objects.for_unit(ezd.unit).exists()


FAR = datetime.date(9999, 12, 31)


def test_a_far_future_deadline_is_a_clear_error_not_a_500_later(ezd):
    """9999-12-31 was accepted; resuming after a suspension then overflowed (a 500)."""
    with pytest.raises(ValidationError) as caught:
        cases.open_case(
            actor=actor(ezd.referent),
            unit=ezd.unit,
            department=ezd.ZP,
            file_class=FileClass.objects.for_unit(ezd.unit).get(symbol="6730"),
            title="WZ",
            deadline_kind="custom",
            custom_deadline=FAR,
        )
    assert "custom_deadline" in caught.value.message_dict
    assert not Case.objects.for_unit(ezd.unit).exists()


def test_the_api_answers_422_for_a_far_future_deadline(client, ezd, rw):
    body = {
        "department": "ZP",
        "file_class": "6727",
        "title": "Wypis",
        "deadline_kind": "custom",
        "custom_deadline": str(FAR),
    }
    response = _post(client, "/api/v1/units/lubicz/cases", body, rw)
    assert response.status_code == 422
    assert "custom_deadline" in response.content.decode()


def test_the_case_form_refuses_a_far_future_deadline(ezd):
    form = OpenCaseForm(
        {
            "department": ezd.ZP.pk,
            "file_class": FileClass.objects.for_unit(ezd.unit).get(symbol="6730").pk,
            "title": "WZ",
            "deadline_kind": "custom",
            "custom_deadline": str(FAR),
        },
        unit=ezd.unit,
        departments=Department.objects.for_unit(ezd.unit),
    )
    assert not form.is_valid() and "custom_deadline" in form.errors
    assert IncomingItem.objects.for_unit(ezd.unit).count() == 0
