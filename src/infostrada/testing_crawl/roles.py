"""Who the crawl is: anonymous, a citizen, every demo official role and the region administrator.

Logins come from ``<DATA_DIR>/demo-credentials.json`` as ``seed-demo`` wrote it.
A session logs in through the login form, as a person does, and switches
language through the site's language form (the ``django_language`` cookie).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from infostrada.testing_crawl import pages
from infostrada.testing_crawl.crawler import TIMEOUT, new_session

ANONYMOUS = "anonymous"
CITIZEN = "citizen"
REGION_ADMIN = "region_admin"


@dataclass(frozen=True)
class Person:
    role: str  # "anonymous", "citizen", a Role value, or "region_admin"
    username: str = ""
    password: str = ""

    @property
    def label(self) -> str:
        return f"{self.role} ({self.username})" if self.username else self.role


def load_credentials(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / "demo-credentials.json").read_text(encoding="utf-8"))


def people(credentials: dict[str, Any], unit: str) -> list[Person]:
    """Anonymous, the first citizen, each official role of ``unit``, the region administrator."""
    found = [Person(ANONYMOUS)]
    citizen = credentials["citizens"][0]
    found.append(Person(CITIZEN, citizen["username"], citizen["password"]))
    for role, login in credentials["units"][unit]["officials"].items():
        found.append(Person(role, login["username"], login["password"]))
    admin = credentials["region_admin"]
    found.append(Person(REGION_ADMIN, admin["username"], admin["password"]))
    return found


class LoginFailed(Exception):
    pass


def log_in(base_url: str, person: Person) -> tuple[requests.Session, str]:
    """A session for ``person`` and the URL the login led to ('' for anonymous)."""
    session = new_session()
    if not person.username:
        return session, ""
    url = f"{base_url}/konto/logowanie/"
    response = session.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    form = next(
        f
        for f in pages.forms(pages.parse(response.content), url)
        if f.method == "post" and f.value("username") is not None
    )
    data = dict(form.fields) | {"username": person.username, "password": person.password}
    response = session.post(form.action, data=data, timeout=TIMEOUT, headers={"Referer": url})
    landed = response.url
    if response.status_code != 200 or "/konto/logowanie/" in landed:
        raise LoginFailed(f"{person.label} could not log in ({response.status_code} at {landed})")
    if "/konto/weryfikacja/" in landed:
        raise LoginFailed(f"{person.label} is asked for a second factor the demo does not have")
    return session, landed


def switch_language(base_url: str, session: requests.Session, lang: str) -> None:
    """Send the header's language form, as a person does (it sets the language cookie)."""
    url = f"{base_url}/"
    response = session.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    doc = pages.parse(response.content)
    form = next(f for f in pages.forms(doc, url) if f.value("language") is not None)
    data = [(k, v) for k, v in form.fields if k != "language"] + [("language", lang)]
    response = session.post(form.action, data=data, timeout=TIMEOUT, headers={"Referer": url})
    response.raise_for_status()
    got = pages.parse(response.content).get("lang")
    if got != lang:
        raise LoginFailed(f"the language form did not switch to {lang} (the page is {got!r})")
