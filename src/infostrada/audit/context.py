"""Who is acting and in which request: passed explicitly to every service."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "infostrada_request_id", default=""
)


@dataclass(frozen=True)
class Actor:
    """The one who performs a service operation.

    ``kind`` is ``user`` (an official or a citizen), ``api_client`` (an
    integrator's token) or ``system`` (a command, a job). ``user`` is the
    Django user object where there is one, so that permission checks need no
    second look-up; it is not stored in the audit log (``id`` and ``name`` are).
    """

    kind: str
    id: str
    name: str
    user: object | None = field(default=None, compare=False, repr=False)
    api_client: object | None = field(default=None, compare=False, repr=False)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(kind="system", id="", name=name)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(kind="anonymous", id="", name="")
