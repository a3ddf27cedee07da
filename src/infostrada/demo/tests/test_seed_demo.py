import json

import pytest
from django.core.management import call_command

from infostrada.accounts.models import ApiClient, Membership, User
from infostrada.accounts.roles import Role
from infostrada.accounts.services import authenticate_token
from infostrada.audit.models import AuditEvent
from infostrada.demo.seed import make_pesel, write_credentials
from infostrada.portal.tests.test_isolation import snapshot
from infostrada.tenancy.models import Unit

DEMO_TERC = {"04", "0461011", "0463011", "0415", "0415042", "0415082", "0403022"}


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_seed_demo_builds_the_region_and_is_idempotent(data_dir, client):
    call_command("seed_demo")
    assert set(Unit.objects.values_list("teryt", flat=True)) >= DEMO_TERC
    assert Unit.objects.count() > 100  # the whole województwo from the TERC extract
    assert Unit.objects.filter(kind="partner").count() == 1
    creds = json.loads((data_dir / "demo-credentials.json").read_text())
    assert len(creds["units"]) == len(DEMO_TERC) + 1
    lubicz = creds["units"]["lubicz"]
    assert set(lubicz["officials"]) == {r.value for r in Role if r != Role.REGION_ADMIN}
    assert lubicz["citizen"]["username"]
    assert authenticate_token(lubicz["api_token"]).unit.slug == "lubicz"
    # the logins in the file really work
    login = lubicz["officials"]["case_officer"]
    response = client.post(
        "/konto/logowanie/", {"username": login["username"], "password": login["password"]}
    )
    assert response.status_code == 302

    before = snapshot()
    file_before = (data_dir / "demo-credentials.json").read_text()
    call_command("seed_demo")
    after = snapshot()
    for label in ("axes.AccessAttempt", "axes.AccessLog"):
        before.pop(label, None)
        after.pop(label, None)
    assert after == before, "a second seed-demo changed the database"
    assert (data_dir / "demo-credentials.json").read_text() == file_before
    call_command("audit_verify")


@pytest.mark.django_db
def test_seed_demo_scale_adds_synthetic_data_once(data_dir):
    call_command("seed_demo", "--scale", "1")
    officials = User.objects.filter(username__startswith="synt.").count()
    events = AuditEvent.objects.unscoped("test").filter(action="synthetic.event").count()
    assert officials == 100
    assert events >= 9_990
    call_command("seed_demo", "--scale", "1")
    assert User.objects.filter(username__startswith="synt.").count() == officials
    assert AuditEvent.objects.unscoped("test").filter(action="synthetic.event").count() == events
    assert (
        Membership.objects.unscoped("test").filter(user__username__startswith="synt.").count()
        == 100
    )
    assert ApiClient.objects.unscoped("test").count() == len(DEMO_TERC) + 1
    call_command("audit_verify")


def test_demo_pesel_numbers_are_valid():
    from stdnum.pl import pesel

    assert pesel.is_valid(make_pesel((1980, 5, 14), 1, 1))
    assert pesel.is_valid(make_pesel((2001, 2, 27), 3, 0))
    assert pesel.get_birth_date(make_pesel((2001, 2, 27), 3, 0)).year == 2001


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "9000"}, "http://127.0.0.1:9000"),
        ({}, "http://127.0.0.1:8000"),
        ({"INFOSTRADA_BIND": "0.0.0.0:8123", "PORT": "9000"}, "http://127.0.0.1:8123"),
        ({"INFOSTRADA_PUBLIC_URL": "https://demo.example.invalid", "PORT": "9000"}, None),
    ],
)
def test_credentials_name_the_address_served(data_dir, settings, monkeypatch, env, expected):
    """`PORT=9000 make demo` serves on 9000: the credentials file must say so (it said 8000)."""
    for name in ("PORT", "INFOSTRADA_BIND", "INFOSTRADA_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if "INFOSTRADA_PUBLIC_URL" in env:
        settings.PUBLIC_URL = expected = env["INFOSTRADA_PUBLIC_URL"]
    write_credentials({"units": {}})
    assert json.loads((data_dir / "demo-credentials.json").read_text())["base_url"] == expected
