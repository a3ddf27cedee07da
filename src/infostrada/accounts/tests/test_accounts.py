import base64
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from infostrada.accounts import permissions, services
from infostrada.accounts.models import ApiClient, Membership, User
from infostrada.accounts.roles import AUDIT_VIEW, MANAGE_MEMBERS, WORKBENCH, Role
from infostrada.audit.context import Actor
from infostrada.audit.models import AuditEvent
from infostrada.testing import DEMO_PASSWORD, official


def _actor(user):
    return services.actor_for_user(user)


def test_roles_grant_permissions_only_in_their_unit(lubicz, nieszawka):
    referent = official(lubicz, Role.CASE_OFFICER)
    admin = official(lubicz, Role.UNIT_ADMIN)
    assert permissions.has_perm(referent, WORKBENCH, lubicz)
    assert not permissions.has_perm(referent, AUDIT_VIEW, lubicz)
    assert permissions.has_perm(admin, AUDIT_VIEW, lubicz)
    assert not permissions.has_perm(admin, AUDIT_VIEW, nieszawka)
    assert not permissions.has_perm(admin, WORKBENCH, nieszawka)


def test_region_admin_acts_everywhere(region, lubicz, nieszawka):
    boss = official(region, Role.REGION_ADMIN)
    assert permissions.has_perm(boss, MANAGE_MEMBERS, nieszawka)
    assert {u.slug for u in permissions.workbench_units(boss)} >= {"lubicz", "wielka-nieszawka"}


def test_services_enforce_permissions_not_only_views(lubicz, nieszawka):
    referent = official(lubicz, Role.CASE_OFFICER)
    admin_b = official(nieszawka, Role.UNIT_ADMIN)
    with pytest.raises(PermissionDenied):
        services.create_official(
            actor=_actor(referent),
            unit=lubicz,
            username="x",
            email="x@example.invalid",
            role=Role.CASE_OFFICER,
        )
    with pytest.raises(PermissionDenied):
        services.set_totp_requirement(actor=_actor(admin_b), unit=lubicz, required=True)
    with pytest.raises(PermissionDenied):
        services.issue_api_client(
            actor=_actor(admin_b), unit=lubicz, name="x", scopes=["audit:read"]
        )
    assert not User.objects.filter(username="x").exists()


def test_unit_admin_cannot_make_a_region_admin(lubicz, region):
    admin = official(lubicz, Role.UNIT_ADMIN)
    target = official(lubicz, Role.CASE_OFFICER)
    with pytest.raises(ValidationError):
        services.grant_membership(
            actor=_actor(admin), unit=lubicz, user=target, role=Role.REGION_ADMIN
        )
    admin_region = official(region, Role.UNIT_ADMIN)
    with pytest.raises(PermissionDenied):
        services.grant_membership(
            actor=_actor(admin_region), unit=region, user=target, role=Role.REGION_ADMIN
        )
    assert not Membership.objects.for_unit(region).filter(user=target).exists()


def test_membership_changes_are_audited(lubicz):
    admin = official(lubicz, Role.UNIT_ADMIN)
    user = services.create_official(
        actor=_actor(admin),
        unit=lubicz,
        username="nowy.referent",
        email="n@example.invalid",
        role=Role.CASE_OFFICER,
    )
    assert not user.has_usable_password()
    actions = list(AuditEvent.objects.for_unit(lubicz).values_list("action", flat=True))
    assert "accounts.official.created" in actions
    assert "accounts.membership.granted" in actions


def test_passwords_are_hashed_with_argon2(lubicz):
    user = official(lubicz, Role.CASE_OFFICER)
    assert user.password.startswith("argon2")


# --- login, throttling, second factor ---------------------------------------


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_and_logout(client, lubicz):
    user = official(lubicz, Role.CASE_OFFICER)
    response = _login(client, user.username, DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("portal:workbench_unit", args=["lubicz"])).status_code == 200
    assert AuditEvent.objects.unscoped("test").filter(action="accounts.login").count() == 1
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("portal:workbench_unit", args=["lubicz"])).status_code == 302


def test_login_is_throttled_after_repeated_failures(client, lubicz, settings):
    user = official(lubicz, Role.CASE_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, user.username, "wrong").status_code == 200
    assert _login(client, user.username, "wrong").status_code == 429
    # even the right password is refused while the lock lasts
    assert _login(client, user.username, DEMO_PASSWORD).status_code == 429


def test_wrong_password_shows_a_form_error(client, lubicz):
    user = official(lubicz, Role.CASE_OFFICER)
    response = _login(client, user.username, "wrong")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def _enrol(user):
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_login_with_a_device_asks_for_the_code(client, lubicz):
    user = official(lubicz, Role.CASE_OFFICER)
    device = _enrol(user)
    response = _login(client, user.username, DEMO_PASSWORD)
    assert response["Location"] == reverse("accounts:otp_verify")
    # not logged in yet
    assert client.get(reverse("portal:workbench_unit", args=["lubicz"])).status_code == 302
    bad = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp backs off after failures
    device.throttle_reset()
    good = client.post(reverse("accounts:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert good.status_code == 302
    assert client.get(reverse("portal:workbench_unit", args=["lubicz"])).status_code == 200


def test_unit_can_make_the_second_factor_mandatory(client, lubicz, mailoutbox):
    admin = official(lubicz, Role.UNIT_ADMIN)
    referent = official(lubicz, Role.CASE_OFFICER)
    services.set_totp_requirement(actor=_actor(admin), unit=lubicz, required=True)
    client.force_login(referent)
    response = client.get(reverse("portal:workbench_unit", args=["lubicz"]))
    assert response["Location"] == reverse("accounts:totp_setup")
    client.post(reverse("accounts:totp_setup"), {"action": "start"})
    page = client.get(reverse("accounts:totp_setup"))
    assert "<svg" in page.content.decode()
    secret = re.search(r'class="secret">([A-Z2-7=]+)<', page.content.decode()).group(1)
    email_code = re.search(r"^(\d{8})$", mailoutbox[0].body, re.M).group(1)
    confirm = client.post(
        reverse("accounts:totp_setup"),
        {"token": f"{totp(base64.b32decode(secret)):06d}", "email_code": email_code},
    )
    assert confirm.status_code == 302
    assert client.get(reverse("portal:workbench_unit", args=["lubicz"])).status_code == 200


def test_password_reset_sends_a_mail(client, lubicz, mailoutbox):
    user = official(lubicz, Role.CASE_OFFICER)
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/konto/haslo/reset/" in mailoutbox[0].body


# --- API clients --------------------------------------------------------------


def test_api_tokens_are_stored_hashed_scoped_and_revocable(client, lubicz):
    admin = official(lubicz, Role.UNIT_ADMIN)
    api_client, token = services.issue_api_client(
        actor=_actor(admin), unit=lubicz, name="System dziedzinowy", scopes=["audit:read"]
    )
    stored = ApiClient.objects.for_unit(lubicz).get()
    assert token not in (stored.token_hash, stored.token_prefix) and len(stored.token_hash) == 64
    url = "/api/v1/units/lubicz/audit-events"
    ok = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    services.revoke_api_client(actor=_actor(admin), client=api_client)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_token_without_the_scope_is_refused(client, lubicz):
    admin = official(lubicz, Role.UNIT_ADMIN)
    _c, token = services.issue_api_client(
        actor=_actor(admin), unit=lubicz, name="Tylko odczyt", scopes=["units:read"]
    )
    response = client.get("/api/v1/units/lubicz/audit-events", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403


def test_unknown_scopes_are_refused(lubicz):
    admin = official(lubicz, Role.UNIT_ADMIN)
    with pytest.raises(ValidationError):
        services.issue_api_client(actor=_actor(admin), unit=lubicz, name="x", scopes=["everything"])
    assert ApiClient.objects.for_unit(lubicz).count() == 0


def test_citizen_with_invalid_pesel_is_refused(db):
    with pytest.raises(ValidationError):
        services.create_citizen(
            actor=Actor.system(),
            username="jan",
            email="j@example.invalid",
            first_name="Jan",
            last_name="K",
            pesel="12345678901",
        )
    assert not User.objects.filter(username="jan").exists()


def test_password_reset_link_uses_the_public_url_not_the_host_header(
    client, lubicz, mailoutbox, settings
):
    """A forged Host (any allowed name, e.g. a unit's own domain) must not reach the link."""
    user = official(lubicz, Role.CASE_OFFICER)
    response = client.post(
        reverse("accounts:password_reset"), {"email": user.email}, HTTP_HOST="localhost:6666"
    )
    assert response.status_code == 302
    body = mailoutbox[0].body
    assert "localhost:6666" not in body
    assert f"{settings.PUBLIC_URL}/konto/haslo/reset/" in body
