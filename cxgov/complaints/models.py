"""Complaints: intake, lifecycle, SLA policies, routing and the customer's review.

EO 12862 §1(g) (complaint systems easily accessible) and §1(h) (means to address complaints).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.complaints.storage import private_storage
from cxgov.core.i18n import LocalizedField
from cxgov.core.models import actor_field, agency_field, optional_link


class Status(models.TextChoices):
    """Where a complaint is in its lifecycle; transitions are in services.TRANSITIONS."""

    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CUSTOMER = "awaiting_customer", _("Waiting for your reply")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    REFERRED = "referred", _("Referred to another agency")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DUPLICATE = "duplicate", _("Duplicate")


# Statuses in which the agency still owes the customer something.
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.AWAITING_CUSTOMER,
)
FINAL_STATUSES = (Status.CLOSED, Status.REFERRED, Status.WITHDRAWN, Status.DUPLICATE)


class Channel(models.TextChoices):
    """How the complaint reached the agency."""

    WEB = "web", _("Web form")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    PHONE = "phone", _("Phone")
    POSTAL_MAIL = "postal_mail", _("Mail")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")
    SURVEY_FOLLOWUP = "survey_followup", _("Survey follow-up")
    IMPORT = "import", _("Imported")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    POSTAL_MAIL = "postal_mail", _("Mail")


class Review(models.TextChoices):
    """The customer's answer to the agency's response."""

    NONE = "", _("No answer yet")
    ACCEPTED = "accepted", _("Accepted")
    DISPUTED = "disputed", _("Disputed")


class NarrativeReview(models.TextChoices):
    """Where a consented narrative stands on its way to the public data."""

    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    WITHHELD = "withheld", _("Withheld")


class ComplaintSettings(models.Model):
    """An agency's choices about its complaints that are not per category or service."""

    agency = models.OneToOneField(
        "core.Agency", on_delete=models.CASCADE, related_name="complaint_settings"
    )
    narrative_publish_after_days = models.PositiveIntegerField(
        _("publish approved narratives this many days after filing, even without a response"),
        null=True,
        blank=True,
        help_text=_("Empty: only once the agency has responded."),
    )
    case_number_patterns = models.TextField(
        _("your claim and case number formats"),
        blank=True,
        help_text=_(
            "One regular expression per line, such as FBA-\\d{4}-\\d{7}. Numbers in these "
            "formats are removed from narratives before anyone reviews them."
        ),
    )

    class Meta:
        verbose_name_plural = "complaint settings"

    def __str__(self) -> str:
        return f"{self.agency} complaint settings"


class Team(models.Model):
    """A group of staff who handle complaints, with a lead who hears of escalations."""

    agency = agency_field("complaint_teams")
    name = models.CharField(_("name"), max_length=200)
    lead = optional_link(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="led_complaint_teams",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="complaint_teams"
    )

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "name"], name="complaint_team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A node of the agency's complaint taxonomy, such as a product and, beneath it, an issue."""

    agency = agency_field("complaint_categories")
    parent = optional_link("self", on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    # Extra questions asked for this category; Open311 service definitions come from here.
    extra_fields = models.JSONField(_("extra fields"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["parent__name", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "parent", "name"], name="complaint_category_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name

    display_name = LocalizedField("name")


class SlaPolicy(models.Model):
    """How fast the agency promises to acknowledge, respond and finish; the most specific wins.

    A policy for a service and category beats one for the service, which beats one for the
    category, which beats the agency-wide one (both empty).
    """

    agency = agency_field("complaint_sla_policies")
    service = optional_link("registry.Service", on_delete=models.CASCADE)
    category = optional_link(Category, on_delete=models.CASCADE)
    acknowledge_business_days = models.PositiveIntegerField(
        _("acknowledge within (business days)"), default=1
    )
    respond_days = models.PositiveIntegerField(_("respond within (days)"), default=15)
    final_days = models.PositiveIntegerField(_("final response within (days)"), default=60)
    respond_in_business_days = models.BooleanField(
        _("count response days as business days"), default=False
    )
    due_soon_business_days = models.PositiveIntegerField(
        _("warn this many business days before a deadline"), default=2
    )
    review_days = models.PositiveIntegerField(
        _("days the customer has to accept or dispute a response"), default=30
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "service", "category"],
                name="complaint_sla_unique_scope",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.service or '*'} · {self.category or '*'}"


class RoutingRule(models.Model):
    """Send matching complaints to a team; the lowest position that matches wins."""

    agency = agency_field("complaint_routing_rules")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="routing_rules")
    service = optional_link("registry.Service", on_delete=models.CASCADE)
    category = optional_link(Category, on_delete=models.CASCADE)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Comma-separated; any one matches.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return f"→ {self.team}"


class Complaint(models.Model):
    """One complaint from a member of the public, from intake to the customer's review.

    Every index costs each intake; only those a query uses are kept (decision 0064).
    """

    # No index of its own: the (agency, status) index serves every look-up by agency.
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="complaints", db_index=False
    )
    service = optional_link(
        "registry.Service", on_delete=models.SET_NULL, related_name="complaints"
    )
    category = optional_link(Category, on_delete=models.SET_NULL, related_name="complaints")
    # Only ever read through the complaint, never searched by: no index.
    suggested_category = optional_link(Category, on_delete=models.SET_NULL, db_index=False)
    suggested_confidence = models.FloatField(null=True, blank=True)
    # Unique within the agency (the rule of cxgov.core.distribution); across agencies 60 random
    # bits keep numbers apart in practice and look-ups by number alone never guess (0070).
    tracking_number = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    source = models.CharField(max_length=40, blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=8, default="en")

    what_happened = models.TextField(_("what happened"))
    desired_resolution = models.TextField(_("what you would like us to do"), blank=True)
    contact_name = models.CharField(_("your name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email address"), blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=40, blank=True)
    postal_address = models.TextField(_("mailing address"), blank=True)
    # The same address in the parts of the public form (empty when staff typed it as text).
    postal_line_1 = models.CharField(_("street address"), max_length=200, blank=True)
    postal_line_2 = models.CharField(_("street address line 2"), max_length=200, blank=True)
    postal_city = models.CharField(_("city"), max_length=100, blank=True)
    postal_state = models.CharField(_("state"), max_length=2, blank=True)
    postal_zip = models.CharField(_("ZIP code"), max_length=10, blank=True)
    contact_preference = models.CharField(
        max_length=20, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    consent_to_publish = models.BooleanField(default=False)
    # The narrative the public may read, once a reviewer approved its scrubbed text.
    narrative_review = models.CharField(
        max_length=10, choices=NarrativeReview.choices, default=NarrativeReview.PENDING
    )
    narrative_public = models.TextField(blank=True)
    narrative_reviewed_at = models.DateTimeField(null=True, blank=True)
    narrative_reviewer = optional_link(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, db_index=False
    )
    # Open311 location and answers to the category's extra fields.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address_string = models.CharField(max_length=300, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    company_response = models.CharField(max_length=200, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    # Given to an Open311 client that asks for a token; resolves to the request id.
    open311_token = models.CharField(max_length=40, blank=True)

    team = optional_link(Team, on_delete=models.SET_NULL, related_name="complaints")
    assignee = optional_link(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="assigned_complaints"
    )
    duplicate_of = optional_link("self", on_delete=models.SET_NULL, related_name="duplicates")
    referred_to = models.CharField(max_length=300, blank=True)
    # The case this one was split from: part of that complaint, now worked on its own.
    split_from = optional_link("self", on_delete=models.SET_NULL, related_name="split_cases")
    # The closed case the customer wrote about again: this case carries their new message.
    follow_up_of = optional_link("self", on_delete=models.SET_NULL, related_name="follow_ups")

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    respond_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    final_due_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_timely = models.BooleanField(null=True, blank=True)
    timely = models.BooleanField(null=True, blank=True)
    final_timely = models.BooleanField(null=True, blank=True)
    review = models.CharField(max_length=10, choices=Review.choices, blank=True, default="")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["agency", "status"]),
            # Equality look-ups only (import and email dedupe, Open311 tokens): plain indexes,
            # without the pattern-match twin PostgreSQL adds for `db_index` text fields.
            models.Index(fields=["source_ref"], name="complaint_source_ref"),
            models.Index(fields=["open311_token"], name="complaint_open311_token"),
            # The public status page and inbound mail find a complaint by its number alone.
            models.Index(fields=["tracking_number"], name="complaint_tracking_number"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "tracking_number"], name="complaint_unique_tracking_number"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_due_at(self):  # type: ignore[no-untyped-def]
        """The deadline the agency is working to now, if any."""
        if self.status == Status.RECEIVED:
            return self.acknowledge_due_at
        if self.status in OPEN_STATUSES:
            return self.respond_due_at if self.responded_at is None else self.final_due_at
        return None


def _complaint_agency() -> models.ForeignKey:
    """The complaint's agency, kept on each of its large child tables so that they can be
    distributed with their complaint by agency (cxgov.core.distribution, decision 0070)."""
    return models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )


class Transition(models.Model):
    """One status change of a complaint: the history the case page and the customer see."""

    agency = _complaint_agency()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = actor_field()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class Pause(models.Model):
    """A stretch while the agency waited for the customer; SLA clocks skip it."""

    agency = _complaint_agency()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d} - {self.ended_at or ''}"


class Note(models.Model):
    """An internal note among staff; never shown to the customer."""

    agency = _complaint_agency()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class ResponseCategory(models.TextChoices):
    """How the agency answered, as the CFPB's "Company response to consumer"."""

    CLOSED_WITH_EXPLANATION = "closed_with_explanation", _("Closed with explanation")
    CLOSED_WITH_RELIEF = "closed_with_relief", _("Closed with relief")
    CLOSED_WITH_NON_MONETARY_RELIEF = (
        "closed_with_non_monetary_relief",
        _("Closed with non-monetary relief"),
    )
    IN_PROGRESS = "in_progress", _("In progress")
    UNTIMELY = "untimely", _("Untimely response")


# The CFPB's wording of each category, kept in Complaint.company_response for the public data.
RESPONSE_CATEGORY_CFPB = {
    ResponseCategory.CLOSED_WITH_EXPLANATION: "Closed with explanation",
    ResponseCategory.CLOSED_WITH_RELIEF: "Closed with monetary relief",
    ResponseCategory.CLOSED_WITH_NON_MONETARY_RELIEF: "Closed with non-monetary relief",
    ResponseCategory.IN_PROGRESS: "In progress",
    ResponseCategory.UNTIMELY: "Untimely response",
}


class Message(models.Model):
    """A message between the agency and the customer, shown on the tracking page.

    A message with a response category is the agency's response, which the customer accepts
    or disputes. Internal notes are a separate model and never reach the customer.
    """

    class Direction(models.TextChoices):
        TO_CUSTOMER = "to_customer", _("From the agency")
        FROM_CUSTOMER = "from_customer", _("From the customer")

    class Via(models.TextChoices):
        STAFF = "staff", _("Case page")
        WEB = "web", _("Status page")
        EMAIL = "email", _("Email")

    agency = _complaint_agency()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    author = actor_field()
    body = models.TextField(_("message"))
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.STAFF)
    response_category = models.CharField(
        max_length=40, choices=ResponseCategory.choices, blank=True, default=""
    )
    # The Message-ID of an email reply, so a mailbox read twice adds it once.
    email_message_id = models.CharField(max_length=250, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]

    @property
    def is_response(self) -> bool:
        return bool(self.response_category)


class CannedResponse(models.Model):
    """A ready answer of the agency, in English and Spanish, with placeholders.

    `{tracking_number}`, `{name}` and `{service}` are filled in for the complaint; any other
    text in braces is left as written.
    """

    agency = agency_field("complaint_canned_responses")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text in English"))
    body_es = models.TextField(_("text in Spanish"), blank=True)
    response_category = models.CharField(
        _("response category"),
        max_length=40,
        choices=ResponseCategory.choices,
        blank=True,
        default="",
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["title", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "title"], name="complaint_canned_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class SavedQueueFilter(models.Model):
    """A queue filter a person saved under a name; only they see and apply it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="complaint_queue_filters"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    # The queue's query string, kept to the queue's own filter keys.
    query = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "agency", "name"], name="complaint_queue_filter_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """A due-soon or overdue warning already sent for one clock of one complaint."""

    agency = _complaint_agency()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    clock = models.CharField(max_length=20)  # acknowledge, respond, final
    level = models.CharField(max_length=10)  # due_soon, overdue
    deadline = models.DateTimeField()
    notified = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "complaint", "clock", "level", "deadline"],
                name="complaint_escalation_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clock} {self.level}"


class IntakeKey(models.Model):
    """The idempotency key a complaint was filed with: a retry with the same key and the same
    complaint gets this complaint back instead of filing another.

    Only hashes are kept: of the key with who sent it, and of what the complaint says.
    """

    agency = _complaint_agency()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="intake_keys")
    key_hash = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # A key is the agency's: the same key sent to two agencies files with each.
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "key_hash"], name="complaint_intake_key"),
            models.UniqueConstraint(
                fields=["agency", "complaint"], name="complaint_intake_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_hash[:12]}… → {self.complaint_id}"


class Attachment(models.Model):
    """A file sent with the complaint or with a message, kept outside the web root."""

    agency = _complaint_agency()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    # The message the file came with; empty for files sent with the complaint itself.
    message = optional_link(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class ClassifierModel(models.Model):
    """A trained category classifier of one agency; the newest version is used."""

    agency = agency_field("complaint_classifiers")
    version = models.PositiveIntegerField()
    # Plain arrays in a NumPy .npz (insights.complaint_classifier.model_dump), never pickle.
    model = models.BinaryField()
    labels = models.JSONField(default=list)
    accuracy = models.FloatField()
    macro_f1 = models.FloatField()
    n_train = models.PositiveIntegerField()
    n_test = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "version"], name="complaint_classifier_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} v{self.version}"
