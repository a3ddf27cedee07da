"""The EZD's audit actions and system actors in words (see audit.labels)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from infostrada.audit.labels import register_actions, register_system_actors

# The intake registers and routes what residents and systems submit electronically.
INTAKE = _("System — electronic application")

register_system_actors(
    {
        "intake:": INTAKE,
        # KPA art. 44 § 4 / ustawa o doręczeniach elektronicznych art. 41: delivery deemed made.
        "delivery fiction": _("System — deemed delivery"),
    }
)

register_actions(
    {
        "documents.incoming.registered": pgettext_lazy("audit action", "Letter registered"),
        "documents.incoming.done": pgettext_lazy("audit action", "Letter settled without a case"),
        "documents.assigned": pgettext_lazy("audit action", "Assigned (dekretacja)"),
        "documents.assignment.accepted": pgettext_lazy("audit action", "Assignment accepted"),
        "documents.assignment.forwarded": pgettext_lazy("audit action", "Assignment forwarded"),
        "documents.assignment.returned": pgettext_lazy("audit action", "Assignment returned"),
        "documents.case.opened": pgettext_lazy("audit action", "Case opened"),
        "documents.case.closed": pgettext_lazy("audit action", "Case closed"),
        "documents.case.suspended": pgettext_lazy("audit action", "Case suspended"),
        "documents.case.resumed": pgettext_lazy("audit action", "Case resumed"),
        "documents.case.document_added": pgettext_lazy(
            "audit action", "Document added to a case file"
        ),
        "documents.case.item_added": pgettext_lazy("audit action", "Letter added to a case"),
        "documents.case.party_added": pgettext_lazy("audit action", "Party added to a case"),
        "documents.case.related": pgettext_lazy("audit action", "Cases related"),
        "documents.draft.created": pgettext_lazy("audit action", "Draft created"),
        "documents.draft.updated": pgettext_lazy("audit action", "Draft changed"),
        "documents.draft.submitted": pgettext_lazy("audit action", "Draft sent for approval"),
        "documents.draft.approved": pgettext_lazy("audit action", "Draft approved"),
        "documents.draft.returned": pgettext_lazy("audit action", "Draft returned for correction"),
        "documents.draft.withdrawn": pgettext_lazy("audit action", "Draft withdrawn"),
        "documents.signed": pgettext_lazy("audit action", "Document signed"),
        "documents.dispatched": pgettext_lazy("audit action", "Letter sent"),
        "documents.addressee_added": pgettext_lazy(
            "audit action", "Addressee added to the distribution list"
        ),
        "documents.addressee_removed": pgettext_lazy(
            "audit action", "Addressee removed from the distribution list"
        ),
        "documents.posted": pgettext_lazy("audit action", "Letter posted"),
        "documents.delivered": pgettext_lazy("audit action", "Delivery confirmed"),
        "documents.department.created": pgettext_lazy("audit action", "Department created"),
        "documents.department.member_added": pgettext_lazy(
            "audit action", "Official added to a department"
        ),
        "documents.substitution.created": pgettext_lazy("audit action", "Substitution set"),
        "documents.template.created": pgettext_lazy("audit action", "Template created"),
        "documents.rules.changed": pgettext_lazy("audit action", "EZD rules changed"),
        "documents.jrwa.imported": pgettext_lazy("audit action", "JRWA imported"),
        "documents.seal.installed": pgettext_lazy("audit action", "Seal certificate installed"),
        "documents.archive.transfer_sent": pgettext_lazy(
            "audit action", "Files handed over to the office's archive"
        ),
        "documents.archive.transfer_confirmed": pgettext_lazy(
            "audit action", "Handover to the office's archive confirmed"
        ),
        "documents.archive.state_transfer_sent": pgettext_lazy(
            "audit action", "Records transferred to the state archive"
        ),
        "documents.archive.state_transfer_confirmed": pgettext_lazy(
            "audit action", "Transfer to the state archive confirmed"
        ),
        "documents.archive.disposal_listed": pgettext_lazy(
            "audit action", "Disposal list drawn up"
        ),
        "documents.archive.disposal_approved": pgettext_lazy(
            "audit action", "Disposal of records approved"
        ),
        "documents.archive.disposal_executed": pgettext_lazy(
            "audit action", "Records destroyed after disposal"
        ),
    }
)
