"""Roles an official holds in a unit, and what each role may do.

One policy, used by services, views, the API and the admin alike. A
permission is a dotted string; a role grants a set of them. The region
administrator's membership (on the województwo) grants everything in every
unit of the installation except reading and handling case files
(CASE_FILE_PERMISSIONS), which needs a role in the unit itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_ADMIN = "unit_admin", _("unit administrator")
    CHANCELLERY = "chancellery", _("chancellery")
    CASE_OFFICER = "case_officer", _("case officer")
    APPROVER = "approver", _("approver (head of department)")
    SECRETARY = "secretary", _("secretary")
    BIP_EDITOR = "bip_editor", _("BIP editor")
    REGISTER_KEEPER = "register_keeper", _("register keeper")
    GIS_OPERATOR = "gis_operator", _("GIS operator")
    PARTICIPATION_COORDINATOR = "participation_coordinator", _("participation coordinator")
    ARCHIVIST = "archivist", _("archivist (the office's archive)")
    REGION_ADMIN = "region_admin", _("region administrator")


WORKBENCH = "workbench.access"
AUDIT_VIEW = "audit.view"
MANAGE_MEMBERS = "accounts.manage_members"
MANAGE_SECURITY = "accounts.manage_security"
MANAGE_API_CLIENTS = "accounts.manage_api_clients"
EDIT_UNIT = "tenancy.edit_unit"
MANAGE_UNITS = "tenancy.manage_units"

# EZD (documents). Seeing a case is decided per case in documents.access: by
# department, assignment, substitution, approval path, or DOC_VIEW_ALL.
DOC_REGISTER = "documents.register"  # register incoming correspondence (kancelaria)
DOC_VIEW_ALL = "documents.view_all"  # every case and item of the unit
DOC_ASSIGN = "documents.assign"  # dekretacja of items and cases
DOC_HANDLE = "documents.handle"  # open and conduct cases, draft documents
DOC_APPROVE = "documents.approve"  # akceptacja of drafts
DOC_SIGN = "documents.sign"  # sign with the unit's seal
DOC_DISPATCH = "documents.dispatch"  # outgoing register and sending
DOC_ARCHIVE = "documents.archive"  # the office's archive, disposal, transfers
DOC_ORGANISE = "documents.organise"  # departments, JRWA, templates, seal certificate

GEO_EDIT = "geo.edit"  # layers, imports of cadastre and plans

_EVERY_ROLE = frozenset({WORKBENCH})

# The secretary (sekretarz) runs the office: sees and may do everything in EZD.
_SECRETARY_EZD = frozenset(
    {
        DOC_REGISTER,
        DOC_VIEW_ALL,
        DOC_ASSIGN,
        DOC_HANDLE,
        DOC_APPROVE,
        DOC_SIGN,
        DOC_DISPATCH,
        DOC_ARCHIVE,
        DOC_ORGANISE,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.UNIT_ADMIN: _EVERY_ROLE
    | {AUDIT_VIEW, MANAGE_MEMBERS, MANAGE_SECURITY, MANAGE_API_CLIENTS, EDIT_UNIT, DOC_ORGANISE},
    Role.SECRETARY: _EVERY_ROLE | {AUDIT_VIEW} | _SECRETARY_EZD,
    Role.CHANCELLERY: _EVERY_ROLE | {DOC_REGISTER, DOC_ASSIGN, DOC_DISPATCH},
    Role.CASE_OFFICER: _EVERY_ROLE | {DOC_HANDLE, DOC_DISPATCH},
    Role.APPROVER: _EVERY_ROLE | {DOC_HANDLE, DOC_ASSIGN, DOC_APPROVE, DOC_SIGN, DOC_DISPATCH},
    Role.ARCHIVIST: _EVERY_ROLE | {DOC_ARCHIVE},
    Role.GIS_OPERATOR: _EVERY_ROLE | {GEO_EDIT},
    Role.BIP_EDITOR: _EVERY_ROLE,
    Role.REGISTER_KEEPER: _EVERY_ROLE,
    Role.PARTICIPATION_COORDINATOR: _EVERY_ROLE,
}
ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values()) | {MANAGE_UNITS}

# What opens a unit's correspondence and case files. The region administrator
# runs the installation (units, accounts, security, the audit trail) and is not
# given these by that role: a case file is read on a need-to-know basis (RODO
# art. 5 ust. 1 lit. f and art. 32; the instrukcja kancelaryjna gives access to
# the officials who handle the matter), so they need a role in the unit itself.
CASE_FILE_PERMISSIONS = frozenset(
    {DOC_REGISTER, DOC_VIEW_ALL, DOC_ASSIGN, DOC_HANDLE, DOC_APPROVE, DOC_SIGN, DOC_DISPATCH}
    | {DOC_ARCHIVE}
)
REGION_ADMIN_PERMISSIONS = ALL_PERMISSIONS - CASE_FILE_PERMISSIONS

# Scopes an API client (integrator's token) may be given. Later contexts add theirs.
# The keys are the stable machine names tokens carry; the values are what people
# read on the API clients page, translated like the roles above.
API_SCOPES: dict[str, Promise] = {
    "units:read": _("Read the unit's data"),
    "units:write": _("Change the unit's contact data"),
    "audit:read": _("Read the unit's audit trail"),
    "documents:read": _("Read the unit's correspondence, cases and documents"),
    "documents:write": _("Register correspondence, open cases, add documents"),
    "geo:write": _("Import and change the unit's spatial layers"),
}


def scope_label(scope: str) -> str:
    """A scope in words, in the active language; an unknown scope as it is."""
    label = API_SCOPES.get(scope)
    return str(label) if label is not None else scope
