"""Forms of the complaint pages: public intake, status lookup, review, and staff forms."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cxgov.core.addresses import US_STATES, PostalAddress, zip_code_clean
from cxgov.core.models import Agency
from cxgov.core.permissions import Can, roles_with
from cxgov.registry.models import Service, ServiceStatus

from .attachments import MAX_ATTACHMENTS, AttachmentCheck
from .models import Category, Channel, ContactPreference, ResponseCategory, Status, Team
from .selectors import complaint_settings_for

MAX_TEXT = 10000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content and size."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[AttachmentCheck]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach at most 3 files."))
        checked = []
        for upload in files:
            try:
                checked.append(AttachmentCheck.of(upload))
            except ValidationError as error:
                raise ValidationError(error.message_dict["attachments"]) from None
        return checked


def _own_detail(
    label: str, *, max_length: int, autocomplete: str, help_text: str = ""
) -> forms.CharField:
    """An optional line of the person's own details. Its autocomplete token lets browsers and
    assistive technology fill it in (WCAG 1.3.5 Identify Input Purpose)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


def _long_text(
    label: str | Promise,
    *,
    rows: int | None = None,
    help_text: str | Promise = "",
    max_length: int = MAX_TEXT,
    required: bool = True,
) -> forms.CharField:
    """A text area of at most `max_length` characters, `rows` lines high (the browser's
    default height without)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.Textarea,
    )


def _attachments() -> MultipleFileField:
    """The optional files a message may carry, each checked by content and size."""
    return MultipleFileField(
        label=_("Attach files (optional)"),
        help_text=_("Up to 3 files: PDF, PNG, JPEG, GIF or plain text, 5 MB each."),
        required=False,
    )


class ChosenContactForm(forms.Form):
    """A form where the person's chosen way of contact makes its fields required.

    `contact_needs` maps each choice to the fields it needs and the message for a missing one;
    a field the form does not have is not asked for.
    """

    contact_needs: dict[str, dict[str, Any]] = {}

    def clean_postal_zip(self) -> str:
        value = self.cleaned_data["postal_zip"]
        return zip_code_clean(value) if value else ""

    def chosen_contact_require(self, data: dict[str, Any]) -> None:
        needed = self.contact_needs.get(data.get("contact_preference") or "", {})
        for key, message in needed.items():
            if key in self.fields and not data.get(key) and key not in self.errors:
                self.add_error(key, message)


class ComplaintForm(ChosenContactForm):
    """What happened, what the person wants, how to reach them, and consent to publish."""

    service = forms.ModelChoiceField(
        label=_("Which service is your complaint about?"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Not sure, or another service"),
    )
    what_happened = _long_text(
        _("What happened?"),
        rows=6,
        help_text=_("Tell us what went wrong, when it happened and who was involved."),
    )
    desired_resolution = _long_text(_("What would you like us to do?"), rows=3, required=False)
    contact_name = _own_detail(_("Your name"), max_length=200, autocomplete="name")
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"),
        help_text=_(
            "Email is the fastest. If you choose phone or mail, you do not need to give an "
            "email address."
        ),
        choices=ContactPreference.choices,
        initial=ContactPreference.EMAIL,
        widget=forms.RadioSelect,
    )
    contact_email = forms.EmailField(
        label=_("Email address"),
        help_text=_(
            "Required if you choose email. We send your tracking number here; with it you can "
            "check your complaint online."
        ),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = _own_detail(
        _("Phone number"),
        help_text=_("Required if you choose phone."),
        max_length=40,
        autocomplete="tel",
    )
    # The USWDS address pattern; required as a whole when the person asks for a letter.
    postal_line_1 = _own_detail(_("Street address"), max_length=200, autocomplete="address-line1")
    postal_line_2 = _own_detail(
        _("Street address line 2 (optional)"), max_length=200, autocomplete="address-line2"
    )
    postal_city = _own_detail(_("City"), max_length=100, autocomplete="address-level2")
    postal_state = forms.ChoiceField(
        label=_("State, territory or military post"),
        choices=[("", _("- Choose -")), *US_STATES],
        required=False,
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    postal_zip = forms.CharField(
        label=_("ZIP code"),
        help_text=_("5 digits, or 9 digits as 12345-6789."),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "inputmode": "numeric",
                "class": "usa-input--medium",
            }
        ),
    )
    consent_to_publish = forms.BooleanField(
        label=_("You may publish my story without my name or contact details."),
        help_text=_(
            "We remove names, email addresses, phone numbers, addresses and account numbers first."
        ),
        required=False,
    )
    attachments = _attachments()
    # A field people never see; automated senders fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    # The address parts after its first line, rendered inside the address fieldset.
    address_parts = ("postal_line_2", "postal_city", "postal_state", "postal_zip")
    # A one-time key made with the form: sending the same form twice (a retry after a timeout,
    # a double click) files one complaint.
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "service" in self.fields:
            self.fields["service"].queryset = agency.services.filter(
                status=ServiceStatus.PUBLISHED
            ).order_by("name")
            self.fields["service"].label_from_instance = lambda service: service.display_name
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.fields["idempotency_key"].initial = secrets.token_urlsafe(24)

    def clean_what_happened(self) -> str:
        text = self.cleaned_data["what_happened"].replace("\x00", "").strip()
        if not text:
            raise ValidationError(_("Tell us what happened."))
        return text

    contact_needs = {
        ContactPreference.EMAIL: {
            "contact_email": _(
                "Give an email address so we can write to you, or choose phone or mail."
            )
        },
        ContactPreference.PHONE: {"contact_phone": _("Give a phone number so we can call you.")},
        ContactPreference.POSTAL_MAIL: {
            "postal_line_1": _("Give your street address so we can send you a letter."),
            "postal_city": _("Give the city of your mailing address."),
            "postal_state": _("Choose the state, territory or military post of your address."),
            "postal_zip": _("Give the ZIP code of your mailing address."),
        },
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.chosen_contact_require(data)
        for key in ("desired_resolution", "contact_name", "contact_phone"):
            if isinstance(data.get(key), str):
                data[key] = data[key].replace("\x00", "")
        return data

    @property
    def contact(self) -> dict[str, str]:
        """How to reach the person, as the filing services take it."""
        data = self.cleaned_data
        fields = ("contact_name", "contact_email", "contact_phone", "contact_preference")
        return {name: data[name] for name in fields}

    @property
    def postal(self) -> PostalAddress:
        """The mailing address given, in its parts (empty when none was given)."""
        data = self.cleaned_data
        return PostalAddress(
            line_1=data.get("postal_line_1", ""),
            line_2=data.get("postal_line_2", ""),
            city=data.get("postal_city", ""),
            state=data.get("postal_state", ""),
            zip_code=data.get("postal_zip", ""),
        )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class BarrierReportForm(ComplaintForm):
    """An accessibility barrier: where it was met, what stopped the person, the assistive
    technology used, and how to reach them. Filed as a complaint in the barrier category."""

    service = None
    desired_resolution = None
    consent_to_publish = None
    attachments = None
    page_url = forms.CharField(
        label=_("Page where you met the barrier"),
        help_text=_("Its web address, or the name of the page, form or office."),
        max_length=500,
    )
    what_happened = _long_text(
        _("What stopped you?"),
        rows=6,
        help_text=_(
            "Tell us what you were trying to do and what went wrong. If you need information "
            "in another format, such as large print, Braille, audio or another language, "
            "say which."
        ),
    )
    assistive_technology = forms.CharField(
        label=_("Assistive technology you used (optional)"),
        help_text=_(
            "For example, a screen reader and its version, screen magnification, voice control "
            "or a switch."
        ),
        max_length=200,
        required=False,
    )
    field_order = [
        "page_url",
        "what_happened",
        "assistive_technology",
        "contact_name",
        "contact_preference",
        "contact_email",
        "contact_phone",
        "postal_line_1",
        "postal_line_2",
        "postal_city",
        "postal_state",
        "postal_zip",
    ]

    def clean_page_url(self) -> str:
        text = self.cleaned_data["page_url"].replace("\x00", "").strip()
        if not text:
            raise ValidationError(_("Tell us the page where you met the barrier."))
        return text

    def clean_what_happened(self) -> str:
        text = self.cleaned_data["what_happened"].replace("\x00", "").strip()
        if not text:
            raise ValidationError(_("Tell us what stopped you."))
        return text

    def clean_assistive_technology(self) -> str:
        return self.cleaned_data["assistive_technology"].replace("\x00", "").strip()


class StatusLookupForm(forms.Form):
    """Tracking number plus the email given with the complaint or, for a complaint filed
    without email, the phone number or ZIP code given with it."""

    tracking_number = forms.CharField(
        label=_("Tracking number"), help_text=_("For example, C-7K3M-Q9TX-2HPD."), max_length=40
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone_or_zip = forms.CharField(
        label=_("Phone number or ZIP code"),
        help_text=_(
            "Only if you gave us no email address: the phone number or the ZIP code of the "
            "mailing address you gave us."
        ),
        max_length=40,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone_or_zip", "").strip():
            raise ValidationError(
                _(
                    "Enter the email address you gave us or, if you gave none, your phone "
                    "number or ZIP code."
                )
            )
        return data


class ReviewForm(forms.Form):
    """The customer's answer to the agency's response."""

    decision = forms.ChoiceField(
        label=_("Does this response resolve your complaint?"),
        choices=[
            ("accepted", _("Yes, I accept the response")),
            ("disputed", _("No, I dispute the response")),
        ],
        widget=forms.RadioSelect,
    )
    comment = _long_text(_("Anything you want to add (optional)"), rows=3, required=False)


class StaffComplaintForm(ChosenContactForm):
    """A complaint received by phone, mail or in person, entered by staff."""

    channel = forms.ChoiceField(
        label=_("How was it received?"),
        choices=[
            (Channel.PHONE, Channel.PHONE.label),
            (Channel.POSTAL_MAIL, Channel.POSTAL_MAIL.label),
            (Channel.IN_PERSON, Channel.IN_PERSON.label),
            (Channel.EMAIL, Channel.EMAIL.label),
        ],
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    what_happened = _long_text(_("What happened?"))
    desired_resolution = _long_text(_("What the person would like"), required=False)
    contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Email address"), required=False)
    contact_phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    contact_preference = forms.ChoiceField(
        label=_("Contact preference"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
    )
    # The USWDS address fields of the public form, required when the person asks for a letter.
    postal_line_1 = ComplaintForm.base_fields["postal_line_1"]
    postal_line_2 = ComplaintForm.base_fields["postal_line_2"]
    postal_city = ComplaintForm.base_fields["postal_city"]
    postal_state = ComplaintForm.base_fields["postal_state"]
    postal_zip = ComplaintForm.base_fields["postal_zip"]
    consent_to_publish = forms.BooleanField(
        label=_("Consents to publishing an anonymised narrative"), required=False
    )
    address_parts = ComplaintForm.address_parts

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = agency.services.order_by("name")
        self.fields["category"].queryset = Category.objects.filter(agency=agency, is_active=True)
        # The one-form page renders each field as its group: the address is one fieldset.
        self.fields["postal_line_1"].template_name = "complaints/address_group.html"
        for name in self.address_parts:
            self.fields[name].template_name = "complaints/rendered_in_group.html"

    contact_needs = {
        ContactPreference.EMAIL: {
            "contact_email": _("Give the person's email address, or choose phone or mail.")
        },
        ContactPreference.PHONE: {"contact_phone": _("Give the phone number to call.")},
        ContactPreference.POSTAL_MAIL: {
            "postal_line_1": _("Give the street address to send the letter to."),
            "postal_city": _("Give the city of the mailing address."),
            "postal_state": _("Choose the state, territory or military post of the address."),
            "postal_zip": _("Give the ZIP code of the mailing address."),
        },
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.chosen_contact_require(data)
        return data

    @property
    def filing(self) -> dict[str, Any]:
        """The cleaned data as `complaint_create` takes it: the address parts as `postal`."""
        data = dict(self.cleaned_data)
        data["postal"] = PostalAddress(
            line_1=data.pop("postal_line_1", ""),
            line_2=data.pop("postal_line_2", ""),
            city=data.pop("postal_city", ""),
            state=data.pop("postal_state", ""),
            zip_code=data.pop("postal_zip", ""),
        )
        return data


class TransitionForm(forms.Form):
    """A status change: only the statuses the complaint may go to next are offered, after its
    current status (chosen by default, which changes nothing). A response is written with
    its own form, so "Responded" is not offered here."""

    to_status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    referred_to = forms.CharField(label=_("Referred to (agency)"), required=False, max_length=300)
    duplicate_of = forms.CharField(
        label=_("Duplicate of (tracking number)"), required=False, max_length=40
    )

    def __init__(self, *args: Any, current: str, allowed: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["to_status"] = current
        super().__init__(*args, **kwargs)
        offered = [status for status in Status if status in allowed and status != Status.RESPONDED]
        current_label = _("%(status)s (current)") % {"status": Status(current).label}
        self.fields["to_status"].choices = [
            (current, current_label),
            *((status.value, status.label) for status in offered),
        ]


class NoteForm(forms.Form):
    body = _long_text(_("Internal note"), rows=4)


class MessageForm(forms.Form):
    body = _long_text(_("Message to the customer"), rows=4)
    attachments = _attachments()
    await_reply = forms.BooleanField(
        label=_("Wait for the customer's reply (the clock stops until they answer)"),
        required=False,
    )


class RespondForm(forms.Form):
    """The agency's response to the customer, with its CFPB-like category."""

    category = forms.ChoiceField(
        label=_("Response category"),
        choices=[("", _("- Choose -")), *ResponseCategory.choices],
    )
    body = _long_text(
        _("Response to the customer"),
        rows=8,
        help_text=_("Plain text. The customer reads it on the status page and by email."),
    )
    attachments = _attachments()


class ReplyForm(forms.Form):
    """The customer's message from the status page."""

    body = _long_text(_("Your message"), rows=5)
    attachments = _attachments()

    def clean_body(self) -> str:
        text = self.cleaned_data["body"].replace("\x00", "").strip()
        if not text:
            raise ValidationError(_("Write your message."))
        return text


class CannedResponseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    response_category = forms.ChoiceField(
        label=_("Response category (optional)"),
        choices=[("", "-"), *ResponseCategory.choices],
        required=False,
    )
    body = _long_text(
        _("Text in English"),
        rows=8,
        help_text=_("{tracking_number}, {name} and {service} are filled in for the complaint."),
    )
    body_es = _long_text(_("Text in Spanish"), rows=8, required=False)
    is_active = forms.BooleanField(label=_("Offer it on case pages"), required=False, initial=True)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False)  # type: ignore[arg-type]
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cxgov.core.models import User

        # Only people whose role lets them open a case they are given (never oversight).
        self.fields["assignee"].queryset = User.objects.filter(
            memberships__agency=agency,
            memberships__is_active=True,
            memberships__role__in=roles_with(Can.WORK_ASSIGNED_COMPLAINTS),
        ).distinct()
        self.fields["team"].queryset = Team.objects.filter(agency=agency)


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(agency=agency, is_active=True)


class NewCategoryForm(forms.Form):
    name = forms.CharField(label=_("Category name"), max_length=200)
    name_es = forms.CharField(label=_("Category name in Spanish"), max_length=200, required=False)
    parent = forms.ModelChoiceField(
        label=_("Beneath (leave empty for a top-level product)"),
        queryset=Category.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.filter(agency=agency, parent=None)


class NewTeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=200)
    lead = forms.ModelChoiceField(label=_("Team lead"), queryset=None, required=False)  # type: ignore[arg-type]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cxgov.core.models import User

        self.fields["lead"].queryset = User.objects.filter(
            memberships__agency=agency, memberships__is_active=True
        ).distinct()


class RoutingRuleForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Send to team"), queryset=Team.objects.none())
    rule_service = forms.ModelChoiceField(
        label=_("When the service is"), queryset=Service.objects.none(), required=False
    )
    rule_category = forms.ModelChoiceField(
        label=_("When the category is"), queryset=Category.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("When the channel is"), choices=[("", "—"), *Channel.choices], required=False
    )
    keywords = forms.CharField(
        label=_("When the text mentions any of (comma-separated)"), max_length=500, required=False
    )
    position = forms.IntegerField(label=_("Order (lowest first)"), min_value=0, initial=0)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(agency=agency)
        self.fields["rule_service"].queryset = agency.services.order_by("name")
        self.fields["rule_category"].queryset = Category.objects.filter(agency=agency)


class SlaPolicyForm(forms.Form):
    sla_service = forms.ModelChoiceField(
        label=_("For the service (empty: every service)"),
        queryset=Service.objects.none(),
        required=False,
    )
    sla_category = forms.ModelChoiceField(
        label=_("For the category (empty: every category)"),
        queryset=Category.objects.none(),
        required=False,
    )
    acknowledge_business_days = forms.IntegerField(
        label=_("Acknowledge within (business days)"), min_value=0, max_value=60, initial=1
    )
    respond_days = forms.IntegerField(
        label=_("Respond within (days)"), min_value=1, max_value=365, initial=15
    )
    final_days = forms.IntegerField(
        label=_("Final response within (days)"), min_value=1, max_value=730, initial=60
    )
    respond_in_business_days = forms.BooleanField(
        label=_("Count response days as business days"), required=False
    )
    due_soon_business_days = forms.IntegerField(
        label=_("Warn this many business days before a deadline"),
        min_value=0,
        max_value=30,
        initial=2,
    )
    review_days = forms.IntegerField(
        label=_("Days the customer has to accept or dispute"),
        min_value=1,
        max_value=365,
        initial=30,
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sla_service"].queryset = agency.services.order_by("name")
        self.fields["sla_category"].queryset = Category.objects.filter(agency=agency)


class NarrativeReviewForm(forms.Form):
    """Approve the text to publish (as proposed or edited), or withhold the narrative."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve this text")), ("withhold", _("Withhold"))]
    )
    text = _long_text(
        _("Text to publish"),
        rows=8,
        help_text=_("Edit it if the scrubber missed something; it is scrubbed again on approval."),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for withholding (kept in the audit log)"), required=False, max_length=500
    )


class ComplaintSettingsForm(forms.Form):
    """When narratives may be published, and the agency's case number formats."""

    narrative_publish_after_days = forms.IntegerField(
        label=_("Publish approved narratives this many days after filing, even without a response"),
        help_text=_("Leave empty to publish only once the agency has responded."),
        min_value=0,
        max_value=3650,
        required=False,
    )
    case_number_patterns = _long_text(
        _("Your claim and case number formats"),
        rows=4,
        help_text=_(
            "One regular expression per line, such as FBA-\\d{4}-\\d{7}. Numbers in these "
            "formats are removed from narratives before anyone reviews them."
        ),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = complaint_settings_for(agency=agency)
        self.initial = {
            "narrative_publish_after_days": saved.narrative_publish_after_days,
            "case_number_patterns": saved.case_number_patterns,
        }

    def clean_case_number_patterns(self) -> str:
        return str(self.cleaned_data["case_number_patterns"]).replace("\x00", "")


class MergeForm(forms.Form):
    """Merge this case, a duplicate, into the case that carries on."""

    into = forms.CharField(
        label=_("Merge into (tracking number of the case that carries on)"), max_length=40
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class SplitForm(forms.Form):
    """A new case from part of this one: its own narrative and the chosen messages and files."""

    what_happened = _long_text(
        _("What the new case is about"),
        rows=5,
        help_text=_("The part of the complaint the new case takes over, in the customer's words."),
    )
    message_ids = forms.TypedMultipleChoiceField(
        label=_("Messages for the new case"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachment_ids = forms.TypedMultipleChoiceField(
        label=_("Files for the new case"),
        help_text=_("A chosen message brings its own files."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    move = forms.TypedChoiceField(
        label=_("Copy or move them?"),
        choices=[
            ("0", _("Copy: both cases keep them")),
            ("1", _("Move: only the new case has them")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category of the new case"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args: Any, complaint: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message_ids"].choices = [
            (
                message.pk,
                f"{message.created_at:%Y-%m-%d %H:%M} · {message.get_direction_display()}: "
                f"{message.body[:80]}",
            )
            for message in complaint.messages.all()
        ]
        self.fields["attachment_ids"].choices = [
            (attachment.pk, attachment.original_name) for attachment in complaint.attachments.all()
        ]
        self.fields["category"].queryset = Category.objects.filter(
            agency=complaint.agency, is_active=True
        )


class BulkStatusForm(forms.Form):
    """One status and one reason for the complaints chosen on the queue."""

    to_status = forms.ChoiceField(label=_("New status"), choices=[])
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args: Any, statuses: Iterable[Status], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s.value, s.label) for s in statuses]


class QueueFilterForm(forms.Form):
    """Save the queue's current filters under a name."""

    name = forms.CharField(label=_("Name of the filter"), max_length=100)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
