"""The EZD API for integrators and domain systems: correspondence, cases, documents.

Thin handlers: parse the input (schemas), resolve the unit and the object
through documents.access (an object one may not see is a 404, like one that
does not exist), call one service, present the result. Who may do what is
decided by the services and accounts.permissions (credentials of another
unit are refused by API_AUTH before the body is read); the only checks here
are the gate for reading the EZD at all and a write's permission before the
unit's data is looked up (so that a missing scope is 403, not a 422 about an
unknown department).

Writes that carry files take ``multipart/form-data``: a JSON part ``data``
with the fields and the file parts, so that a letter and its scans are
registered in one request and one transaction. Lists are newest first and
keyset-paged by ``before_id``.

Modules: ``items`` (incoming correspondence), ``cases``, ``downloads`` (version
content), with ``resolve`` (actor, unit and referenced objects of a request) and
``serialise`` (models to response schemas). Operation ids are pinned in the
decorators, so that they do not follow the module a handler lives in; generated
clients depend on them.
"""

from __future__ import annotations

from ninja import Router

from infostrada.accounts.api_auth import API_AUTH
from infostrada.documents.api import cases, downloads, items

__all__ = ["router"]

router = Router(tags=["documents (EZD)"], auth=API_AUTH)
# The order of the sub-routers is the order of the paths in the OpenAPI document.
router.add_router("", items.router)
router.add_router("", cases.router)
router.add_router("", downloads.router)
