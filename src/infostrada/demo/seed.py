"""Seeding the demo region: idempotent, through the services where they exist."""

from __future__ import annotations

import datetime
import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from stdnum.pl import pesel as stdnum_pesel

from infostrada.accounts import services as accounts
from infostrada.accounts.models import ApiClient, Citizen, Membership, User
from infostrada.accounts.roles import API_SCOPES, Role
from infostrada.audit.context import Actor
from infostrada.cli import served_address
from infostrada.demo import region
from infostrada.demo.names import person
from infostrada.portal.models import AccessibilityStatement
from infostrada.tenancy import services as tenancy
from infostrada.tenancy.models import Unit

TERC_FILE = Path(tenancy.__file__).parent / "data" / "terc_04_kujawsko_pomorskie.csv"
CREDENTIALS = "demo-credentials.json"
SYSTEM = Actor.system("seed-demo")


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / CREDENTIALS


def load_credentials() -> dict[str, Any]:
    path = credentials_path()
    if path.exists():
        try:
            return json.loads(path.read_text())
        except ValueError:
            return {}
    return {}


def make_pesel(born: tuple[int, int, int], serial: int, male: int) -> str:
    year, month, day = born
    month_code = month + (20 if year >= 2000 else 0)
    digits = f"{year % 100:02d}{month_code:02d}{day:02d}{serial:03d}{(serial % 5) * 2 + male}"
    return digits + stdnum_pesel.calc_check_digit(digits)


def seed_units(log: Any) -> list[Unit]:
    with TERC_FILE.open(encoding="utf-8") as stream:
        report = tenancy.import_terc(actor=SYSTEM, stream=stream, voivodeship="04")
    log(
        f"units: {len(report.created)} created, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged"
    )
    units = []
    for code, (address, mail) in region.DEMO_UNITS.items():
        unit = Unit.objects.get(teryt=code)
        tenancy.update_contact(
            actor=SYSTEM,
            unit=unit,
            address=address,
            email=f"kancelaria@{mail}.{region.DEMO_EMAIL_DOMAIN}",
            ade_address=f"AE:PL-{code.ljust(7, '0')[:5]}-{code.ljust(7, '0')[5:]}000-DEMOA-01",
        )
        units.append(unit)
    partner = Unit.objects.filter(slug=region.PARTNER["slug"]).first()
    if partner is None:
        partner = tenancy.create_partner(
            actor=SYSTEM,
            parent=Unit.objects.get(teryt="04"),
            email=f"sekretariat@kpodr.{region.DEMO_EMAIL_DOMAIN}",
            **region.PARTNER,
        )
    units.append(partner)
    for unit in units:
        if not AccessibilityStatement.objects.for_unit(unit).exists():
            default = AccessibilityStatement.default_for(unit)
            default.contact_email = unit.email
            default.architecture = (
                "Wejście do budynku urzędu jest na poziomie chodnika; w budynku jest winda "
                "i toaleta dostosowana. Przy wejściu jest miejsce parkingowe dla osób z "
                "niepełnosprawnościami. Można wejść z psem asystującym."
            )
            with transaction.atomic():
                default.save()
    return units


def known_passwords(creds: Any) -> dict[str, str]:
    """username -> password from an earlier credentials file (keeps re-runs idempotent)."""
    found: dict[str, str] = {}
    if isinstance(creds, dict):
        if isinstance(creds.get("username"), str) and isinstance(creds.get("password"), str):
            found[creds["username"]] = creds["password"]
        for value in creds.values():
            found.update(known_passwords(value))
    elif isinstance(creds, list):
        for value in creds:
            found.update(known_passwords(value))
    return found


def seed_people(units: list[Unit], creds: dict[str, Any], log: Any) -> dict[str, Any]:
    passwords: dict[str, str] = {}
    known = known_passwords(creds)
    out: dict[str, Any] = {"units": {}, "region_admin": None, "citizens": []}
    region_unit = Unit.objects.get(teryt="04")

    def ensure_user(login: str, first: str, last: str, unit: Unit, role: str) -> None:
        password = known.get(login) or secrets.token_urlsafe(12)
        user = User.objects.filter(username=login).first()
        if user is None:
            user = User.objects.create_user(
                username=login,
                first_name=first,
                last_name=last,
                kind=User.Kind.OFFICIAL,
                email=f"{login}@{region.DEMO_EMAIL_DOMAIN}",
                password=password,
            )
        elif login not in known:
            user.set_password(password)
            user.save(update_fields=["password"])
        passwords[login] = password
        if not Membership.objects.for_unit(unit).filter(user=user, role=role).exists():
            accounts.grant_membership(actor=SYSTEM, unit=unit, user=user, role=role)

    ensure_user("region.admin", "Regina", "Regionalna", region_unit, Role.REGION_ADMIN)
    out["region_admin"] = {"username": "region.admin", "password": passwords["region.admin"]}
    for index, unit in enumerate(units):
        entry: dict[str, Any] = {"name": unit.official_name, "teryt": unit.teryt, "officials": {}}
        for offset, (role, part) in enumerate(region.ROLE_LOGINS.items()):
            login = f"{unit.slug}.{part}"
            first, last, _female = person(index * len(region.ROLE_LOGINS) + offset)
            ensure_user(login, first, last, unit, role)
            entry["officials"][role] = {"username": login, "password": passwords[login]}
        entry["api_token"] = _api_token(unit, creds)
        out["units"][unit.slug] = entry
    for serial, (login, first, last, born, male) in enumerate(region.CITIZENS, start=1):
        password = known.get(login) or secrets.token_urlsafe(12)
        user = User.objects.filter(username=login).first()
        if user is None:
            citizen = accounts.create_citizen(
                actor=SYSTEM,
                username=login,
                email=f"{login}@{region.DEMO_EMAIL_DOMAIN}",
                first_name=first,
                last_name=last,
                pesel=make_pesel(born, serial, male),
            )
            user = citizen.user
            user.set_password(password)
            user.save(update_fields=["password"])
        elif login not in known:
            user.set_password(password)
            user.save(update_fields=["password"])
        passwords[login] = password
        out["citizens"].append(
            {"username": login, "password": password, "pesel": Citizen.objects.get(user=user).pesel}
        )
    # Every demo unit shares the citizen logins: residents are not bound to a unit.
    for entry in out["units"].values():
        entry["citizen"] = {k: out["citizens"][0][k] for k in ("username", "password")}
    log(f"people: {len(passwords)} demo accounts")
    return out


def _api_token(unit: Unit, creds: dict[str, Any]) -> str:
    known = creds.get("units", {}).get(unit.slug, {}).get("api_token")
    if known and accounts.authenticate_token(known) is not None:
        return known
    for old in ApiClient.objects.for_unit(unit).filter(
        name="Demo integrator", revoked_at__isnull=True
    ):
        accounts.revoke_api_client(actor=SYSTEM, client=old)
    _client, token = accounts.issue_api_client(
        actor=SYSTEM, unit=unit, name="Demo integrator", scopes=sorted(API_SCOPES)
    )
    return token


def served_url() -> str:
    """Where the demo is reached: ``INFOSTRADA_PUBLIC_URL`` if set, else what ``serve`` binds.

    ``make demo`` passes its ``PORT`` to ``seed-demo`` as to ``serve``, so that
    ``PORT=9000 make demo`` writes ``http://127.0.0.1:9000`` (it wrote 8000).
    """
    if os.environ.get("INFOSTRADA_PUBLIC_URL"):
        return str(settings.PUBLIC_URL).rstrip("/")
    host, port = served_address()
    # listening on every interface: this machine answers on loopback too
    if host in ("0.0.0.0", "::"):  # noqa: S104 — compared, not bound
        host = "127.0.0.1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def write_credentials(data: dict[str, Any]) -> Path:
    path = credentials_path()
    data = {"generated": datetime.date.today().isoformat(), "base_url": served_url(), **data}
    old = load_credentials()
    old.pop("generated", None)
    if {k: v for k, v in data.items() if k != "generated"} == old:
        return path  # unchanged: keep the file (and its date) as it is
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    return path
