"""Login throttling on top of django-axes: who the client is, and two budgets.

* **username + address** (axes' ``AXES_LOCKOUT_PARAMETERS``): five wrong
  passwords for one login from one address lock that pair. There is no
  username-only lock, so a stranger elsewhere cannot lock a named official
  out of their account with five requests.
* **address across usernames** (this module's handler): password spraying
  tries one or two passwords on many logins, which the pair budget never sees;
  ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address, whatever the
  logins, lock the address for the cool-off time.

The client address is what axes' ``AXES_CLIENT_IP_CALLABLE`` hook returns:
the connecting address, or, only when that is one of the configured trusted
proxies, the nearest untrusted hop of ``X-Forwarded-For``. Anyone can send
the header, so believing it from everyone would let an attacker pick a new
address per request and escape both budgets (or frame someone else's).
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.cache
def _networks(values: tuple[str, ...]) -> list[Network]:
    # settings.py has already refused entries that do not parse
    return [ipaddress.ip_network(value, strict=False) for value in values]


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [IPv6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address, networks: list[Network]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client as far as trusted proxies vouch for it.

    ``X-Forwarded-For`` is read right to left (each proxy appends the address
    it received from); the first hop that is not a trusted proxy is the
    client. A malformed hop ends the walk at the last address we can trust.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler with a second budget: failures per address, any username.

    axes compares one number (the failures of the request's lockout groups)
    with one limit; a spraying address that spent its own budget reports the
    limit, so axes' usual lock-out path (429 page, signal, cool-off) applies.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address:
            spent = address_failures(address, since=_cool_off_threshold(request))
            if spent >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
                return max(failures, get_failure_limit(request, credentials))
        return failures


def _cool_off_threshold(request: HttpRequest) -> Any:
    from axes.attempts import get_cool_off_threshold

    return get_cool_off_threshold(request) if settings.AXES_COOLOFF_TIME else None


def address_failures(address: str, *, since: Any = None) -> int:
    """Failed logins from ``address`` over every username within the cool-off window."""
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if since is not None:
        attempts = attempts.filter(attempt_time__gte=since)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
