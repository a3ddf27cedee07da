"""Who may settle correspondence, and who may read a unit's case files (issue 8).

Accepting an assignment and settling a letter without a case are EZD work: a
role without EZD rights (the BIP editor, the GIS operator) may not do them,
even as a member of the department the letter was routed to. The region
administrator runs the installation but reads a unit's case files only with
a role in that unit.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from infostrada.accounts.roles import Role
from infostrada.documents.models import Assignment, IncomingItem
from infostrada.documents.services import correspondence, organisation
from infostrada.testing import official

from .conftest import SYSTEM, actor, open_case, register

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[Role.BIP_EDITOR, Role.GIS_OPERATOR])
def outsider(request, ezd):  # type: ignore[no-untyped-def]
    """An official of the unit without EZD rights, working in the planning department."""
    user = official(ezd.unit, request.param, username=f"lubicz.{request.param}")
    organisation.add_member(actor=SYSTEM, unit=ezd.unit, department=ezd.ZP, user=user)
    return user


def routed_to_planning(ezd) -> IncomingItem:  # type: ignore[no-untyped-def]
    item = register(ezd, "Zapytanie o plan")
    correspondence.assign(actor=actor(ezd.kancelaria), unit=ezd.unit, item=item, department=ezd.ZP)
    return item


def test_an_official_without_ezd_rights_cannot_accept_or_settle(ezd, outsider):
    item = routed_to_planning(ezd)
    pending = Assignment.objects.for_unit(ezd.unit).get(item=item)
    with pytest.raises(PermissionDenied):
        correspondence.accept_assignment(actor=actor(outsider), unit=ezd.unit, assignment=pending)
    with pytest.raises(PermissionDenied):
        correspondence.mark_done(actor=actor(outsider), unit=ezd.unit, item=item, note="spam")
    item.refresh_from_db()
    pending.refresh_from_db()
    assert item.status == "assigned" and pending.status == "pending" and item.assignee is None


def test_the_pages_refuse_accept_and_done_without_ezd_rights(client, ezd, outsider):
    item = routed_to_planning(ezd)
    client.force_login(outsider)
    url = f"/urzad/lubicz/ezd/wplywy/{item.pk}/"
    page = client.get(url).content.decode()
    assert 'value="accept"' not in page and 'value="done"' not in page
    for action in ("accept", "done"):
        assert client.post(url, {"action": action, "note": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "assigned" and item.assignee is None
    # the case officer of the department still can
    client.force_login(ezd.referent)
    assert client.post(url, {"action": "accept"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "accepted" and item.assignee == ezd.referent


def test_an_assignment_names_only_an_official_who_may_handle_it(ezd):
    bip = official(ezd.unit, Role.BIP_EDITOR, username="lubicz.bip")
    item = register(ezd)
    with pytest.raises(Exception) as raised:
        correspondence.assign(actor=actor(ezd.kancelaria), unit=ezd.unit, item=item, assignee=bip)
    assert "assignee" in raised.value.message_dict  # type: ignore[attr-defined]
    assert not Assignment.objects.for_unit(ezd.unit).exists()


@pytest.fixture
def region_admin(region):  # type: ignore[no-untyped-def]
    return official(region, Role.REGION_ADMIN, username="region.admin")


def test_the_region_administrator_does_not_read_case_files(client, ezd, region_admin):
    item = register(ezd, "Wniosek o warunki zabudowy")
    case = open_case(ezd, title="Warunki zabudowy, działka 12", item=item)
    client.force_login(region_admin)
    base = "/urzad/lubicz/ezd/"
    assert client.get(f"{base}sprawy/{case.pk}/").status_code == 404
    assert client.get(f"{base}wplywy/{item.pk}/").status_code == 404
    listing = client.get(f"{base}sprawy/").content.decode()
    assert case.signature not in listing
    assert case.signature not in client.get(f"{base}sprawy/?q=zabudowy").content.decode()
    assert "Wniosek o warunki zabudowy" not in client.get(f"{base}wplywy/").content.decode()
    assert client.get(f"{base}kancelaria/").status_code == 403
    assert client.get(f"{base}wysylka/").status_code == 403
    # the API, with the same session
    api = "/api/v1/units/lubicz"
    assert client.get(f"{api}/cases/{case.pk}").status_code == 404
    assert client.get(f"{api}/incoming-items/{item.pk}").status_code == 404
    cases = client.get(f"{api}/cases")
    assert cases.status_code == 200 and cases.json()["items"] == []
    assert client.get(f"{api}/cases?q=zabudowy").json()["items"] == []
    assert client.get(f"{api}/incoming-items").json()["items"] == []
    # the unit's audit trail and members remain the administrator's to see
    assert client.get("/urzad/lubicz/audyt/").status_code == 200


def test_the_region_administrator_with_a_role_in_the_unit_reads_as_that_role(
    client, ezd, region_admin
):
    case = open_case(ezd, title="Warunki zabudowy")
    official(ezd.unit, Role.SECRETARY, username="region.admin")
    client.force_login(region_admin)
    assert client.get(f"/urzad/lubicz/ezd/sprawy/{case.pk}/").status_code == 200
    assert client.get(f"/api/v1/units/lubicz/cases/{case.pk}").status_code == 200


def test_the_chancellery_gets_no_link_to_a_case_file_it_cannot_open(client, ezd):
    """The letter's page names its case; the link is there only for those who may open it.

    Found by the CI crawl: the chancellery followed links to case files that
    answer 404 (a dead end) from the letter's page.
    """
    item = register(ezd, subject="Pismo do sprawy")
    case = open_case(ezd, item=item, title="Sprawa z pisma")
    case_url = f"/urzad/lubicz/ezd/sprawy/{case.pk}/"
    client.force_login(ezd.kancelaria)
    assert client.get(case_url).status_code == 404
    page = client.get(f"/urzad/lubicz/ezd/wplywy/{item.pk}/").content.decode()
    assert case.signature in page and case_url not in page
    client.force_login(ezd.referent)
    page = client.get(f"/urzad/lubicz/ezd/wplywy/{item.pk}/").content.decode()
    assert case_url in page
