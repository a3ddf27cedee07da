"""Enrolling an authenticator app without letting a password holder hijack it.

When a unit makes the second factor mandatory, whoever logs in first with an
official's password would, in a naive flow, bind *their* phone to the
official's account for good (trust on first use). So an enrolment here is:

* **bound to one session**: the candidate secret lives only in that session
  (server-side session store), never in a shared unconfirmed device row that a
  second session would be shown and the real official would later confirm;
* **bound to the account, not to the password**: it is confirmed by the code
  of the new app *and* a one-time code e-mailed to the address the unit
  administrator registered for the official, so a password alone is not enough;
* **short-lived and tried a few times**: 15 minutes, five wrong attempts, then
  it must be started again (a new secret, a new e-mail);
* **refused once a confirmed device exists**: replacing a device goes through
  the unit administrator (the second factor of an account is never re-enrolled
  with a password alone).

A password-only login of an official who must enrol gets no authenticated
session: only this pending state, which the setup page alone accepts.
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.oath import TOTP
from django_otp.util import random_hex

SESSION_KEY = "infostrada_totp_enrolment"
LIFETIME_SECONDS = 15 * 60
MAX_ATTEMPTS = 5
EMAIL_CODE_DIGITS = 8


def _digest(user_id: int, code: str) -> str:
    return salted_hmac("infostrada.totp-enrolment", f"{user_id}:{code}").hexdigest()


@dataclass
class Enrolment:
    """One session's attempt to enrol an authenticator app for one user."""

    user_id: int
    key: str  # hex, as django-otp stores it
    email_code_digest: str
    started_at: float
    attempts: int = 0

    @classmethod
    def start(cls, user_id: int) -> tuple[Enrolment, str]:
        """A fresh secret and e-mail code; the code is returned once, to be sent."""
        code = f"{secrets.randbelow(10**EMAIL_CODE_DIGITS):0{EMAIL_CODE_DIGITS}d}"
        enrolment = cls(
            user_id=user_id,
            key=random_hex(20),
            email_code_digest=_digest(user_id, code),
            started_at=time.time(),
        )
        return enrolment, code

    @classmethod
    def load(cls, session: SessionBase, user_id: int) -> Enrolment | None:
        """This session's live enrolment for ``user_id``, or None."""
        data: Any = session.get(SESSION_KEY)
        if not isinstance(data, dict) or data.get("user_id") != user_id:
            return None
        try:
            enrolment = cls(**data)
        except TypeError:
            return None
        if enrolment.expired or enrolment.attempts >= MAX_ATTEMPTS:
            return None
        return enrolment

    @property
    def expired(self) -> bool:
        return time.time() - self.started_at > LIFETIME_SECONDS

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.key)

    @property
    def base32_key(self) -> str:
        return base64.b32encode(self.bin_key).decode()

    def save(self, session: SessionBase) -> None:
        session[SESSION_KEY] = asdict(self)

    @staticmethod
    def discard(session: SessionBase) -> None:
        session.pop(SESSION_KEY, None)

    def email_code_matches(self, code: str) -> bool:
        return constant_time_compare(self.email_code_digest, _digest(self.user_id, code.strip()))

    def totp_step(self, token: str) -> int | None:
        """The time step the new app's code belongs to, or None if it is wrong.

        django-otp's default tolerance of one step either way; the step is kept
        on the device so that the same code cannot be replayed at the next login.
        """
        try:
            value = int(token)
        except ValueError:
            return None
        totp = TOTP(self.bin_key, step=30, t0=0, digits=6, drift=0)
        totp.time = time.time()
        return totp.t() if totp.verify(value, tolerance=1) else None
