"""File types are shown by their names ("Dokument PDF"), not as MIME types."""

import pytest
from django.urls import reverse
from django.utils import translation

from infostrada.documents.models import Document
from infostrada.documents.templatetags.ezd import file_format
from infostrada.documents.tests.conftest import open_case, register


@pytest.mark.parametrize(
    ("mime", "shown"),
    [
        ("application/pdf", "Dokument PDF"),
        ("application/vnd.oasis.opendocument.text", "Tekst OpenDocument (ODT)"),
        ("text/xml; charset=utf-8", "Dokument XML"),
        ("application/x-unknown", "Application/x-unknown"),
        ("", ""),
    ],
)
def test_format_names_in_polish(mime, shown):
    with translation.override("pl"):
        assert file_format(mime) == shown


def test_case_file_and_document_page_name_the_format(client, ezd):
    case = open_case(ezd, item=register(ezd))
    client.force_login(ezd.referent)
    url = reverse("documents:case_detail", kwargs={"unit_slug": "lubicz", "case_id": case.pk})
    page = client.get(url).content.decode()
    assert "Dokument PDF" in page and "application/pdf" not in page
    document = Document.objects.for_unit(ezd.unit).filter(case=case).first()
    url = reverse(
        "documents:document_detail", kwargs={"unit_slug": "lubicz", "document_id": document.pk}
    )
    page = client.get(url).content.decode()
    assert "Dokument PDF" in page and "application/pdf" not in page
