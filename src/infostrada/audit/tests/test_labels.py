"""The audit trail in words: every action the code records has a label (issue 8).

The log keeps its stable machine names (the API and the hash chain rely on
them); people read labels that each context gives its own actions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from infostrada.accounts.roles import Role
from infostrada.accounts.services import issue_api_client
from infostrada.audit import labels
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.testing import official

SRC = Path(__file__).resolve().parents[2]


def recorded_actions() -> dict[str, str]:
    """Every action code passed to ``audit.record(...)`` in the code, with where it is.

    The action is the third positional argument (or ``action=``); every string in
    it counts (``"a" if approve else "b"``). When it is a parameter of the
    enclosing function (a helper that records for several operations), the
    strings its callers in the same module pass for that parameter count. Any
    other code (an f-string, a computed name) cannot be checked: it fails.
    """
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        enclosing: dict[ast.AST, ast.AST] = {}
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef):
                for inner in ast.walk(function):
                    enclosing[inner] = function  # the innermost wins: walked later
        for node in ast.walk(tree):
            if not _is_audit_record(node):
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            action = _argument(node, "action", 2)
            assert action is not None, f"audit.record without an action at {where}"
            for code in _codes(tree, enclosing.get(node, tree), action, where):
                found.setdefault(code, where)
    return found


def _is_audit_record(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "record"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "audit"
    )


def _argument(call: ast.Call, name: str, position: int | None) -> ast.expr | None:
    keyword = next((k.value for k in call.keywords if k.arg == name), None)
    if keyword is None and position is not None and len(call.args) > position:
        return call.args[position]
    return keyword


def _literals(node: ast.expr) -> list[str] | None:
    """The codes an expression can give: a string, or either branch of ``x if c else y``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _codes(tree: ast.Module, function: ast.AST, action: ast.expr, where: str) -> list[str]:
    if isinstance(action, ast.Name) and isinstance(function, ast.FunctionDef):
        params = [a.arg for a in (*function.args.args, *function.args.kwonlyargs)]
        assert action.id in params, f"an action code that is not a literal at {where}"
        codes: list[str] = []
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == function.name:
                passed = _argument(call, action.id, None)
                literal = _literals(passed) if passed is not None else None
                assert literal, f"{function.name}() called without a literal {action.id} ({where})"
                codes += literal
        assert codes, f"no caller of {function.name}() names the action ({where})"
        return codes
    literal = _literals(action)
    assert literal, f"an action code that is not a literal at {where}"
    return literal


def test_every_recorded_action_has_a_label_in_both_languages():
    found = recorded_actions()
    assert len(found) > 40  # the scan sees the code base
    missing = {code: where for code, where in found.items() if not labels.is_labelled(code)}
    assert not missing, (
        f"actions without a label (add them to the context's audit_labels): {missing}"
    )
    for language in ("pl", "en"):
        with translation.override(language):
            for code in found:
                label = labels.action_label(code)
                assert label and label != code and "." not in label.split()[0], (code, label)
    with translation.override("pl"):
        assert labels.action_label("documents.dispatched") == "Wysłano pismo"


def test_an_unknown_action_or_system_shows_its_code_or_the_word_system():
    assert labels.action_label("somewhere.something") == "somewhere.something"
    with translation.override("pl"):
        assert labels.actor_label("system", "intake:zoning-extract") == (
            "System — wniosek elektroniczny"
        )
        assert labels.actor_label("system", "nightly-job") == "System"
        assert labels.actor_label("user", "Jan Kowalski") == "Jan Kowalski"


def _event(unit, action: str, actor: Actor) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        audit.record(actor, unit, action, changes={"number": "1/2026"})


@pytest.mark.django_db
def test_the_trail_shows_actions_and_system_actors_in_words(client, lubicz):
    person = Actor(kind="user", id="1", name="Jan Kowalski")
    _event(lubicz, "documents.dispatched", person)
    _event(lubicz, "documents.incoming.registered", Actor.system("intake:zoning-extract"))
    _event(lubicz, "somewhere.something", person)
    client.force_login(official(lubicz, Role.SECRETARY))
    page = client.get("/urzad/lubicz/audyt/").content.decode()
    table = page.split('<table class="audit"')[1]
    assert "Wysłano pismo" in table and "Zarejestrowano pismo wpływające" in table
    assert "documents.dispatched" not in table and "documents.incoming" not in table
    assert "System — wniosek elektroniczny" in table and "intake:" not in table
    assert "somewhere.something" in table  # undescribed: the code, not nothing
    client.cookies["django_language"] = "en"
    english = client.get("/urzad/lubicz/audyt/").content.decode()
    assert "Letter sent" in english and "System — electronic application" in english
    # the filter offers the actions in words and keeps the code as the value
    del client.cookies["django_language"]
    only = client.get("/urzad/lubicz/audyt/", {"action": "documents.dispatched"})
    table_page = only.content.decode()
    table = table_page.split('<table class="audit"')[1]
    assert "Wysłano pismo" in table and "Zarejestrowano" not in table
    assert re.search(
        r'<option value="documents.dispatched"[^>]*>Wysłano pismo</option>', table_page
    )


@pytest.mark.django_db
def test_the_audit_api_keeps_the_machine_names(client, lubicz):
    _event(lubicz, "documents.dispatched", Actor.system("intake:zoning-extract"))
    _client, token = issue_api_client(
        actor=Actor.system("test"), unit=lubicz, name="SIEM", scopes=["audit:read"]
    )
    response = client.get("/api/v1/units/lubicz/audit-events", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    events = response.json()
    assert "documents.dispatched" in [e["action"] for e in events["items"]]
