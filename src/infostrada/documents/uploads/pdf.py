"""PDF: readable by pypdf to the last page, and not encrypted."""

from __future__ import annotations

import io
import logging

from django.utils.translation import gettext as _
from pypdf import PdfReader

from infostrada.documents.uploads.errors import UploadRejected

logger = logging.getLogger(__name__)


def check_pdf(data: bytes) -> int:
    """Parse with pypdf and walk the whole page tree; return the number of pages.

    pypdf runs in its lenient mode, because scanners and office suites write slightly
    irregular but perfectly readable files; what we refuse is what readers cannot open:
    no ``%%EOF`` near the end (cut off), no document catalogue, a page tree that cannot
    be walked, no pages, or encryption.
    """
    if b"%%EOF" not in data[-1024:]:
        raise UploadRejected(
            "pdf_corrupt",
            _(
                "The PDF file is incomplete: its end is missing, so it was probably cut off "
                "while being saved or sent. Save or scan it again and send it again."
            ),
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(
                "pdf_encrypted",
                _(
                    "The PDF file is password-protected or encrypted, so it cannot be "
                    "archived or searched. Save a copy without a password or security "
                    "restrictions (for example, print it to PDF) and send that."
                ),
            )
        pages = reader.pages
        count = len(pages)
        for page in pages:
            page.mediabox  # noqa: B018 -- resolves every page object
    except UploadRejected:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input: all mean "corrupt"
        logger.debug("PDF refused as corrupt: %r", exc)
        count = 0
    if count == 0:
        raise UploadRejected(
            "pdf_corrupt",
            _(
                "The PDF file is damaged and cannot be read. Open it in a PDF viewer, save "
                "or print it again as PDF, and send it again."
            ),
        )
    return count
