"""The office's archive: handing cases over, disposal (brakowanie), the state archive.

Instrukcja archiwalna (annex 4 to the 2011 regulation) and the 2015 regulation
of the Minister of Culture (Dz.U. 2015 poz. 1743):

* a department hands its closed cases over to the office's archive on a
  transfer list (spis zdawczo-odbiorczy); they are the archive's once the
  archivist confirms receipt (``transfers``);
* non-archival material (B, Bc, BE) whose retention period has passed goes on
  a disposal list; BE material first gets the state archive's expert review,
  so its lines say so; nothing is destroyed before the state archive agrees
  (the consent's reference is recorded), and then only the files go: the
  metadata, the case record, the list and the audit trail stay (``disposal``);
* archival material (A) is never destroyed: the archive sends it to the state
  archive as an archival package, and it stays "transferring" until the state
  archive confirms receipt (``transfers``).

Every operation takes all the cases it is given or changes nothing: a refusal
names each case that may not go and why, all at once. What the lists share
(gap-free numbers, choosing and checking cases) is in ``lists``. Use the
operations from here: ``from infostrada.documents.services import archive``.
"""

from __future__ import annotations

from infostrada.documents.services.archive.disposal import (
    DisposalLine,
    approve_disposal,
    create_disposal_list,
    disposal_lines,
    due_for_disposal,
    execute_disposal,
)
from infostrada.documents.services.archive.transfers import (
    confirm_state_receipt,
    confirm_transfer,
    export_to_state_archive,
    transfer_to_office_archive,
)

__all__ = [
    "DisposalLine",
    "approve_disposal",
    "confirm_state_receipt",
    "confirm_transfer",
    "create_disposal_list",
    "disposal_lines",
    "due_for_disposal",
    "execute_disposal",
    "export_to_state_archive",
    "transfer_to_office_archive",
]
