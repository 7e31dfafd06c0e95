"""Surveys, their questions, invitations and responses stored one answer per row.

EO 12862 §1(b) (survey customers) and §1(e) (survey front-line employees).
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.i18n import OPTION_PREFIX, LocalizedField, localized
from cxgov.core.models import actor_field, agency_field, optional_link
from cxgov.registry.models import ChannelKind


def survey_agency_field() -> models.ForeignKey[Any, Any]:
    """The agency of a row's survey, copied onto the large survey tables so each can be
    distributed by agency (decision 0069). No index or reverse accessor: reads go through the
    survey, and each unique key starts with it."""
    return models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )


def new_public_id() -> str:
    """A short unguessable id for public survey addresses."""
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


class Audience(models.TextChoices):
    CUSTOMER = "customer", _("Customers")
    EMPLOYEE = "employee", _("Employees")


CONTROL_NUMBER = re.compile(r"[0-9]{4}-[0-9]{4}")
# Warnings: this share of the approved annual burden hours used, this many days before expiry.
BURDEN_WARNING_SHARE = 0.8
EXPIRY_WARNING_DAYS = 60


class ClearanceKind(models.TextChoices):
    GENERIC = "generic", _("Generic clearance")
    FAST_TRACK = "fast_track", _("Fast-track request under a generic clearance")
    STANDARD = "standard", _("Standard clearance")
    EXEMPT = "exempt", _("Exempt from the Paperwork Reduction Act")


class Clearance(models.Model):
    """A Paperwork Reduction Act clearance (or a recorded exemption) the agency's surveys use.

    The surveys linked to it are its approved instruments, each with its estimated minutes per
    response (`Survey.burden_minutes`). A fast-track request shares its generic clearance's
    OMB control number and expiry, and its burden counts against the generic's hours as well.
    """

    agency = agency_field("clearances")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=ClearanceKind.choices)
    control_number = models.CharField(
        _("OMB control number"),
        max_length=9,
        blank=True,
        help_text=_("Like 1234-5678. A fast-track request uses its generic clearance's number."),
    )
    parent = optional_link(
        "self",
        on_delete=models.PROTECT,
        related_name="fast_tracks",
        verbose_name=_("generic clearance"),
        help_text=_("Fast-track requests only: the generic clearance it was approved under."),
    )
    expires_on = models.DateField(_("expiration date"), null=True, blank=True)
    burden_hours = models.PositiveIntegerField(
        _("approved annual burden hours"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
    )
    exemption_reason = models.TextField(
        _("reason for the exemption"),
        blank=True,
        help_text=_("Exempt only: why the Paperwork Reduction Act does not apply."),
    )
    results_publishable = models.BooleanField(
        _("results may be published"),
        default=False,
        help_text=_("Generic clearances often allow internal use only."),
    )
    # What was emailed, so each warning goes out once: the fiscal year whose burden passed the
    # warning share, and the expiry date that came within the warning window.
    burden_warned_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    expiry_warned_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["expires_on", "title", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "control_number"],
                condition=models.Q(kind__in=["generic", "standard"]),
                name="clearance_unique_control_number",
            ),
        ]

    def __str__(self) -> str:
        number = self.omb_number
        return f"{self.title} ({number})" if number else self.title

    @property
    def is_exempt(self) -> bool:
        return self.kind == ClearanceKind.EXEMPT

    @property
    def omb_number(self) -> str:
        """The OMB control number it displays (a fast-track request shows its generic's)."""
        if self.kind == ClearanceKind.FAST_TRACK and self.parent is not None:
            return self.parent.control_number
        return self.control_number

    @property
    def expiry(self) -> date | None:
        """The last day it is valid; a fast-track request ends with its generic at the latest."""
        dates = [self.expires_on]
        if self.kind == ClearanceKind.FAST_TRACK and self.parent is not None:
            dates.append(self.parent.expires_on)
        known = [d for d in dates if d is not None]
        return min(known) if known else None

    def is_current(self, today: date) -> bool:
        """Whether a survey may be published under it today."""
        if self.is_exempt:
            return True
        expiry = self.expiry
        return bool(self.omb_number) and expiry is not None and today <= expiry

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.control_number = self.control_number.strip()
        if self.control_number and not CONTROL_NUMBER.fullmatch(self.control_number):
            errors["control_number"] = _("Use the form 1234-5678: four digits, a dash, four.")
        if self.kind == ClearanceKind.EXEMPT:
            if not self.exemption_reason.strip():
                errors["exemption_reason"] = _("Say why the collection is exempt.")
            if self.control_number:
                errors["control_number"] = _("An exemption has no OMB control number.")
        else:
            if self.kind != ClearanceKind.FAST_TRACK and not self.control_number:
                errors.setdefault("control_number", _("Enter the OMB control number."))
            if self.kind != ClearanceKind.FAST_TRACK and self.expires_on is None:
                errors["expires_on"] = _("Enter the date the approval expires.")
            if self.burden_hours is None:
                errors["burden_hours"] = _("Enter the approved annual burden hours.")
        if self.kind == ClearanceKind.FAST_TRACK:
            parent = self.parent
            if parent is None:
                errors["parent"] = _("Choose the generic clearance this request is under.")
            elif parent.kind != ClearanceKind.GENERIC or parent.agency_id != self.agency_id:
                errors["parent"] = _("Choose one of your agency's generic clearances.")
            elif self.control_number and self.control_number != parent.control_number:
                errors["control_number"] = _(
                    "A fast-track request uses its generic clearance's number, %(number)s."
                ) % {"number": parent.control_number}
        elif self.parent_id is not None:
            errors["parent"] = _("Only a fast-track request is under a generic clearance.")
        if self.pk and self.kind != ClearanceKind.GENERIC and self.fast_tracks.exists():
            errors["kind"] = _("Fast-track requests are under it: it stays a generic clearance.")
        if errors:
            raise ValidationError(errors)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


# Upper bounds of what an agency may enter as its expected collection: more respondents than
# the country has people, answering more than daily, or for longer than a working day is a typo.
MAX_EXPECTED_RESPONDENTS = 400_000_000
MAX_RESPONSES_PER_RESPONDENT = 365
MAX_EXPECTED_MINUTES = 600


class Survey(models.Model):
    """A survey an agency runs, with its Paperwork Reduction Act facts and open dates."""

    agency = agency_field("surveys")
    public_id = models.CharField(max_length=24, unique=True, default=new_public_id)
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_es = models.TextField(_("introduction in Spanish"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.CUSTOMER
    )
    template = models.CharField(_("template"), max_length=40, blank=True)
    services = models.ManyToManyField(
        "registry.Service", blank=True, related_name="surveys", verbose_name=_("services")
    )
    stage = optional_link(
        "registry.ServiceStage",
        on_delete=models.SET_NULL,
        related_name="surveys",
        verbose_name=_("journey stage"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    omb_control_number = models.CharField(_("OMB control number"), max_length=20, blank=True)
    omb_expiration_date = models.DateField(_("OMB expiration date"), null=True, blank=True)
    clearance = optional_link(
        Clearance,
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("PRA clearance"),
        help_text=_(
            "Public surveys need a current clearance or a recorded exemption to be published."
        ),
    )
    burden_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes per response"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("As approved for this instrument; counts toward the burden hours."),
    )
    # The agency's own expectation for the PRA request package (decision 0057): respondents a
    # year × responses each, and optionally its own minutes per response. Empty: the package
    # falls back to the past year's responses and `burden_minutes`.
    expected_respondents = models.PositiveIntegerField(
        _("expected respondents per year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXPECTED_RESPONDENTS)],
    )
    responses_per_respondent = models.PositiveSmallIntegerField(
        _("responses per respondent per year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RESPONSES_PER_RESPONDENT)],
    )
    expected_minutes = models.PositiveSmallIntegerField(
        _("expected minutes per response"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXPECTED_MINUTES)],
    )
    thank_you = models.TextField(_("thank-you text"), blank=True)
    thank_you_es = models.TextField(_("thank-you text in Spanish"), blank=True)
    store_ip_address = models.BooleanField(
        _("store the IP address of each response"),
        default=False,
        help_text=_("Off unless your agency has a documented need. Never for employee surveys."),
    )
    access_code = models.CharField(
        _("shared access code"),
        max_length=40,
        blank=True,
        help_text=_("Employee surveys: people enter this code to open the survey."),
    )
    allowed_origins = models.JSONField(
        _("web sites that may embed the widget"), default=list, blank=True
    )
    invite_one_in = models.PositiveIntegerField(
        _("invite one in this many people listed"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Sampling: 1 invites everyone; 10 invites every tenth transaction listed."),
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind people who have not answered after this many days"),
        default=0,
        validators=[MaxValueValidator(60)],
        help_text=_("One reminder, sent on a schedule; 0 sends none."),
    )
    # Transactions listed in invitation files so far: sampling counts across files.
    transactions_seen = models.PositiveIntegerField(default=0, editable=False)
    results_public = models.BooleanField(
        _("publish results on the public performance pages"),
        default=False,
        help_text=_(
            "Only when the survey's clearance allows publishing its results. Figures from "
            "fewer answers than the suppression threshold are never shown."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return self.title

    display_title = LocalizedField("title")
    display_intro = LocalizedField("intro")
    display_thank_you = LocalizedField("thank_you")

    @property
    def is_employee(self) -> bool:
        return self.audience == Audience.EMPLOYEE

    def clean(self) -> None:
        if self.clearance is not None and self.clearance.agency_id != self.agency_id:
            raise ValidationError({"clearance": _("Choose one of your agency's clearances.")})

    def pra_copy(self) -> None:
        """Show its clearance's OMB control number and expiry (none for an exemption).

        The survey keeps them in its own fields, read by the public page, the widget, the
        closing of expired surveys, A-11 collections and the open data.
        """
        if self.clearance is None:
            return
        self.omb_control_number = self.clearance.omb_number
        self.omb_expiration_date = None if self.clearance.is_exempt else self.clearance.expiry

    def open_problem(self, now: Any = None) -> str:
        """Why the survey takes no answers now, or "" when it does."""
        now = now or timezone.now()
        if self.status != SurveyStatus.LIVE:
            return "closed" if self.status == SurveyStatus.CLOSED else "not_live"
        if self.opens_at and now < self.opens_at:
            return "not_open_yet"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        if self.omb_expiration_date and now.date() > self.omb_expiration_date:
            return "expired"
        return ""


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement, 5 points")
    THUMBS = "thumbs", _("Thumbs up or down")
    YES_NO = "yes_no", _("Yes or no")
    NPS = "nps", _("Rating 0 to 10")
    RATING_10 = "rating_10", _("Rating 1 to 10")
    SINGLE = "single", _("Choose one")
    MULTIPLE = "multiple", _("Choose any")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    EMAIL = "email", _("Contact email (optional)")
    HIDDEN = "hidden", _("Hidden context field")


# Kinds whose answers are whole numbers on a fixed scale.
SCALE_RANGES: dict[str, tuple[int, int]] = {
    QuestionKind.LIKERT: (1, 5),
    QuestionKind.THUMBS: (0, 1),
    QuestionKind.YES_NO: (0, 1),
    QuestionKind.NPS: (0, 10),
    QuestionKind.RATING_10: (1, 10),
}
# The agreement scale's points as respondents and readers of results see them.
LIKERT_LABELS = (
    ("1", _("Strongly disagree")),
    ("2", _("Disagree")),
    ("3", _("Neither agree nor disagree")),
    ("4", _("Agree")),
    ("5", _("Strongly agree")),
)
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
CONTEXT_FIELDS = ("service", "channel", "stage", "location_code")
# Longest text any answer may have, whatever the question says.
TEXT_LIMIT = 5000


class Question(models.Model):
    """One question of a survey; options, limits and a show-if condition live here."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    text_es = models.CharField(_("question in Spanish"), max_length=500, blank=True)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    help_text_es = models.CharField(_("hint in Spanish"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    # [{"value": "ease", "label": "...", "label_es": "..."}, ...]
    options = models.JSONField(_("options"), default=list, blank=True)
    allow_other = models.BooleanField(_('offer "Other" with a text box'), default=False)
    min_value = models.IntegerField(_("smallest number"), null=True, blank=True)
    max_value = models.IntegerField(_("largest number"), null=True, blank=True)
    min_length = models.PositiveIntegerField(_("fewest characters"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("most characters"), null=True, blank=True)
    pattern = models.CharField(_("pattern (regular expression)"), max_length=200, blank=True)
    # A condition (see surveys.logic): {"question": "<key>", "values": ["1"]}, optionally with
    # "op", or {"all": [...]} / {"any": [...]}; only earlier questions may be named.
    show_if = models.JSONField(_("show only if"), default=dict, blank=True)
    # The page the question is on (1 = first); a survey with one page shows all at once.
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    # [{"when": <condition>, "to_page": 3 | "end"}, ...]: checked, in order, when the
    # respondent leaves this question's page; the first that holds decides the next page.
    skip_rules = models.JSONField(_("skip rules"), default=list, blank=True)
    randomize_options = models.BooleanField(_("show options in random order"), default=False)
    context_field = models.CharField(
        _("context it records"),
        max_length=20,
        blank=True,
        choices=[(name, name) for name in CONTEXT_FIELDS],
    )
    scrub = models.BooleanField(
        _("remove names, emails and phone numbers from answers"), default=False
    )

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_unique_key"),
        ]

    def __str__(self) -> str:
        return self.text

    display_text = LocalizedField("text")
    display_help_text = LocalizedField("help_text")

    def display_options(self) -> list[tuple[str, str]]:
        """(value, label) pairs in the page's language."""
        return [
            (
                str(o["value"]),
                localized(
                    o.get("label", ""),
                    o.get("label_es", ""),
                    record=self,
                    field=f"{OPTION_PREFIX}{o['value']}",
                ),
            )
            for o in self.options
        ]


class SurveyVersion(models.Model):
    """The definition document (`surveys.definition`) a live survey had from `published_at`.

    Written by `surveys.services.survey_version_record` when the survey goes live and after
    each change that alters the document of a live survey; every response records the version
    it answered.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = actor_field()

    class Meta:
        ordering: ClassVar = ["-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/v{self.number}"


class QuotaSegment(models.TextChoices):
    SERVICE = "service", _("Service")
    CHANNEL = "channel", _("Channel")
    LANGUAGE = "language", _("Language")
    ANSWER = "answer", _("Answer to a question")


MAX_QUOTA = 10_000_000


class Quota(models.Model):
    """A cell of respondents (a service, channel, language or answer) with its limit.

    `count` is raised in the submission's own transaction by a conditional UPDATE that never
    passes `limit`; the response that fills the cell sets `closed_at`, and later respondents of
    that cell are turned away politely (code `quota_full`).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    segment = models.CharField(_("segment"), max_length=10, choices=QuotaSegment.choices)
    # The question's key, for an answer cell; empty otherwise.
    key = models.CharField(_("question key"), max_length=60, blank=True)
    # A service's short name, a channel code, a language code or an answer's value.
    value = models.CharField(_("value"), max_length=200)
    limit = models.PositiveIntegerField(
        _("responses wanted"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUOTA)]
    )
    count = models.PositiveIntegerField(default=0, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering: ClassVar = ["segment", "key", "value", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["survey", "segment", "key", "value"], name="quota_unique_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.segment}/{self.key}={self.value}"


class ResponseDraft(models.Model):
    """A multi-page survey answered part way: the answers so far, kept on the server.

    The respondent holds the only copy of the token (in a cookie-free form field or a resume
    link); only its hash is stored. Purged once `expires_at` passes.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="drafts")
    token_hash = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    page = models.PositiveSmallIntegerField(default=1)
    # Pages shown so far, in order, so Back returns to the page actually seen before.
    history = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.survey_id}/draft {self.pk}"


class ResponseSource(models.TextChoices):
    WEB = "web", _("Survey page")
    WIDGET = "widget", _("Embedded widget")
    EMAIL = "email", _("Email invitation")
    QR = "qr", _("QR code or kiosk")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class ResponseStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SPAM = "spam", _("Spam")


class Response(models.Model):
    """One person's submission with where it came from; its answers are rows of Answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # The survey's agency, kept on the row and leading each unique key so the table can be
    # distributed by agency (docs/scale.md, decision 0069); reads go through the survey.
    agency = survey_agency_field()
    submission_id = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    language = models.CharField(max_length=8, default="en")
    source = models.CharField(max_length=12, choices=ResponseSource.choices)
    service = optional_link("registry.Service", on_delete=models.SET_NULL)
    stage = optional_link("registry.ServiceStage", on_delete=models.SET_NULL)
    segment = optional_link("registry.CustomerSegment", on_delete=models.SET_NULL)
    channel = models.CharField(max_length=20, choices=ChannelKind.choices, blank=True)
    location_code = models.CharField(max_length=40, blank=True)
    # Context values the link or caller sent that match nothing (a renamed service, a stale QR
    # code's channel), kept as received: the response is stored and attributed to "unknown".
    context_unknown = models.JSONField(default=dict, blank=True)
    # The survey's version when it was answered; empty for responses stored before versions.
    version = optional_link(SurveyVersion, on_delete=models.SET_NULL, related_name="responses")
    page_url = models.CharField(max_length=500, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    consent_to_contact = models.BooleanField(default=False)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=8, choices=ResponseStatus.choices, default=ResponseStatus.VALID
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-submitted_at", "-id"]
        # No unique key here: on PostgreSQL the table is partitioned by the month of
        # `submitted_at`, and a unique key would have to include it. `Submission` holds the
        # submission id's uniqueness (decision 0073).
        indexes: ClassVar = [
            models.Index(fields=["survey", "submitted_at"]),
            # Covers the counts of a quarter's counted responses by service (the A-11 report
            # and the oversight list, decision 0076), so PostgreSQL reads them from the index
            # alone instead of visiting every row of the quarter.
            models.Index(
                fields=["survey", "submitted_at", "service"],
                condition=models.Q(status=ResponseStatus.VALID, deleted_at__isnull=True),
                name="response_counted_by_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.submission_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.agency_id is None:
            self.agency_id = self.survey.agency_id
        super().save(*args, **kwargs)


class Submission(models.Model):
    """The submission id a response was stored under, unique per survey: what makes a resend
    return the stored response. A narrow table of its own because responses are partitioned
    by month on PostgreSQL, where a unique key must include the month (decision 0073)."""

    agency = survey_agency_field()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    submission_id = models.CharField(max_length=64)
    # No database constraint: a key into a partitioned table would have to name its month
    # too. Deleting a response through Django deletes its key.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "survey", "submission_id"], name="submission_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.submission_id}"


class Answer(models.Model):
    """One answer in long format: exactly one of the value columns is set.

    A multiple-choice answer is one row per chosen option, so counts roll up with GROUP BY.
    """

    # No database constraint: responses are partitioned by month on PostgreSQL (decision
    # 0073), and a key into them would have to name the month too. Django cascades deletes.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_constraint=False
    )
    # The response's time, so the answers of a month share its partition on PostgreSQL.
    submitted_at = models.DateTimeField()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    # As on Response: the survey's agency, the column the table is distributed by.
    agency = survey_agency_field()
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value_int = models.IntegerField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    value_text = models.TextField(blank=True)
    value_date = models.DateField(null=True, blank=True)
    # The words typed beside an "Other" choice.
    note = models.TextField(blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["question", "value_int"]),
            models.Index(fields=["survey", "question"]),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.agency_id is None:
            self.agency_id = self.survey.agency_id
        if self.submitted_at is None:
            self.submitted_at = self.response.submitted_at
        super().save(*args, **kwargs)

    @property
    def value(self) -> Any:
        for name in ("value_int", "value_number", "value_date"):
            if getattr(self, name) is not None:
                return getattr(self, name)
        return self.value_text


class InvitationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class InvitationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")
    OPENED = "opened", _("Opened")
    STARTED = "started", _("Started")
    ANSWERED = "answered", _("Answered")
    OPTED_OUT = "opted_out", _("Opted out")


class Invitation(models.Model):
    """An emailed or texted single-use link. Never linked to the response it leads to.

    `contact_hash` (a keyed hash of the address or number) is what the fatigue cap and
    opt-outs match on; the address itself is kept only to send, until the retention purge.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    channel = models.CharField(
        max_length=8, choices=InvitationChannel.choices, default=InvitationChannel.EMAIL
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=16, blank=True)
    contact_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=8, default="en")
    service = optional_link("registry.Service", on_delete=models.SET_NULL)
    segment = optional_link("registry.CustomerSegment", on_delete=models.SET_NULL)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.QUEUED
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["survey", "contact_hash"], name="invitation_unique_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.contact

    @property
    def contact(self) -> str:
        return self.phone if self.channel == InvitationChannel.SMS else self.email


class OptOut(models.Model):
    """A person who asked an agency to send no more survey invitations: only the keyed hash."""

    agency = agency_field("survey_opt_outs")
    contact_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "contact_hash"], name="opt_out_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.contact_hash[:8]}"


class AccessCode(models.Model):
    """A single-use anonymous code of an employee survey: only its hash, issued in bulk.

    Nothing ties a code to a person; `used_on` keeps the day only, like employee responses.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_on = models.DateField(default=date.today)
    used_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.code_hash[:8]}"


# --- rollups -------------------------------------------------------------------------------


class RollupSource(models.TextChoices):
    RESPONSES = "responses", _("Responses")
    IMPORTED = "imported", _("Imported quarterly figures")


def _rollup_unique_key(*, period: str, of_answers: bool, name: str) -> models.UniqueConstraint:
    """The one row of a rollup: its agency, survey, question (of answers), day or quarter,
    context, value (of answers) and source; the agency first, for distribution."""
    question = [models.F("question")] if of_answers else []
    value = [models.F("value_key")] if of_answers else []
    # NULL service or segment must collide too, so the key uses COALESCE(…, 0).
    return models.UniqueConstraint(
        models.F("agency"),
        models.F("survey"),
        *question,
        models.F(period),
        Coalesce("service", 0),
        models.F("channel"),
        Coalesce("segment", 0),
        models.F("language"),
        *value,
        models.F("source"),
        name=name,
    )


class RollupCounts(models.Model):
    """The context and count every rollup row carries, daily or quarterly, answers or responses."""

    service = optional_link("registry.Service", on_delete=models.CASCADE)
    channel = models.CharField(max_length=20, blank=True)
    segment = optional_link("registry.CustomerSegment", on_delete=models.CASCADE)
    language = models.CharField(max_length=8, blank=True)
    source = models.CharField(
        max_length=10, choices=RollupSource.choices, default=RollupSource.RESPONSES
    )
    count = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every concrete rollup has a survey and its agency (`survey_agency_field`).
        if getattr(self, "agency_id", None) is None:
            self.agency_id = self.survey.agency_id  # type: ignore[attr-defined]
        super().save(*args, **kwargs)


class AnswerSums(RollupCounts):
    """A rollup of answers: the value counted and the sums that give means and intervals."""

    value_key = models.CharField(max_length=200, blank=True)
    total = models.FloatField(default=0)
    total_squares = models.FloatField(default=0)

    class Meta:
        abstract = True


class AnswerRollup(AnswerSums):
    """Answers counted per question, local day, context and value: mergeable sums.

    `value_key` is the scale or choice value as text ("" for free text, numbers and dates, and,
    for a choose-any question, the row counting the people who answered it). `total` and
    `total_squares` add up the numeric value so means and their intervals come from sums.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answer_rollups")
    # As on Response: the survey's agency, first in the unique key, for distribution.
    agency = survey_agency_field()
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rollups")
    day = models.DateField()

    class Meta:
        constraints: ClassVar = [
            _rollup_unique_key(period="day", of_answers=True, name="answer_rollup_unique_key")
        ]
        indexes: ClassVar = [models.Index(fields=["survey", "question", "day"])]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.day}/{self.value_key}={self.count}"


class ResponseRollup(RollupCounts):
    """Responses counted per local day and context: the n behind rates and response counts."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="response_rollups")
    # As on Response: the survey's agency, first in the unique key, for distribution.
    agency = survey_agency_field()
    day = models.DateField()

    class Meta:
        constraints: ClassVar = [
            _rollup_unique_key(period="day", of_answers=False, name="response_rollup_unique_key")
        ]
        indexes: ClassVar = [models.Index(fields=["survey", "day"])]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.day}={self.count}"


class AnswerQuarterRollup(AnswerSums):
    """`AnswerRollup` summed over a fiscal quarter of the survey's agency (decision 0055).

    `quarter_start` is the first day of the quarter. Written in the same statements as the daily
    rows, so every whole quarter's sums equal the sums of its days; results read whole quarters
    here and the days at a period's edges from `AnswerRollup`.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="answer_quarter_rollups"
    )
    # As on Response: the survey's agency, first in the unique key, for distribution.
    agency = survey_agency_field()
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    quarter_start = models.DateField()

    class Meta:
        constraints: ClassVar = [
            _rollup_unique_key(
                period="quarter_start", of_answers=True, name="answer_quarter_rollup_unique_key"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["survey", "question", "quarter_start"])]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.quarter_start}/{self.value_key}={self.count}"


class ResponseQuarterRollup(RollupCounts):
    """`ResponseRollup` summed over a fiscal quarter of the survey's agency (decision 0055)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="response_quarter_rollups"
    )
    # As on Response: the survey's agency, first in the unique key, for distribution.
    agency = survey_agency_field()
    quarter_start = models.DateField()

    class Meta:
        constraints: ClassVar = [
            _rollup_unique_key(
                period="quarter_start", of_answers=False, name="response_quarter_rollup_unique_key"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["survey", "quarter_start"])]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.quarter_start}={self.count}"


class RollupWatermark(models.Model):
    """How far a survey's responses are folded into its rollups (decision 0068).

    The responses themselves are the intake log, in id order: every response with an id up to
    `folded_through` is in the rollups as it stood when folded (later changes go through
    `rollups_response_changed`); those past it wait for `rollups_fold`. `fold_requested` says a
    fold is queued or due, so intake queues one task per burst and the periodic safety net
    finds the surveys with work left.
    """

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="rollup_watermark")
    folded_through = models.BigIntegerField(default=0)
    fold_requested = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.survey_id}<={self.folded_through}"


# A margin's category for responses without one (no service, no answer...).
NO_CATEGORY = "none"


class PopulationMargin(models.Model):
    """The population count of each category of one variable, to weight a survey's responses.

    `variable` is a response's context (`service` by slug, `channel` by code, `segment` by
    name, `language` by code) or `question:<key>` for the answers to a closed question (by
    value); `counts` maps each category (and `none`, for responses without one) to its
    population count. Results, the report and their CSVs rake the responses to every margin
    of the survey (decision 0040).
    """

    agency = agency_field("population_margins")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="margins")
    variable = models.CharField(_("weight by"), max_length=80)
    counts = models.JSONField(_("population counts"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["variable", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["survey", "variable"], name="population_margin_unique_variable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.variable}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.counts.values())


# --- key driver analyses -------------------------------------------------------------------


class DriverRun(models.Model):
    """One key driver analysis of a survey, computed by the worker and read by every page.

    `spec` says what to compute (outcome, drivers, filters) and `key` is its digest, one row per
    survey and spec. A change to the survey's responses marks its rows stale and queues one
    task (`surveys.tasks.drivers_compute_task`) that recomputes them; pages show the last result
    with its time until then. `generation` counts the changes, so a result computed from older
    responses never clears a newer stale mark.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="driver_runs")
    key = models.CharField(max_length=64)
    spec = models.JSONField()
    result = models.JSONField(null=True, blank=True)
    stale = models.BooleanField(default=True)
    generation = models.PositiveIntegerField(default=0)
    seed = models.BigIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "key"], name="driver_run_unique_key"),
        ]
        indexes: ClassVar = [models.Index(fields=["survey", "stale"])]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.key[:8]}"
