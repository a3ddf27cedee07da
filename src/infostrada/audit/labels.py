"""Words for the audit trail: what an action code and a system actor mean to a person.

The audit log keeps stable machine names (``documents.dispatched``,
``intake:zoning-extract``): the hash chain, the API and exports rely on them
and they never change. People read labels instead. The audit context names no
product: each context describes its own actions in an ``audit_labels`` module
of its package, found at start-up the way Django's admin finds ``admin.py``
(:func:`autodiscover`), just as each role describes itself with a translated
label in ``accounts.roles``. A code without a label is shown as it is, so a
new action is never hidden; a test fails for any code the code base records
without a label.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

MODULE = "audit_labels"

_ACTIONS: dict[str, str | Promise] = {}
_SYSTEM_ACTORS: dict[str, str | Promise] = {}

# A system actor whose name nobody described (a command, a one-off job).
_SYSTEM = _("System")


def register_actions(labels: Mapping[str, str | Promise]) -> None:
    """Describe action codes; a code described twice differently is a programming error."""
    for code, label in labels.items():
        if code in _ACTIONS and str(_ACTIONS[code]) != str(label):
            raise ValueError(f"audit action {code!r} is already labelled")
        _ACTIONS[code] = label


def register_system_actors(labels: Mapping[str, str | Promise]) -> None:
    """Describe system actors by name; a name ending in ``:`` stands for every name it starts."""
    _SYSTEM_ACTORS.update(labels)


def action_label(code: str) -> str:
    """The action in words, in the active language; the code itself when nobody described it."""
    label = _ACTIONS.get(code)
    return str(label) if label is not None else code


def is_labelled(code: str) -> bool:
    return code in _ACTIONS


def labelled_actions() -> dict[str, str]:
    """Every described action and its label in the active language (e.g. for a filter)."""
    return {code: str(label) for code, label in _ACTIONS.items()}


def system_actor_label(name: str) -> str:
    """A system actor in words: ``intake:zoning-extract`` → "System — electronic application"."""
    if name in _SYSTEM_ACTORS:
        return str(_SYSTEM_ACTORS[name])
    for prefix, label in _SYSTEM_ACTORS.items():
        if prefix.endswith(":") and name.startswith(prefix):
            return str(label)
    return str(_SYSTEM)


def actor_label(kind: str, name: str) -> str:
    """Who acted, as the trail shows it: a system actor in words, anyone else by name."""
    if kind == "system":
        return system_actor_label(name)
    return name or kind


def autodiscover() -> None:
    """Import every installed app's ``audit_labels`` module (called from AuditConfig.ready)."""
    autodiscover_modules(MODULE)
