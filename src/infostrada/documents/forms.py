"""Forms of the EZD workbench: they parse and validate, services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infostrada import normalisers
from infostrada.accounts.models import User
from infostrada.accounts.roles import DOC_HANDLE, ROLE_PERMISSIONS
from infostrada.documents.models import (
    Case,
    CaseParty,
    Channel,
    DeadlineKind,
    Department,
    DistributionEntry,
    Document,
    DocumentTemplate,
    FileClass,
    PartyKind,
)
from infostrada.documents.residents import find_resident

MAX_FILES = 20


def date_input() -> forms.DateInput:
    """A native date picker; it needs ISO dates whatever the page's language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a scan and its attachments)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            if len(data) > MAX_FILES:
                raise forms.ValidationError(
                    _("At most %(n)d files at once.") % {"n": MAX_FILES}, code="too_many"
                )
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class CorrespondentForm(forms.Form):
    party_kind = forms.ChoiceField(
        label=_("Sender is"),
        choices=PartyKind.choices,
        widget=forms.RadioSelect,
        initial=PartyKind.PERSON,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=300, required=False)
    pesel = forms.CharField(label=_("PESEL"), max_length=11, required=False)
    nip = forms.CharField(label=_("NIP"), max_length=13, required=False)
    regon = forms.CharField(label=_("REGON"), max_length=14, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    # Normalised (NFKC, separators dropped) and checked: infostrada.normalisers.
    def clean_pesel(self) -> str:
        return normalisers.optional(normalisers.pesel)(self.cleaned_data["pesel"])

    def clean_nip(self) -> str:
        return normalisers.optional(normalisers.nip)(self.cleaned_data["nip"])

    def clean_regon(self) -> str:
        return normalisers.optional(normalisers.regon)(self.cleaned_data["regon"])

    def clean_postal_code(self) -> str:
        return normalisers.optional(normalisers.postal_code)(self.cleaned_data["postal_code"])


class RegisterIncomingForm(CorrespondentForm):
    channel = forms.ChoiceField(
        label=_("Received by"), choices=Channel.choices, initial=Channel.PAPER
    )
    received_on = forms.DateField(
        label=_("Received on"),
        widget=date_input(),
    )
    subject = forms.CharField(label=_("Subject"), max_length=500)
    letter_date = forms.DateField(
        label=_("Date of the letter"),
        required=False,
        widget=date_input(),
    )
    sender_reference = forms.CharField(
        label=_("Sender's reference"), max_length=100, required=False
    )
    attachments_note = forms.CharField(
        label=_("Paper attachments"),
        max_length=300,
        required=False,
        help_text=_("e.g. 2 maps, 1 CD"),
    )
    files = MultipleFileField(
        label=_("Scan and electronic attachments"),
        required=False,
        help_text=_("PDF, ODT, DOCX, XML, JPEG, PNG or TIFF; scan paper letters to PDF."),
    )
    department = forms.ModelChoiceField(
        label=_("Assign to department"), queryset=Department.objects.none(), required=False
    )
    instruction = forms.CharField(label=_("Instruction"), max_length=1000, required=False)

    field_order = [
        "channel",
        "received_on",
        "subject",
        "party_kind",
        "first_name",
        "last_name",
        "institution",
        "street",
        "postal_code",
        "city",
        "email",
        "pesel",
        "nip",
        "regon",
        "letter_date",
        "sender_reference",
        "attachments_note",
        "files",
        "department",
        "instruction",
    ]

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["department"].queryset = Department.objects.for_unit(unit).valid_in(
            timezone.localdate().year
        )


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("Official"), queryset=User.objects.none(), required=False
    )
    instruction = forms.CharField(
        label=_("Instruction"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=date_input())

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_unit(unit).valid_in(
            timezone.localdate().year
        )
        # only officials who may take the matter (correspondence.assign checks it too)
        handling = [role for role, perms in ROLE_PERMISSIONS.items() if DOC_HANDLE in perms]
        self.fields["assignee"].queryset = officials_of(unit).filter(
            memberships__unit=unit, memberships__role__in=handling
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("department") and not data.get("assignee"):
            raise forms.ValidationError(_("Choose a department or an official."))
        return data


def officials_of(unit: Any) -> Any:
    return (
        User.objects.filter(memberships__unit=unit, kind=User.Kind.OFFICIAL)
        .distinct()
        .order_by("last_name", "first_name")
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpenCaseForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    file_class = forms.ModelChoiceField(label=_("JRWA class"), queryset=FileClass.objects.none())
    title = forms.CharField(label=_("Title of the case"), max_length=500)
    deadline_kind = forms.ChoiceField(
        label=_("Deadline"), choices=DeadlineKind.choices, initial=DeadlineKind.ONE_MONTH
    )
    custom_deadline = forms.DateField(
        label=_("Deadline set by a special provision"),
        required=False,
        widget=date_input(),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, unit: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["file_class"].queryset = FileClass.objects.for_unit(unit).filter(
            is_leaf=True, is_active=True
        )
        self.fields["file_class"].label_from_instance = lambda fc: f"{fc.symbol} {fc.title}"

    def clean_custom_deadline(self) -> datetime.date | None:
        return normalisers.optional(normalisers.sane_date)(self.cleaned_data["custom_deadline"])


class DocumentUploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind of document"), choices=Document.Kind.choices, initial=Document.Kind.NOTE
    )
    file = forms.FileField(label=_("File"))


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind of document"), choices=Document.Kind.choices, initial=Document.Kind.LETTER
    )
    template = forms.ModelChoiceField(
        label=_("Template"), required=False, queryset=DocumentTemplate.objects.none()
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=100_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = DocumentTemplate.objects.for_unit(unit).filter(
            is_active=True
        )


class EditDraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    body = forms.CharField(
        label=_("Text"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 18})
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class ApproversForm(forms.Form):
    """The approval path in the order the official chooses: one field per place.

    A ``<select multiple>`` sends the chosen options in the list's order (by
    name), not in the order they were picked, so the path could not be
    ordered; numbered places keep the order, and work without JavaScript.
    """

    PLACES = 4

    def __init__(self, *args: Any, approvers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for place in range(1, self.PLACES + 1):
            self.fields[f"approver_{place}"] = forms.ModelChoiceField(
                label=_("Approver no. %(place)d") % {"place": place},
                queryset=approvers,
                required=place == 1,
                help_text=(
                    _("The draft goes to the approvers one after another, in this order.")
                    if place == 1
                    else None
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [
            data[f"approver_{place}"]
            for place in range(1, self.PLACES + 1)
            if data.get(f"approver_{place}") is not None
        ]
        seen: set[int] = set()
        for place in range(1, self.PLACES + 1):
            user = data.get(f"approver_{place}")
            if user is not None and user.pk in seen:
                self.add_error(f"approver_{place}", _("Each approver may appear once."))
            elif user is not None:
                seen.add(user.pk)
        data["approvers"] = chosen
        return data


class OfficeRulesForm(forms.Form):
    four_eyes_decisions = forms.BooleanField(
        label=_("A decision or ruling is approved by someone other than its author"),
        help_text=_("Its author cannot approve it; the approval path must name another official."),
        required=False,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResidentLookupForm(forms.Form):
    """The GET step that finds one resident's account (works without JavaScript)."""

    resident = forms.CharField(
        label=_("PESEL or e-mail of the resident's portal account"),
        max_length=254,
        help_text=_("Only an exact match is shown."),
    )

    def clean_resident(self) -> User:
        try:
            return find_resident(self.cleaned_data["resident"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class ResidentAccountMixin(forms.Form):
    """An ``account`` field (PESEL or e-mail) resolved to exactly one resident's account.

    The form carries the identifier the official typed, not an account id,
    and resolves it again when submitted: a tampered form cannot attach an
    arbitrary account, and no list of residents is ever sent to the browser.
    """

    account = forms.CharField(
        label=_("Resident's portal account (PESEL or e-mail)"),
        max_length=254,
        required=False,
        help_text=_("Needed to deliver into the resident's account on the portal."),
    )

    def clean_account(self) -> str:
        value = self.cleaned_data["account"].strip()
        self.cleaned_data["citizen"] = None
        if value:
            try:
                self.cleaned_data["citizen"] = find_resident(value)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return value


class AddresseeForm(ResidentAccountMixin, CorrespondentForm):
    """One addressee of a document's distribution list (rozdzielnik)."""

    list_kind = forms.ChoiceField(
        label=_("List"),
        choices=DistributionEntry.List.choices,
        initial=DistributionEntry.List.RECIPIENT,
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(label=_("Send by"), choices=Channel.choices)

    field_order = ["list_kind", "channel", "account"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party_kind"].label = _("Recipient is")


class SuspendForm(forms.Form):
    since = forms.DateField(label=_("Suspended since"), widget=date_input())
    reason = forms.CharField(label=_("Legal ground"), max_length=300)


class ResumeForm(forms.Form):
    on = forms.DateField(label=_("Resumed on"), widget=date_input())


class PostedForm(forms.Form):
    posted_on = forms.DateField(
        label=_("Posted on"),
        widget=date_input(),
        initial=datetime.date.today,
    )


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("any")), *Case.Status.choices, ("overdue", _("overdue"))],
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.none()
    )

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_unit(unit)


class DepartmentForm(forms.Form):
    symbol = forms.CharField(label=_("Symbol"), max_length=16)
    name = forms.CharField(label=_("Name"), max_length=200)
    valid_from = forms.IntegerField(label=_("Valid from (year)"), min_value=1990, max_value=2100)
    valid_to = forms.IntegerField(
        label=_("Valid to (year)"), min_value=1990, max_value=2100, required=False
    )


class MemberForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    user = forms.ModelChoiceField(label=_("Official"), queryset=User.objects.none())
    is_head = forms.BooleanField(label=_("Head of the department"), required=False)

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_unit(unit)
        self.fields["user"].queryset = officials_of(unit)


class SubstitutionForm(forms.Form):
    absent = forms.ModelChoiceField(label=_("Absent official"), queryset=User.objects.none())
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=date_input())
    ends_on = forms.DateField(label=_("To (inclusive)"), widget=date_input())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["absent"].queryset = officials_of(unit)
        self.fields["deputy"].queryset = officials_of(unit)


class JrwaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("JRWA file (CSV)"), help_text=_("Semicolon-separated, UTF-8; see the description.")
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large for a JRWA."), code="too_large")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text: save it as CSV in UTF-8."), code="encoding"
            ) from None


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Document.Kind.choices)
    body = forms.CharField(
        label=_("Text"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 8})
    )


class PartyForm(ResidentAccountMixin, CorrespondentForm):
    role = forms.ChoiceField(label=_("Role in the case"), choices=CaseParty.Role.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party_kind"].label = _("The party is")
        # The account last, as the old select was: the lookup step fills it in.
        self.order_fields([name for name in self.fields if name != "account"] + ["account"])


class CloseForm(forms.Form):
    note = forms.CharField(label=_("How the case was settled"), max_length=500)
    confirm_pending = forms.BooleanField(
        label=_("Close the case although these deliveries are pending"),
        required=False,
    )

    def __init__(self, *args: Any, pending: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not pending:  # asked only when a decision's delivery is pending
            del self.fields["confirm_pending"]


class RelateForm(forms.Form):
    signature = forms.CharField(label=_("Signature of the related case"), max_length=40)
