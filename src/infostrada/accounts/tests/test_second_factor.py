"""Enrolling the second factor: a QR code that scans, and no hijack by a password holder."""

import re
from urllib.parse import quote

import segno
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from infostrada.accounts import services
from infostrada.accounts.roles import Role
from infostrada.audit.models import AuditEvent
from infostrada.testing import DEMO_PASSWORD, official

SETUP = reverse("accounts:totp_setup")


def _secret(page) -> str:
    return re.search(r'<code class="secret">([A-Z2-7=]+)</code>', page.content.decode()).group(1)


def _start(client):
    """Ask for the setup (a POST sends the e-mail), then open the page with the QR code."""
    client.post(SETUP, {"action": "start"})
    return client.get(SETUP)


def _code(secret: str) -> str:
    import base64

    return f"{totp(base64.b32decode(secret)):06d}"


def _mailed_code(mailoutbox) -> str:
    return re.search(r"^\s*(\d{8})\s*$", mailoutbox[-1].body, re.M).group(1)


def _svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's SVG path (``M x y`` / ``m dx dy`` / ``h n``)."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:  # a horizontal run of n dark modules on row y - 0.5
            n = float(a)
            for i in range(int(n)):
                dark.add((int(x) + i, int(y - 0.5)))
            x += n
    return dark


def test_the_qr_code_scales_and_carries_the_otpauth_uri(client, lubicz, settings):
    user = official(lubicz, Role.CASE_OFFICER)
    client.force_login(user)
    page = _start(client)
    body = page.content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", body, re.S).group(0)
    secret = _secret(page)
    uri = (
        f"otpauth://totp/{quote(settings.OTP_TOTP_ISSUER + ':' + user.username)}"
        f"?secret={secret}&algorithm=SHA1&digits=6&period=30&issuer={settings.OTP_TOTP_ISSUER}"
    )
    expected = segno.make(uri, error="m")
    size = expected.symbol_size(scale=1)[0]  # modules including the quiet zone
    opening = svg[: svg.index(">")]
    # A viewBox in module units and no fixed size: CSS scales it instead of cutting it off.
    assert f'viewBox="0 0 {size} {size}"' in opening
    assert "width=" not in opening and "height=" not in opening
    # Decode the drawn modules and compare with the code of the expected URI.
    border = (size - len(expected.matrix)) // 2
    wanted = {
        (col + border, row + border)
        for row, line in enumerate(expected.matrix)
        for col, bit in enumerate(line)
        if bit
    }
    assert _svg_modules(svg) == wanted


def test_a_password_holder_cannot_enrol_an_app_for_the_official(
    client, lubicz, mailoutbox, django_user_model
):
    admin = official(lubicz, Role.UNIT_ADMIN)
    victim = official(lubicz, Role.CASE_OFFICER)
    services.set_totp_requirement(actor=services.actor_for_user(admin), unit=lubicz, required=True)
    # The intruder knows the password and logs in first.
    login = client.post(
        reverse("accounts:login"), {"username": victim.username, "password": DEMO_PASSWORD}
    )
    assert login["Location"] == SETUP
    # The password alone opens no session.
    workbench = client.get(reverse("portal:workbench_unit", args=["lubicz"]))
    assert workbench.status_code == 302 and "logowanie" in workbench["Location"]
    page = _start(client)
    secret = _secret(page)
    # The app's code is not enough: the one-time code went to the official's mailbox.
    assert mailoutbox[-1].to == [victim.email]
    for guess in ("00000000", "12345678"):
        client.post(SETUP, {"token": _code(secret), "email_code": guess})
    assert not TOTPDevice.objects.filter(user=victim).exists()
    assert client.get(reverse("portal:workbench_unit", args=["lubicz"])).status_code == 302


def test_each_session_gets_its_own_secret(client, lubicz, mailoutbox):
    """An intruder's secret is never the one the official later confirms."""
    from django.test import Client

    victim = official(lubicz, Role.CASE_OFFICER)
    intruder = Client()
    intruder.force_login(victim)
    intruder_secret = _secret(_start(intruder))
    client.force_login(victim)
    own_secret = _secret(_start(client))
    assert own_secret != intruder_secret
    response = client.post(
        SETUP, {"token": _code(own_secret), "email_code": _mailed_code(mailoutbox)}
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=victim)
    assert device.confirmed and _secret_of(device) == own_secret
    # the intruder's session cannot confirm its own secret any more
    intruder.post(
        SETUP, {"token": _code(intruder_secret), "email_code": _mailed_code(mailoutbox[:1])}
    )
    assert TOTPDevice.objects.filter(user=victim).count() == 1


def _secret_of(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode()


def test_the_official_enrols_with_both_codes_after_the_password(client, lubicz, mailoutbox):
    admin = official(lubicz, Role.UNIT_ADMIN)
    user = official(lubicz, Role.CASE_OFFICER)
    services.set_totp_requirement(actor=services.actor_for_user(admin), unit=lubicz, required=True)
    client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    secret = _secret(_start(client))
    wrong = client.post(SETUP, {"token": "000000", "email_code": _mailed_code(mailoutbox)})
    assert wrong.status_code == 200 and "error-summary" in wrong.content.decode()
    token = _code(secret)
    done = client.post(SETUP, {"token": token, "email_code": _mailed_code(mailoutbox)})
    assert done.status_code == 302
    assert client.get(reverse("portal:workbench_unit", args=["lubicz"])).status_code == 200
    assert AuditEvent.objects.unscoped("test").filter(action="accounts.totp.enrolled").count() == 1
    # the code used for enrolment cannot be replayed at the next login
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    replay = client.post(reverse("accounts:otp_verify"), {"token": token})
    assert replay.status_code == 200


def test_wrong_attempts_end_the_enrolment(client, lubicz, mailoutbox):
    user = official(lubicz, Role.CASE_OFFICER)
    client.force_login(user)
    first = _secret(_start(client))
    for _ in range(5):
        client.post(SETUP, {"token": _code(first), "email_code": "00000000"})
    again = client.get(SETUP)  # the enrolment is over: only the start button
    assert "secret" not in again.content.decode()
    second = _secret(_start(client))
    assert second != first and len(mailoutbox) == 2
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_no_enrolment_over_a_confirmed_device_without_its_code(client, lubicz):
    user = official(lubicz, Role.CASE_OFFICER)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    login = client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD}
    )
    assert login["Location"] == reverse("accounts:otp_verify")
    assert client.get(SETUP).status_code == 302  # no setup page, no new secret
    # a session that somehow holds the password only (e.g. from before the device)
    client.force_login(user)
    response = client.post(SETUP, {"token": "123456", "email_code": "12345678"})
    assert response["Location"] == reverse("accounts:otp_verify")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_opening_the_page_sends_nothing(client, lubicz, mailoutbox):
    """A GET (a link followed, a prefetch, a crawler) makes no secret and sends no e-mail."""
    client.force_login(official(lubicz, Role.CASE_OFFICER))
    page = client.get(SETUP)
    assert page.status_code == 200 and "<svg" not in page.content.decode()
    assert mailoutbox == []


def test_an_account_without_e_mail_cannot_enrol(client, lubicz, mailoutbox):
    user = official(lubicz, Role.CASE_OFFICER)
    user.email = ""
    user.save(update_fields=["email"])
    client.force_login(user)
    page = _start(client)
    assert page.status_code == 200 and "<svg" not in page.content.decode()
    assert mailoutbox == []


def _staff(lubicz):
    user = official(lubicz, Role.CASE_OFFICER)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_the_admin_needs_the_second_factor(client, lubicz):
    staff = _staff(lubicz)
    client.force_login(staff)  # a password-only session
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain and "/admin/" not in response.redirect_chain[-1][0]
    assert client.get("/admin/accounts/user/").status_code == 302
    # the admin's own login form does not let a password through either
    client.logout()
    login = client.post(
        "/admin/login/", {"username": staff.username, "password": DEMO_PASSWORD}, follow=True
    )
    assert not login.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 302


def test_the_admin_refuses_officials_who_are_not_staff(client, lubicz, mailoutbox):
    client.force_login(official(lubicz, Role.UNIT_ADMIN))
    assert client.get("/admin/", follow=True).status_code == 403
    assert mailoutbox == []


def test_the_admin_opens_after_the_second_factor(client, lubicz):
    staff = _staff(lubicz)
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": staff.username, "password": DEMO_PASSWORD})
    client.post(reverse("accounts:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/admin/").status_code == 200
