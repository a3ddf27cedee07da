"""EZD pages: the workbench under /urzad/<unit>/ezd/, residents' letters under /konto/."""

from django.urls import path

from infostrada.documents.views import archive, casework, citizen, desk, drafts, organisation

app_name = "documents"

BASE = "urzad/<slug:unit_slug>/ezd/"

urlpatterns = [
    path(BASE, desk.tasks, name="tasks"),
    path(BASE + "kancelaria/", desk.chancellery, name="chancellery"),
    path(BASE + "wplywy/", desk.incoming_list, name="incoming_list"),
    path(BASE + "wplywy/<int:item_id>/", desk.incoming_detail, name="incoming_detail"),
    path(BASE + "sprawy/", casework.case_list, name="case_list"),
    path(BASE + "sprawy/nowa/", casework.case_new, name="case_new"),
    path(BASE + "sprawy/<int:case_id>/", casework.case_detail, name="case_detail"),
    path(BASE + "sprawy/<int:case_id>/projekt/", casework.draft_new, name="draft_new"),
    path(BASE + "dokumenty/<int:document_id>/", drafts.document_detail, name="document_detail"),
    path(
        BASE + "dokumenty/<int:document_id>/wersje/<int:version>/",
        drafts.version_download,
        name="version_download",
    ),
    path(BASE + "akceptacje/", drafts.approvals, name="approvals"),
    path(BASE + "wysylka/", drafts.outgoing_register, name="outgoing_register"),
    path(BASE + "archiwum/", archive.archive_desk, name="archive"),
    path(BASE + "organizacja/", organisation.organisation_desk, name="organisation"),
    path(BASE + "archiwum/paczki/<int:transfer_id>/", archive.package_download, name="package"),
    path("konto/skrzynka/", citizen.letters, name="citizen_letters"),
    path("konto/skrzynka/<int:letter_id>/", citizen.letter, name="citizen_letter"),
]
