"""Forms for signing in, resetting a password, managing API tokens and agency members, the
one helper that puts a service's `ValidationError` on a form, and the text boxes of English and
Spanish texts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cxgov.core.imports import UPLOAD_ACCEPT, upload_help
from cxgov.core.models import Role, TokenArea, TokenScope, User
from cxgov.core.tasks import password_reset_email_send


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for email addresses."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _(
            "That email address and password do not match an account. "
            "Check both and try again; passwords are case-sensitive."
        ),
        "inactive": _("This account is not active. Ask your agency administrator."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through the task queue instead of inside the request.

    The task gets the user id, never the link: the link is made when the email is sent.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        password_reset_email_send.enqueue(
            user_id=context["user"].pk,
            domain=context["domain"],
            protocol=context["protocol"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
            subject_template=subject_template_name,
            body_template=email_template_name,
        )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what will use it, for example “Nightly survey export”."),
    )
    scope = forms.ChoiceField(
        label=_("What it may do"),
        # A SCIM token belongs to an agency: its administrators make it on the agency's page.
        choices=[
            (TokenScope.READ, TokenScope.READ.label),
            (TokenScope.WRITE, TokenScope.WRITE.label),
        ],
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("Choose read only unless the program must change data."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas it may use"),
        choices=TokenArea.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose only the parts of the API the program needs."),
        error_messages={"required": _("Choose at least one area the token may use.")},
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        longest = settings.API_TOKEN_MAX_DAYS
        field = self.fields["expires_in_days"]
        field.max_value = longest
        field.validators.append(MaxValueValidator(longest))
        field.initial = min(30, longest)
        field.help_text = _("From 1 to %(days)s days.") % {"days": longest}


class ScimTokenCreateForm(TokenCreateForm):
    """A token for the agency's identity provider: a name and an expiry; SCIM is its scope."""

    scope = None  # type: ignore[assignment]
    areas = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = _("SCIM provisioning")
        self.fields["name"].help_text = _(
            "Say which identity provider uses it, for example “Okta”."
        )


class MemberInviteForm(forms.Form):
    """An agency administrator invites a person by email to take a role."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The link goes to this address and works only for it."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(
        label=_("Language of the email"),
        choices=[("en", "English"), ("es", "Español")],
        initial="en",
        help_text=_("A person who already has an account gets it in the language they chose."),
    )


class MembershipRoleForm(forms.Form):
    """The role a membership grants."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberInvitationAcceptForm(forms.Form):
    """A new member's name and the password they choose when accepting an invitation."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters, not only digits, not a common password and not like "
            "your name or email address."
        ),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ. Type the same one twice."))
        elif first:
            person = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, person)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class MfaCodeForm(forms.Form):
    """The first code from a newly added authenticator app."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class SecondFactorForm(forms.Form):
    """The second step of signing in: a code from the app or an unused recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes "
            "(like abcd-efgh-jkmn)."
        ),
        # Not inputmode=numeric: recovery codes have letters.
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class ImportFileForm(forms.Form):
    """A file for an importer, checked only or applied; subclasses add `format`."""

    field_order = ["file", "format", "dry_run"]

    file = forms.FileField(
        label=_("File"),
        help_text=upload_help,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    dry_run = forms.BooleanField(
        label=_("Check the file only; change nothing"), required=False, initial=True
    )


def form_add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's `ValidationError` on the form that asked for the change.

    Messages for a field of the form go on that field; the rest (whole-object messages, fields
    the form does not show, an error without fields) go in the form's error summary.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def bilingual_textareas(**rows: int) -> dict[str, forms.Textarea]:
    """Model form `widgets` for texts kept in English and Spanish: each field named with its
    height in rows, and its `<field>_es` twin, get text boxes of the same height."""
    return {
        name: forms.Textarea(attrs={"rows": height})
        for field, height in rows.items()
        for name in (field, f"{field}_es")
    }


class ClosureForm(forms.Form):
    """One day the agency is closed."""

    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("For example the executive order that closed the agency."),
    )


class ClosureImportForm(ImportFileForm):
    """A file of closed days (date, name, reason)."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("cxgov", _("CSV or XLSX with the columns date, name and reason"))],
        widget=forms.RadioSelect,
        initial="cxgov",
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the good rows even if some rows have errors"), required=False
    )


MONTH_CHOICES = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class FiscalYearStartForm(forms.Form):
    """The month the agency's fiscal year starts."""

    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Month the fiscal year starts"),
        choices=MONTH_CHOICES,
        coerce=int,
        help_text=_(
            "The federal fiscal year starts in October. Quarters, fiscal years and reporting "
            "periods of standards, results and reports follow this month."
        ),
    )
