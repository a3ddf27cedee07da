"""Content: the stored bytes of a document version, as a download that is never rendered."""

from __future__ import annotations

import base64
from typing import Annotated

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from ninja import Path, Router
from pydantic import Field

from infostrada.documents import access
from infostrada.documents.api.resolve import for_reading
from infostrada.documents.models import DocumentVersion

router = Router()

VersionNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]


@router.get(
    "/units/{slug}/documents/{document_id}/versions/{version}/content",
    operation_id="infostrada_documents_api_version_content",
    url_name="documents_version_content",
    summary="Download the bytes of a document version",
    openapi_extra={
        "responses": {
            200: {
                "description": (
                    "The file as stored, with the version's media type (`mime` in its "
                    "metadata); `Repr-Digest` carries its SHA-256."
                ),
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def version_content(
    request: HttpRequest, slug: str, document_id: int, version: Path[VersionNumber]
) -> FileResponse:
    """The stored bytes of one version of a document the caller may see (else 404).

    Sent as an attachment under the file's sanitised name, never rendered by
    the browser (`X-Content-Type-Options: nosniff`, a sandboxing CSP).
    """
    actor, unit = for_reading(request, slug)
    document = access.get_document(actor, unit, document_id)
    row = DocumentVersion.objects.for_unit(unit).filter(document=document, number=version).first()
    if row is None or not row.file.name or not default_storage.exists(row.file.name):
        raise Http404("no such version")
    response = FileResponse(
        default_storage.open(row.file.name, "rb"),
        as_attachment=True,
        filename=row.filename,
        content_type=row.mime,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    digest = base64.b64encode(bytes.fromhex(row.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response
