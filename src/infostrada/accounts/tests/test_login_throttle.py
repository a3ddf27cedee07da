"""Login throttling: per login+address, per address over any logins, real client address."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from infostrada.accounts.roles import Role
from infostrada.accounts.throttle import client_address
from infostrada.testing import DEMO_PASSWORD, official

LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    """Dozens of logins: a cheap hash keeps the test quick (argon2 is tested elsewhere)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_a_stranger_cannot_lock_an_official_out(client, lubicz, settings):
    """Five wrong passwords from elsewhere lock the stranger's address, not the account."""
    user = official(lubicz, Role.CASE_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, user.username, "wrong", "203.0.113.9")
    assert _post(client, user.username, DEMO_PASSWORD, "203.0.113.9").status_code == 429
    assert _post(client, user.username, DEMO_PASSWORD, "198.51.100.7").status_code == 302


def test_password_spraying_from_one_address_locks_the_address(client, lubicz, settings):
    """One wrong password on many logins: each pair stays under its budget, the address not."""
    user = official(lubicz, Role.CASE_OFFICER)
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        assert _post(client, f"urzednik.{n}", "Lato2026!", "203.0.113.66").status_code == 200
    # the failure that spends the budget is answered with the lock, as axes does
    assert _post(client, "ostatni.login", "Lato2026!", "203.0.113.66").status_code == 429
    # the address is locked whatever the login, even with a right password
    assert _post(client, user.username, DEMO_PASSWORD, "203.0.113.66").status_code == 429
    assert _post(client, "kolejny.login", "Lato2026!", "203.0.113.66").status_code == 429
    # other clients are not affected
    assert _post(client, user.username, DEMO_PASSWORD, "198.51.100.7").status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_lock(client, lubicz, settings):
    user = official(lubicz, Role.CASE_OFFICER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post(client, user.username, "wrong", "203.0.113.9", forwarded=f"192.0.2.{n}")
    response = _post(client, user.username, DEMO_PASSWORD, "203.0.113.9", forwarded="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(client, lubicz, settings):
    """Without the proxy setting every client of a proxy shared one address and one lock."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    user = official(lubicz, Role.CASE_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, user.username, "wrong", "10.0.0.2", forwarded="203.0.113.9")
    assert (
        _post(client, user.username, DEMO_PASSWORD, "10.0.0.2", forwarded="203.0.113.9")
    ).status_code == 429
    ok = _post(client, user.username, DEMO_PASSWORD, "10.0.0.2", forwarded="198.51.100.7")
    assert ok.status_code == 302


def _address(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_client_address_believes_only_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::1"]
    # an untrusted peer: its own address, whatever it claims
    assert _address("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    # through a trusted proxy: the hop it received from
    assert _address("10.0.0.2", "203.0.113.5") == "203.0.113.5"
    # a client's own forged entry on the left is ignored
    assert _address("10.0.0.2", "1.2.3.4, 203.0.113.5") == "203.0.113.5"
    # two trusted proxies in a row
    assert _address("10.0.0.2", "203.0.113.5, 10.1.1.1") == "203.0.113.5"
    assert _address("2001:db8::1", "[2001:db8::77]:5555") == "2001:db8::77"
    # a malformed hop stops at the last address vouched for
    assert _address("10.0.0.2", "203.0.113.5, garbage") == "10.0.0.2"
    assert _address("10.0.0.2") == "10.0.0.2"
    settings.TRUSTED_PROXIES = []
    assert _address("10.0.0.2", "203.0.113.5") == "10.0.0.2"
