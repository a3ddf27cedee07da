"""Tenant isolation across the whole URL and API surface.

Every URL pattern and every API operation is enumerated from the running
configuration, so endpoints added later are covered without touching this
file. An official of unit A, holding every role there and an API token with
every scope, tries to read and change unit B through each of them; B's
private data must never appear and the database must not change. The same
requests against A must work, which shows the test can fail.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLResolver, get_resolver

from infostrada.accounts import services
from infostrada.accounts.roles import API_SCOPES, Role
from infostrada.api import api
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.testing import official

# Django route parameters (<slug:unit_slug>) and ninja path parameters ({slug}).
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\{(?:(\w+):)?(\w+)\}")
SECRETS_OF_B = ["sekretny.urzednik.b", "Klient-B-tajny", "TAJNE-B-MARKER"]
ALL_UNIT_ROLES = [r for r in Role if r != Role.REGION_ADMIN]
# Tables that legitimately change when A merely browses: sessions, login
# throttling, A's own authenticator enrolment.
# A z10 tile over Toruń and its gminy (WebMercatorQuad column, row).
TILE = {"z": 10, "x": 564, "y": 337}
IGNORED_APPS = {"sessions", "axes", "otp_totp", "django_otp", "admin"}


def walk(patterns: list[Any], prefix: str = ""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def fill(route: str, unit_slug: str, ids: dict[str, Any] | None = None) -> str:
    """A concrete URL of ``route`` in one unit; object ids are that unit's objects."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(2) or match.group(4)
        if name in ("unit_slug", "slug"):
            return unit_slug
        if ids is not None and name in ids:
            return str(ids[name])
        if name == "collection_id":
            return f"{unit_slug}.dzialki"
        if name == "tile_matrix_set_id":
            return "WebMercatorQuad"
        if name in TILE:
            return str(TILE[name])
        if name == "uidb64":
            return "MQ"
        if name == "token":
            return "set-password"
        if route.startswith("admin/"):
            return "1"  # Django admin's own ids: superusers only
        raise AssertionError(f"isolation test does not know URL parameter <{name}> in {route}")

    return "/" + PARAM.sub(replace, route)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in IGNORED_APPS:
            continue
        rows = list(model._base_manager.order_by("pk").values())
        for row in rows:
            row.pop("last_login", None)
            row.pop("last_used_at", None)
        state[model._meta.label] = rows
    return state


def ezd_objects(unit, prefix: str, marker: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """An EZD in ``unit`` with one item, case, document, outgoing letter; their ids."""
    from infostrada.documents.models import FileClass
    from infostrada.documents.services import cases, correspondence, dispatch, drafting
    from infostrada.documents.services.correspondence import IncomingData
    from infostrada.documents.services.dispatch import RecipientData
    from infostrada.documents.tests.conftest import actor, setup_unit
    from infostrada.testing import UserFactory

    ezd = setup_unit(unit, prefix)
    item = correspondence.register_incoming(
        actor=actor(ezd.kancelaria),
        unit=unit,
        data=IncomingData(
            channel="paper",
            received_on=datetime.date.today(),
            subject=marker,
            party_kind="institution",
            institution=marker,
        ),
    )
    correspondence.assign(actor=actor(ezd.kancelaria), unit=unit, item=item, department=ezd.ZP)
    case = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6730"),
        title=marker,
        item=item,
    )
    draft = drafting.create_draft(
        actor=actor(ezd.referent), unit=unit, case=case, title=marker, body=marker
    )
    drafting.submit_for_approval(
        actor=actor(ezd.referent), unit=unit, document=draft, approvers=[ezd.kierownik]
    )
    drafting.decide(actor=actor(ezd.kierownik), unit=unit, document=draft, approve=True)
    drafting.sign(actor=actor(ezd.kierownik), unit=unit, document=draft)
    resident = UserFactory(username=f"mieszkaniec.{prefix}", kind="citizen")
    letter = dispatch.dispatch(
        actor=actor(ezd.referent),
        unit=unit,
        document=draft,
        channel="portal",
        recipient=RecipientData(party_kind="institution", institution=marker),
        citizen=resident,
    )
    return {
        **geo_objects(unit, marker),
        "item_id": item.pk,
        "case_id": case.pk,
        "document_id": draft.pk,
        "version": 1,
        "letter_id": letter.pk,
        "transfer_id": _state_transfer(ezd, unit),
    }


def geo_objects(unit, marker: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A public parcel layer with one parcel under a local plan, a private layer named
    ``marker``, and a zoning extract request for the parcel."""
    from shapely.geometry import box

    from infostrada.audit.context import Actor
    from infostrada.geo import services as geo
    from infostrada.geo import services_extract as se
    from infostrada.geo.models import Parcel, Plan, PlanZone

    system = Actor.system()
    ident = f"{unit.teryt[:6]}_{unit.teryt[6]}.0001.1"
    shape = box(475_000, 575_000, 475_100, 575_100)
    with transaction.atomic():
        parcels = geo.create_layer(actor=system, unit=unit, slug="dzialki", title="Działki")
        fid = geo.store_features(parcels, [(ident, {}, shape)]).feature_ids[ident]
        Parcel.objects.create(
            unit=unit, feature_id=fid, identifier=ident, precinct=ident[:13], number="1"
        )
        zones = geo.create_layer(actor=system, unit=unit, slug="mpzp", title="MPZP")
        plan = Plan.objects.create(
            unit=unit, kind="local", app_id=f"PL-{unit.slug}", title="MPZP", layer=zones
        )
        zid = geo.store_features(zones, [("1MN", {"symbol": "1MN"}, shape)]).feature_ids["1MN"]
        PlanZone.objects.create(
            unit=unit, plan=plan, feature_id=zid, symbol="1MN", designation="MN"
        )
        private = geo.create_layer(
            actor=system, unit=unit, slug="wewnetrzna", title=marker, is_public=False
        )
        geo.store_features(private, [(marker, {"name": marker}, shape)])
    request = se.request_extract(
        unit=unit,
        applicant=se.Applicant(
            first_name="Jan",
            last_name="Kowalski",
            street="ul. Toruńska 5",
            postal_code="87-162",
            city="Lubicz",
            email="jan@example.invalid",
        ),
        parcels=[ident],
        kind="wypis",
        purpose="Sprzedaż",
        source_id=f"iso-{unit.slug}",
    )
    return {
        "feature_id": ident,
        "identifier": ident,
        "request_id": request.item.pk,
        "layer_slug": "wewnetrzna",  # the GIS operator's delete-layer page
    }


def _state_transfer(ezd, unit) -> int:  # type: ignore[no-untyped-def]
    """A state-archive transfer of another (category A) case, with its package."""
    from infostrada.documents.models import FileClass
    from infostrada.documents.services import archive, cases
    from infostrada.documents.tests.conftest import actor

    kept = cases.open_case(
        actor=actor(ezd.referent),
        unit=unit,
        department=ezd.ZP,
        file_class=FileClass.objects.for_unit(unit).get(symbol="6721"),
        title="Plan miejscowy",
    )
    cases.close_case(actor=actor(ezd.referent), unit=unit, case=kept, note="Uchwalono")
    handed = archive.transfer_to_office_archive(
        actor=actor(ezd.referent), unit=unit, department=ezd.ZP, cases=[kept]
    )
    archive.confirm_transfer(
        actor=actor(ezd.archiwista), unit=unit, transfer=handed, reference="AZ-1"
    )
    sent = archive.export_to_state_archive(
        actor=actor(ezd.archiwista), unit=unit, cases=[kept], receiver="Archiwum Państwowe"
    )
    return sent.pk


@pytest.fixture
def world(region, lubicz, nieszawka, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    a_ids = ezd_objects(lubicz, "lubicz", "Sprawa-A-jawna")
    b_ids = ezd_objects(nieszawka, "nieszawka", "TAJNE-B-MARKER")
    a_official = official(lubicz, *ALL_UNIT_ROLES, username="urzednik.a")
    assert not a_official.is_staff
    b_admin = official(nieszawka, Role.UNIT_ADMIN, username="sekretny.urzednik.b")
    actor_b = services.actor_for_user(b_admin)
    b_client, _ = services.issue_api_client(
        actor=actor_b, unit=nieszawka, name="Klient-B-tajny", scopes=sorted(API_SCOPES)
    )
    services.set_totp_requirement(actor=actor_b, unit=nieszawka, required=False)
    with transaction.atomic():
        audit.record(Actor.system(), nieszawka, "test.secret", changes={"m": "TAJNE-B-MARKER"})
    _c, a_token = services.issue_api_client(
        actor=services.actor_for_user(a_official),
        unit=lubicz,
        name="Klient A",
        scopes=sorted(API_SCOPES),
    )
    b_membership = nieszawka.memberships.first()
    return {
        "a": lubicz,
        "b": nieszawka,
        "a_ids": a_ids,
        "b_ids": b_ids,
        "official": a_official,
        "token": a_token,
        "post": {
            "action": "create",
            "new-username": "intruz",
            "new-first_name": "I",
            "new-last_name": "Z",
            "new-email": "i@example.invalid",
            "new-role": "case_officer",
            "grant-username": "urzednik.a",
            "grant-role": "unit_admin",
            "membership": str(b_membership.pk),
            "client": str(b_client.pk),
            "require_totp": "on",
            "client-name": "x",
            "client-scopes": "audit:read",
            "email": "x@example.invalid",
            "language": "en",
            "token": "123456",
        },
    }


def _assert_no_secrets(response, where: str) -> None:
    body = response.content.decode(errors="replace")
    for secret in SECRETS_OF_B:
        assert secret not in body, f"{where} shows {secret!r} of another unit"


def test_every_view_declares_its_access(db):
    undeclared = [
        route
        for route, p in walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/v1/"))
        and getattr(p.callback, "infostrada_access", None) not in ("public", "account", "workbench")
    ]
    assert undeclared == [], f"views without an access declaration: {undeclared}"


def test_pages_of_another_unit_cannot_be_read_or_changed(client, world):
    client.force_login(world["official"])
    checked = 0
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith("api/v1/"):
            continue  # the API is enumerated operation by operation below
        access = getattr(pattern.callback, "infostrada_access", "admin")
        url_b = fill(route, world["b"].slug, world["b_ids"])
        before = snapshot()
        for method in ("get", "post"):
            response = getattr(client, method)(
                url_b, data=world["post"] if method == "post" else None
            )
            where = f"{method.upper()} {url_b}"
            if access == "workbench" and "unit_slug" in route:
                assert response.status_code in (403, 404), f"{where}: {response.status_code}"
            else:  # public, account and Django admin pages (officials are never staff)
                assert response.status_code < 500, f"{where}: {response.status_code}"
                _assert_no_secrets(response, where)
            client.force_login(world["official"])  # a logout view may have ended the session
        assert snapshot() == before, f"{route} changed data while acting on another unit"
        checked += 1
    assert checked >= 15


def test_the_same_pages_work_for_the_officials_own_unit(client, world):
    """The positive control: what is refused for B is served for A."""
    client.force_login(world["official"])
    for route, pattern in walk(get_resolver().url_patterns):
        if (
            getattr(pattern.callback, "infostrada_access", None) == "workbench"
            and "unit_slug" in route
        ):
            url = fill(route, world["a"].slug, world["a_ids"])
            assert client.get(url).status_code == 200, url


def _api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield (prefix.rstrip("/") + path), method, operation


def test_api_operations_of_another_unit_cannot_be_read_or_changed(client, world):
    checked = 0
    for path, method, operation in _api_operations():
        url_b = "/api/v1" + fill(path.lstrip("/"), world["b"].slug, world["b_ids"])
        public = not operation.auth_callbacks
        for credentials in ("token", "session"):
            client.logout()
            headers = {}
            if credentials == "token":
                headers["HTTP_AUTHORIZATION"] = f"Bearer {world['token']}"
            else:
                client.force_login(world["official"])
            before = snapshot()
            response = client.generic(
                method,
                url_b,
                data='{"email": "x@example.invalid"}',
                content_type="application/json",
                **headers,
            )
            where = f"{method} {url_b} with {credentials}"
            assert response.status_code < 500, where
            assert response.status_code != 404 or "{slug}" in path, f"{where}: no such path"
            if not public and "{slug}" in path:
                assert response.status_code in (403, 404), f"{where}: {response.status_code}"
            _assert_no_secrets(response, where)
            assert snapshot() == before, f"{where} changed data of another unit"
            checked += 1
    assert checked >= 10


def test_the_same_api_operations_work_for_the_own_unit(client, world):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world['token']}"}
    for path, method, _operation in _api_operations():
        url = "/api/v1" + fill(path.lstrip("/"), world["a"].slug, world["a_ids"])
        response = client.generic(
            method,
            url,
            data='{"email": "a@example.invalid"}',
            content_type="application/json",
            **headers,
        )
        where = f"{method} {url}: {response.status_code}"
        if method == "GET":
            assert response.status_code == 200, where
        else:
            # A write with a placeholder body reaches validation: allowed, then refused
            # for its content (or done), but never "not yours" or "not found".
            assert response.status_code < 500 and response.status_code not in (401, 403, 404), where
