from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from infostrada.accounts.roles import API_SCOPES, Role

MAX_PASSWORD = 1024


class LoginForm(AuthenticationForm):
    """Django's login form with its length limits enforced before authentication.

    ``AuthenticationForm`` sets the username's ``max_length`` after the field
    is built, so no validator checks it and an over-long name reaches the
    login-throttling table (a 500 on PostgreSQL); a huge password would be
    hashed at full cost.
    """

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )
        self.fields["password"].max_length = MAX_PASSWORD
        self.fields["password"].validators.append(MaxLengthValidator(MAX_PASSWORD))


UNIT_ROLES = [(r.value, r.label) for r in Role if r != Role.REGION_ADMIN]


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from the authenticator app"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the 6 digits shown by the app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class EnrolmentForm(TokenForm):
    """The new app's code and the code e-mailed to the account's address."""

    email_code = forms.RegexField(
        label=_("Code from the e-mail"),
        regex=r"^\d{8}$",
        max_length=8,
        error_messages={"invalid": _("Enter the 8 digits from the e-mail.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class OfficialForm(forms.Form):
    username = forms.RegexField(label=_("Login"), regex=r"^[\w.@+-]+$", max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=UNIT_ROLES)


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Login of an existing official"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=UNIT_ROLES)


class SecurityForm(forms.Form):
    require_totp = forms.BooleanField(
        label=_("Officials of this unit must log in with a second factor (TOTP)"),
        required=False,
    )


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name of the client system"), max_length=120)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=sorted(API_SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )
