"""The main forms, sent through the pages as the people who use them.

1. a zoning-extract request at ``/<unit>/geoportal/wypis/``, by an anonymous
   visitor and by a logged-in citizen (both steps: the fee, then the request);
2. a paper letter registered at the chancellery desk, with a PDF scan;
3. a letter drafted in the demo case by the case officer, sent for approval,
   approved, sealed and dispatched to the citizen's portal account.

Each step reads the form from the page (its hidden fields, CSRF token and
defaults), fills in what a person types, and posts it. A 5xx, a form sent
back with errors, or a page that lacks the form the role should have is a
failure with the page it was on.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from infostrada.testing_crawl import pages
from infostrada.testing_crawl.crawler import TIMEOUT, Failure, Shared, status_problem

FormPick = Callable[[pages.Form], bool]


class StepFailed(Exception):
    pass


@dataclass
class Actor:
    role: str
    session: requests.Session


def has_field(name: str, value: str | None = None) -> FormPick:
    def pick(form: pages.Form) -> bool:
        found = form.value(name)
        return found is not None and (value is None or found == value)

    return pick


def has_file_input(form: pages.Form) -> bool:
    return bool(form.files)


def choose(form: pages.Form, name: str, label: str) -> str:
    """The value of the option of select ``name`` whose text contains ``label``."""
    assert form.element is not None
    for select in form.element.iter("select"):
        if select.get("name") == name:
            for option in select.iter("option"):
                if label.lower() in (option.text or "").lower():
                    return option.get("value") or ""
    raise StepFailed(f"no option {label!r} in the field {name!r}")


def get(actor: Actor, url: str) -> tuple[requests.Response, Any]:
    response = actor.session.get(url, timeout=TIMEOUT)
    problem = status_problem(response.status_code) or (
        None if response.status_code == 200 else f"answered {response.status_code}"
    )
    if problem:
        raise StepFailed(f"{url}: {problem}")
    return response, pages.parse(response.content)


def submit(
    actor: Actor,
    url: str,
    pick: FormPick,
    fill: Callable[[pages.Form], dict[str, Any]] | None = None,
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> tuple[requests.Response, Any]:
    """Send the form of page ``url`` chosen by ``pick``, with ``fill`` over its defaults."""
    _response, doc = get(actor, url)
    candidates = [f for f in pages.forms(doc, url) if f.method == "post" and pick(f)]
    if not candidates:
        raise StepFailed(f"{url}: the form is not on the page for {actor.role}")
    form = candidates[0]
    values: dict[str, Any] = {}
    for key, value in form.fields:
        values.setdefault(key, value)
    overrides = fill(form) if fill else {}
    values.update(overrides)
    data = [(k, v) for k, v in values.items() if not isinstance(v, list)]
    data += [(k, item) for k, v in values.items() if isinstance(v, list) for item in v]
    response = actor.session.post(
        form.action,
        data=data,
        files=files or ({"_": ("", b"", "application/octet-stream")} if form.files else None),
        timeout=TIMEOUT,
        headers={"Referer": url},
    )
    problem = status_problem(response.status_code)
    if problem:
        raise StepFailed(f"POST {form.action}: {problem}")
    result = pages.parse(response.content)
    if response.status_code == 200 and not response.history:
        errors = pages.visible_errors(result)
        if errors:
            raise StepFailed(f"POST {form.action} was refused: {' / '.join(errors)}")
    return response, result


def parcel_in(actor: Actor, base_url: str, unit: str, query: str) -> str:
    """The identifier of the first parcel the geoportal's search finds for ``query``."""
    url = f"{base_url}/{unit}/geoportal/szukaj/?q={quote(query)}"
    _response, doc = get(actor, url)
    prefix = f"/{unit}/geoportal/dzialki/"
    for link in pages.links(doc, url):
        path = urlsplit(link).path
        if path.startswith(prefix) and path.count("/") == 5:
            return path[len(prefix) :].strip("/").replace("-", "/")
    raise StepFailed(f"{url}: the search finds no parcel")


def request_extract(actor: Actor, base_url: str, unit: str, parcel: str) -> str:
    url = f"{base_url}/{unit}/geoportal/wypis/"
    applicant = {
        "parcels": parcel,
        "purpose": "Crawl: sprawdzenie wniosku",
        "first_name": "Jan",
        "last_name": "Kowalski",
        "street": "ul. Polna 3",
        "postal_code": "87-162",
        "city": "Lubicz",
    }

    def fill(form: pages.Form) -> dict[str, Any]:
        # a logged-in resident finds their data filled in: keep what the page offers
        return {k: v for k, v in applicant.items() if not (form.value(k) or "").strip()}

    response, doc = submit(actor, url, has_field("parcels"), fill)
    # step two: the page shows the fee and the "Submit the request" button
    confirm = [
        f
        for f in pages.forms(doc, response.url)
        if f.method == "post" and ("action", "submit") in f.submits
    ]
    if not confirm:
        raise StepFailed(f"{response.url}: no 'submit the request' step after the fee")
    form = confirm[0]
    data = [(k, v) for k, v in form.fields if k != "action"] + [("action", "submit")]
    response = actor.session.post(
        form.action, data=data, timeout=TIMEOUT, headers={"Referer": response.url}
    )
    problem = status_problem(response.status_code)
    if problem or not response.history:
        errors = pages.visible_errors(pages.parse(response.content))
        raise StepFailed(f"POST {form.action}: {problem or 'not accepted'} {errors}")
    return response.url


def scan_pdf() -> bytes:
    """A one-page PDF, as a scanner would produce (the upload check reads the content)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Pismo testowe (crawl): wniosek o informacje.")
    pdf.save()
    return buffer.getvalue()


def register_letter(actor: Actor, base_url: str, unit: str) -> str:
    url = f"{base_url}/urzad/{unit}/ezd/kancelaria/"

    def fill(form: pages.Form) -> dict[str, Any]:
        return {
            "channel": "paper",
            "received_on": datetime.date.today().isoformat(),
            "party_kind": "person",
            "first_name": "Maria",
            "last_name": "Nowak",
            "street": "ul. Lipowa 7",
            "postal_code": "87-162",
            "city": "Lubicz",
            "subject": "Crawl: prośba o informację o terminach odbioru odpadów",
            "attachments_note": "1 mapa",
        }

    response, _doc = submit(
        actor,
        url,
        has_file_input,
        fill,
        files={"files": ("skan.pdf", scan_pdf(), "application/pdf")},
    )
    if not response.history:
        raise StepFailed(f"POST {url}: the letter was not registered")
    return response.url


def draft_and_dispatch(
    base_url: str,
    unit: str,
    officer: Actor,
    approvers: list[Actor],
    dispatchers: list[Actor],
    citizen_pesel: str,
) -> str:
    """Draft in the demo case, approve, seal and send; returns the document's URL.

    Whoever is offered a step's form on the document page takes it: the draft
    goes to the first approver the form lists, the chancellery or the case
    officer sends it, depending on who may see the case.
    """
    cases_url = f"{base_url}/urzad/{unit}/ezd/sprawy/"
    _response, doc = get(officer, cases_url)
    case_links = [
        link
        for link in pages.links(doc, cases_url)
        if urlsplit(link).path.rstrip("/").split("/")[-1].isdigit()
        and "/ezd/sprawy/" in urlsplit(link).path
    ]
    if not case_links:
        raise StepFailed(f"{cases_url}: the case officer sees no case")
    draft_url = case_links[-1].rstrip("/") + "/projekt/"
    response, _doc = submit(
        officer,
        draft_url,
        has_field("title"),
        lambda form: {"title": "Crawl: odpowiedź na pismo", "body": "Uprzejmie informuję..."},
    )
    document_url = response.url
    submit(
        officer,
        document_url,
        has_field("action", "submit"),
        lambda form: {"approver_1": _first_option(form, "approver_1")},
    )
    decide = has_field("action", "decide")
    decider = _offered(approvers, document_url, decide, "nobody is asked to approve the draft")
    submit(decider, document_url, decide, lambda f: {"decision": "approve"})
    sign = has_field("action", "sign")
    signer = _offered(approvers, document_url, sign, "nobody may seal the approved draft")
    submit(signer, document_url, sign)

    def recipient(form: pages.Form) -> dict[str, Any]:
        return {
            "list_kind": "recipient",
            "channel": "portal",
            "account": citizen_pesel,
            "party_kind": "person",
            "first_name": "Jan",
            "last_name": "Kowalski",
            "street": "ul. Polna 3",
            "postal_code": "87-162",
            "city": "Lubicz",
        }

    # The distribution list first (one addressee: the resident's portal
    # account), then one dispatch of everyone on it.
    add = has_field("action", "addressee")
    sender = _offered(dispatchers, document_url, add, "nobody may address the sealed letter")
    submit(sender, document_url, add, recipient)
    submit(sender, document_url, has_field("action", "dispatch"))
    return document_url


def _first_option(form: pages.Form, name: str) -> str:
    assert form.element is not None
    for select in form.element.iter("select"):
        if select.get("name") == name:
            for option in select.iter("option"):
                if option.get("value"):
                    return option.get("value") or ""
    raise StepFailed(f"the field {name!r} offers nobody")


def _has_form(actor: Actor, url: str, pick: FormPick) -> bool:
    """Whether ``actor`` is offered the form (a document they may not see is a 404: no)."""
    response = actor.session.get(url, timeout=TIMEOUT)
    if response.status_code == 404:
        return False
    if response.status_code != 200:
        raise StepFailed(f"{url}: answered {response.status_code} to {actor.role}")
    doc = pages.parse(response.content)
    return any(f.method == "post" and pick(f) for f in pages.forms(doc, url))


def _offered(actors: list[Actor], url: str, pick: FormPick, nobody: str) -> Actor:
    for actor in actors:
        if _has_form(actor, url, pick):
            return actor
    raise StepFailed(f"{url}: {nobody}")


def run_step(shared: Shared, role: str, name: str, step: Callable[[], str]) -> str | None:
    """Run one scripted write; a failure is recorded, not raised (the next steps still run)."""
    try:
        result = step()
    except (StepFailed, requests.RequestException) as error:
        shared.fail(Failure(role, "pl", name, None, None, f"scripted write failed: {error}"))
        return None
    print(f"  {name} as {role}: done ({result})", flush=True)
    return result
