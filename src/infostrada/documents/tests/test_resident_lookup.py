"""Party and dispatch forms find one resident's account by PESEL or e-mail, never list them.

Before, both forms sent every resident of the region to any official's
browser as a select; now the official types an identifier they already have
and gets exactly that account, or nothing.
"""

from __future__ import annotations

import pytest

from infostrada.accounts.models import Citizen
from infostrada.documents.models import CaseParty, Document
from infostrada.documents.services import drafting
from infostrada.testing import UserFactory

from .conftest import actor, open_case

pytestmark = pytest.mark.django_db

PESEL = "44051401458"  # valid checksum
FULLWIDTH_PESEL = PESEL.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})


@pytest.fixture
def residents(ezd):  # type: ignore[no-untyped-def]
    """Three residents with accounts; one of them has a PESEL on file."""
    zofia = UserFactory(
        username="zofia.sekretna",
        kind="citizen",
        first_name="Zofia",
        last_name="Sekretna",
        email="zofia.sekretna@example.invalid",
    )
    Citizen.objects.create(user=zofia, pesel=PESEL)
    UserFactory(username="piotr.ukryty", kind="citizen", first_name="Piotr", last_name="Ukryty")
    UserFactory(
        username="ewa.niewidoczna", kind="citizen", first_name="Ewa", last_name="Niewidoczna"
    )
    return zofia


def case_page(ezd) -> str:  # type: ignore[no-untyped-def]
    case = open_case(ezd, symbol="6730")
    return f"/urzad/lubicz/ezd/sprawy/{case.pk}/"


def test_the_case_and_document_pages_list_no_residents(client, ezd, residents):
    url = case_page(ezd)
    case_id = int(url.rstrip("/").rsplit("/", 1)[1])
    draft = drafting.create_draft(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        case=ezd.unit.cases.get(pk=case_id),
        title="Decyzja",
        kind=Document.Kind.DECISION,
        body="Treść",
    )
    client.force_login(ezd.referent)
    for page_url in (url, f"/urzad/lubicz/ezd/dokumenty/{draft.pk}/"):
        page = client.get(page_url).content.decode()
        for name in ("Sekretna", "Ukryty", "Niewidoczna", "Kowalski"):
            assert name not in page, (page_url, name)
        assert 'name="citizen"' not in page
        assert 'name="account"' in page  # the form asks for an identifier instead


@pytest.mark.parametrize(
    "query",
    [PESEL, FULLWIDTH_PESEL, " 440514 01458 ", "ZOFIA.SEKRETNA@example.invalid"],
)
def test_an_exact_pesel_or_e_mail_finds_the_one_account(client, ezd, residents, query):
    url = case_page(ezd)
    client.force_login(ezd.referent)
    page = client.get(url, {"resident": query}).content.decode()
    assert "Zofia Sekretna" in page
    assert 'value="Sekretna"' in page  # the party form is filled in
    assert "Ukryty" not in page and "Niewidoczna" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("44051401459", "not a valid PESEL"),  # checksum wrong
        ("4405140", "not a valid PESEL"),  # a prefix is no PESEL
        ("02070803628", "exactly this PESEL"),  # valid, but nobody has it
        ("zofia.sekretna", "not a valid PESEL"),  # a partial e-mail is neither
        ("sekretna@example.invalid", "exactly this PESEL"),  # not the whole address
        ("%@example.invalid", "e-mail"),
    ],
)
def test_anything_but_an_exact_match_finds_nobody(client, ezd, residents, query, message):
    url = case_page(ezd)
    client.force_login(ezd.referent)
    with_english = {"resident": query}
    page = client.get(url, with_english, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sekretna" not in page
    assert "field-error" in page


def test_the_party_form_attaches_the_account_it_names(client, ezd, residents):
    url = case_page(ezd)
    client.force_login(ezd.referent)
    form = {
        "action": "party",
        "role": "party",
        "party_kind": "person",
        "first_name": "Zofia",
        "last_name": "Sekretna",
        "account": residents.email,
    }
    assert client.post(url, form).status_code == 302
    party = CaseParty.objects.for_unit(ezd.unit).get(last_name="Sekretna")
    assert party.citizen == residents
    # an identifier nobody has is refused at the field and adds nothing
    response = client.post(url, form | {"last_name": "Inna", "account": "02070803628"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not CaseParty.objects.for_unit(ezd.unit).filter(last_name="Inna").exists()


def test_the_addressee_form_delivers_to_the_account_it_names(client, ezd, residents):
    url = case_page(ezd)
    case_id = int(url.rstrip("/").rsplit("/", 1)[1])
    draft = drafting.create_draft(
        actor=actor(ezd.referent),
        unit=ezd.unit,
        case=ezd.unit.cases.get(pk=case_id),
        title="Decyzja",
        kind=Document.Kind.DECISION,
        body="Treść",
    )
    client.force_login(ezd.referent)
    doc_url = f"/urzad/lubicz/ezd/dokumenty/{draft.pk}/"
    page = client.get(doc_url, {"resident": PESEL}).content.decode()
    assert 'value="Sekretna"' in page and f'value="{PESEL}"' in page
    response = client.post(
        doc_url,
        {
            "action": "addressee",
            "list_kind": "recipient",
            "channel": "portal",
            "party_kind": "person",
            "first_name": "Zofia",
            "last_name": "Sekretna",
            "account": PESEL,
        },
    )
    assert response.status_code == 302
    from infostrada.documents.models import DistributionEntry

    entry = DistributionEntry.objects.for_unit(ezd.unit).get(document=draft)
    assert entry.citizen == residents and entry.channel == "portal"
