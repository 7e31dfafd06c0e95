"""The service inventory: agencies' services, customers, journey stages and channels.

Agencies themselves are `core.Agency`.

EO 12862 §1(a) (identify customers) and §1(f) (choices of where and how to get service).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cxgov.core.i18n import LocalizedField
from cxgov.core.models import Agency, NamedRecord, agency_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Service(NamedRecord):
    """A service an agency gives the public, such as "Apply for a passport"."""

    agency = agency_field("services")
    name = models.CharField(_("name"), max_length=300)
    name_es = models.CharField(_("name in Spanish"), max_length=300, blank=True)
    slug = models.SlugField(_("short name in web addresses"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    kind = models.TextField(_("kind of service"), blank=True)
    is_hisp = models.BooleanField(_("high-impact service (HISP)"), default=False)
    designated_for_improvement = models.BooleanField(_("designated for improvement"), default=False)
    customers_description = models.TextField(_("who its customers are"), blank=True)
    estimated_annual_customers = models.PositiveBigIntegerField(
        _("estimated customers a year"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.DRAFT
    )
    segments = models.ManyToManyField(
        "CustomerSegment", blank=True, related_name="services", verbose_name=_("customer segments")
    )
    # Source-specific facts kept from imports, e.g. Canada's online interaction points.
    details = models.JSONField(_("imported details"), default=dict, blank=True)
    source = models.CharField(_("imported from"), max_length=40, blank=True)
    source_id = models.CharField(max_length=100, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["agency__name", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "slug"], name="service_unique_slug"),
        ]

    display_description = LocalizedField("description")


class CustomerSegment(NamedRecord):
    """A group of customers an agency serves, such as "Retirees" or "Small businesses"."""

    agency = agency_field("segments")
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    estimated_size = models.PositiveBigIntegerField(_("estimated size"), null=True, blank=True)
    source_id = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "name"], name="segment_unique_name"),
        ]


class ServiceStage(NamedRecord):
    """A step of the customer's journey through a service: start, process, end by default."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering: ClassVar = ["position", "id"]


class ChannelKind(models.TextChoices):
    """Ways to get service, after the channel values Touchpoints and A-11 reporting use."""

    WEBSITE = "website", _("Website")
    COMPUTER = "computer", _("Online application on a computer")
    MOBILE = "mobile", _("Mobile app")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    AUTOMATED_PHONE = "automated_phone", _("Automated phone line")
    TTY_RELAY = "tty_relay", _("TTY or relay service")
    SMS = "sms", _("Text message")
    CHAT = "chat", _("Chat or chatbot")
    VIDEO = "video", _("Video call")
    SOCIAL_MEDIA = "social_media", _("Social media")
    IN_PERSON = "in_person", _("In person")
    KIOSK = "kiosk", _("Kiosk")
    PAPER = "paper", _("Paper form")
    POSTAL_MAIL = "postal_mail", _("Mail")
    FAX = "fax", _("Fax")
    MIXED = "mixed", _("Several channels")
    OTHER = "other", _("Other")


DIGITAL_KINDS = frozenset(
    {
        ChannelKind.WEBSITE,
        ChannelKind.COMPUTER,
        ChannelKind.MOBILE,
        ChannelKind.EMAIL,
        ChannelKind.SMS,
        ChannelKind.CHAT,
        ChannelKind.VIDEO,
        ChannelKind.SOCIAL_MEDIA,
        ChannelKind.KIOSK,
    }
)


class Channel(NamedRecord):
    """One way to get a service, with where to find it, when it is open and what it costs."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind of channel"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    url = models.URLField(_("web address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    tty = models.CharField(_("TTY or relay number"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    instructions = models.TextField(_("what to know before you use it"), blank=True)
    instructions_es = models.TextField(_("what to know, in Spanish"), blank=True)
    languages = models.JSONField(
        _("languages offered"),
        default=list,
        blank=True,
        help_text=_("Language codes, e.g. en, es."),
    )
    always_open = models.BooleanField(_("open 24 hours, every day"), default=False)
    closed_on_federal_holidays = models.BooleanField(_("closed on federal holidays"), default=True)
    annual_volume = models.PositiveBigIntegerField(_("transactions a year"), null=True, blank=True)
    annual_enquiries = models.PositiveBigIntegerField(
        _("enquiries or visits a year"),
        null=True,
        blank=True,
        help_text=_("Contacts that are not transactions: phone enquiries, website visits."),
    )
    cost_per_transaction = models.DecimalField(
        _("cost per transaction (USD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_digital = models.BooleanField(_("digital channel"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    source_id = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]

    display_instructions = LocalizedField("instructions")


class ChannelVolume(models.Model):
    """A channel's volumes in one fiscal year, as a source file published them.

    The channel itself holds the latest year; these rows keep every year an import has seen.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="volumes")
    fiscal_year = models.CharField(_("fiscal year"), max_length=20)
    annual_volume = models.PositiveBigIntegerField(_("transactions a year"), null=True, blank=True)
    annual_enquiries = models.PositiveBigIntegerField(
        _("enquiries or visits a year"), null=True, blank=True
    )

    class Meta:
        ordering: ClassVar = ["channel", "fiscal_year"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["channel", "fiscal_year"], name="channel_volume_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.fiscal_year}"


class OpeningHours(models.Model):
    """One opening interval of a channel on a weekday, in the agency's time zone.

    An interval that closes before it opens (22:00-06:00) is an overnight shift: it starts on
    `weekday` and closes the next morning.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering: ClassVar = ["weekday", "opens"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(closes=models.F("opens")), name="hours_close_differs_from_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class ChannelClosure(models.Model):
    """A date a channel is closed besides federal holidays, such as a local office closure."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("date"))
    name = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["date"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "date"], name="closure_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


def _days(setting: str) -> int:
    from django.conf import settings

    return int(getattr(settings, setting))


def default_complaint_contact_days() -> int:
    return _days("RETENTION_COMPLAINT_CONTACT_DAYS")


def default_survey_ip_days() -> int:
    return _days("RETENTION_SURVEY_IP_DAYS")


def default_survey_contact_days() -> int:
    return _days("RETENTION_SURVEY_CONTACT_DAYS")


def default_invitation_email_days() -> int:
    return _days("RETENTION_INVITATION_EMAIL_DAYS")


def _retention_days(
    verbose_name: StrOrPromise, *, default: Callable[[], int]
) -> models.PositiveIntegerField[int, int]:
    """How many days one kind of personal detail is kept: at most a hundred years."""
    return models.PositiveIntegerField(
        verbose_name, default=default, validators=[MaxValueValidator(36500)]
    )


class RetentionPolicy(models.Model):
    """How long an agency keeps personal details before `retention_purge` removes them.

    An agency without a row uses the defaults from the environment (RETENTION_* settings).
    """

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="retention_policy")
    complaint_contact_days = _retention_days(
        _("days after a complaint closes to keep contact details and attachments"),
        default=default_complaint_contact_days,
    )
    survey_ip_days = _retention_days(
        _("days to keep the IP address of survey responses"), default=default_survey_ip_days
    )
    survey_contact_days = _retention_days(
        _("days to keep contact email addresses given with survey responses"),
        default=default_survey_contact_days,
    )
    invitation_email_days = _retention_days(
        _("days to keep the email addresses of survey invitations"),
        default=default_invitation_email_days,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.agency} retention"
