"""What the crawler reads in one HTML page: its links, its forms, and what needs JavaScript.

Pure functions over an lxml tree, so that the rules can be tested on small
pages without a server (``portal/tests/test_crawl.py``).

A page *needs JavaScript to be reached or used* when, with scripts off, a
visible part of it offers something that only a script can do:

- a link that goes nowhere: ``href=""``, ``href="#"`` or ``href="javascript:..."``;
- a link to ``#fragment`` that names no element of the page;
- a ``<button type="button">`` (it does nothing without a script);
- an inline event handler (``onclick=...``): the action lives in a script;
- a form with fields to fill in but no submit control (only a script can send it);
- a page whose body has no text once scripts are off (its content is drawn
  by a script, and no ``<noscript>`` says what to do instead).

"Visible" means not inside an element with the ``hidden`` attribute or a
``<template>``: progressive enhancement shows script-only tools by removing
``hidden`` from a script (the geoportal's map tools do), which is fine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html
from lxml.html import HtmlElement

SCRIPT_ONLY_HREF = ("javascript:",)
SUBMIT_TYPES = ("submit", "image")


@dataclass
class Form:
    """A form as a browser would send it with its defaults (nothing typed in)."""

    action: str  # absolute URL
    method: str  # "get" or "post"
    fields: list[tuple[str, str]]  # name, value; the first submit button's own pair included
    enctype: str = "application/x-www-form-urlencoded"
    files: list[str] = field(default_factory=list)  # names of <input type=file>
    submits: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    element: HtmlElement | None = None

    def value(self, name: str) -> str | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def get_url(self) -> str:
        """The URL a browser opens when this GET form is sent as it is."""
        scheme, netloc, path, _query, _fragment = urlsplit(self.action)
        return urlunsplit((scheme, netloc, path, urlencode(self.fields), ""))


def parse(content: bytes | str) -> HtmlElement:
    """The page's tree; links stay as written (``href="#"`` must stay visible as such)."""
    return lxml_html.document_fromstring(content)


def shown(element: HtmlElement) -> bool:
    """False inside ``hidden`` or ``<template>``: scripts reveal those, the page does not."""
    for node in (element, *element.iterancestors()):
        if not isinstance(node.tag, str):
            continue
        if node.get("hidden") is not None or node.tag == "template":
            return False
    return True


def links(doc: HtmlElement, url: str) -> list[str]:
    """Every URL the page at ``url`` points to: a/area/link href, script/img/iframe src."""
    found: list[str] = []
    for element in doc.iter("a", "area", "link"):
        href = (element.get("href") or "").strip()
        if href and not href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
            found.append(urljoin(url, href))
    for element in doc.iter("script", "img", "iframe", "source"):
        src = (element.get("src") or "").strip()
        if src and not src.lower().startswith("data:"):
            found.append(urljoin(url, src))
    return found


def forms(doc: HtmlElement, url: str) -> list[Form]:
    return [_form(element, url) for element in doc.iter("form")]


def _form(element: HtmlElement, url: str) -> Form:
    action = (element.get("action") or "").strip() or url
    method = (element.get("method") or "get").strip().lower()
    fields: list[tuple[str, str]] = []
    files: list[str] = []
    submits: list[tuple[str, str]] = []
    for control in element.iter("input", "select", "textarea", "button"):
        name = control.get("name")
        kind = (control.get("type") or "").lower()
        if control.get("disabled") is not None:
            continue
        if control.tag == "button" or kind in SUBMIT_TYPES:
            if (control.tag != "button" or kind in ("", "submit")) and name:
                submits.append((name, control.get("value") or ""))
            continue
        if not name:
            continue
        if control.tag == "select":
            options = control.findall(".//option")
            chosen = [o for o in options if o.get("selected") is not None]
            if control.get("multiple") is not None:
                fields.extend((name, _option_value(o)) for o in chosen)
            elif chosen or options:
                fields.append((name, _option_value((chosen or options)[0])))
        elif control.tag == "textarea":
            fields.append((name, control.text or ""))
        elif kind in ("checkbox", "radio"):
            if control.get("checked") is not None:
                fields.append((name, control.get("value") or "on"))
        elif kind == "file":
            files.append(name)
        elif kind not in ("reset",):
            fields.append((name, control.get("value") or ""))
    if submits:
        fields.append(submits[0])
    return Form(
        action=urljoin(url, action),
        method="post" if method == "post" else "get",
        fields=fields,
        enctype=(element.get("enctype") or "application/x-www-form-urlencoded").lower(),
        files=files,
        submits=submits,
        element=element,
    )


def _option_value(option: HtmlElement) -> str:
    value = option.get("value")
    return value if value is not None else (option.text or "").strip()


def needs_javascript(doc: HtmlElement, url: str) -> list[str]:
    """What on this page only works with a script (the rules in the module docstring)."""
    problems: list[str] = []
    ids = {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")}
    ids |= {e.get("name") for e in doc.iter("a") if e.get("name")}
    for a in doc.iter("a"):
        href = a.get("href")
        if href is None or not shown(a):
            continue
        raw = href.strip()
        label = _label(a)
        fragment = raw.split("#", 1)[1] if "#" in raw else None
        if raw.lower().startswith(SCRIPT_ONLY_HREF) or (fragment == "" and _same_page(raw, url)):
            problems.append(f"link {label!r} goes nowhere without JavaScript (href={raw!r})")
        elif fragment and _same_page(raw, url) and fragment not in ids:
            problems.append(f"link {label!r} points to #{fragment}, which is not on the page")
    for button in doc.iter("button"):
        if (button.get("type") or "").lower() == "button" and shown(button):
            problems.append(f"button {_label(button)!r} works only with JavaScript")
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        handlers = [k for k in element.attrib if k.lower().startswith("on")]
        if handlers and shown(element):
            problems.append(f"<{element.tag}> has an inline script handler ({handlers[0]})")
    for form in doc.iter("form"):
        if shown(form) and _fillable(form) and not _has_submit(form):
            problems.append(
                f"form {form.get('id') or form.get('action') or ''!r} has no submit button"
            )
    body = doc.find("body")
    if body is not None and not _visible_text(body):
        problems.append("the page shows no content without JavaScript")
    return problems


def _same_page(href: str, url: str) -> bool:
    return urljoin(url, href.split("#", 1)[0]) == url.split("#", 1)[0]


def _fillable(form: HtmlElement) -> bool:
    """A form with something to fill in or choose (an empty list's form has nothing to send)."""
    for control in form.iter("input", "select", "textarea"):
        if control.tag != "input" or (control.get("type") or "text").lower() != "hidden":
            return True
    return False


def _has_submit(form: HtmlElement) -> bool:
    for control in form.iter("button", "input"):
        kind = (control.get("type") or "").lower()
        if control.tag == "button" and kind in ("", "submit"):
            return True
        if control.tag == "input" and kind in SUBMIT_TYPES:
            return True
    return False


def _visible_text(element: HtmlElement) -> bool:
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "template"):
            continue
        if not shown(node):
            continue
        if (node.text or "").strip():
            return True
        for child in node:
            if (child.tail or "").strip():
                return True
    return False


def _label(element: HtmlElement) -> str:
    text = " ".join(element.text_content().split())
    return (text or element.get("aria-label") or element.get("id") or "")[:60]


def visible_errors(doc: HtmlElement) -> list[str]:
    """Error messages a form page shows next to its fields or above them."""
    found = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        classes = (element.get("class") or "").split()
        if {"errorlist", "error-summary", "field-error"} & set(classes) or {
            "message",
            "error",
        } <= set(classes):
            text = " ".join(element.text_content().split())
            if text:
                found.append(text[:200])
    return found
