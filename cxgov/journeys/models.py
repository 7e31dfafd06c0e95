"""Journey maps of an agency's services, the personas they follow and the site-wide life
experiences (e.g. "Approaching retirement") they belong to, with each stage's burden."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import NamedRecord, agency_field, optional_link
from cxgov.registry.models import ChannelKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MINUTES_LIMIT = 100_000  # about ten weeks of a customer's own time at one stage
COUNT_LIMIT = 1000


def _minutes_field(
    verbose_name: StrOrPromise,
) -> models.DecimalField[Decimal | None, Decimal | None]:
    """Optional customer minutes at a stage, to the hundredth and within `MINUTES_LIMIT`."""
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MINUTES_LIMIT)],
    )


class LifeExperience(NamedRecord):
    """A moment of life that takes people through services of several agencies. Site-wide:
    created by oversight staff, and any agency's journey may be tagged with one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]


class Persona(NamedRecord):
    """An archetypal customer of one of the agency's customer segments."""

    agency = agency_field("personas")
    segment = optional_link(
        "registry.CustomerSegment",
        on_delete=models.SET_NULL,
        related_name="personas",
        verbose_name=_("customer segment"),
    )
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    description = models.TextField(
        _("who they are and what they need"), max_length=4000, blank=True
    )

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "name"], name="persona_unique_name"),
        ]


class Journey(models.Model):
    """A journey map: what a customer goes through, stage by stage, across one or more services."""

    agency = agency_field("journeys")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    services = models.ManyToManyField(
        "registry.Service", blank=True, related_name="journeys", verbose_name=_("services")
    )
    persona = optional_link(
        Persona, on_delete=models.SET_NULL, related_name="journeys", verbose_name=_("persona")
    )
    life_experience = optional_link(
        LifeExperience,
        on_delete=models.SET_NULL,
        related_name="journeys",
        verbose_name=_("life experience"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TimeSource(models.TextChoices):
    NONE = "", _("Not measured")
    RESEARCH = "research", _("Customer research")
    SURVEY = "survey", _("A survey's number question")


class JourneyStage(NamedRecord):
    """One stage of a journey: what the customer does, where, what hurts, what matters, and
    what it costs them. Survey responses, a standard and complaints attach to it."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    service_stage = optional_link(
        "registry.ServiceStage",
        on_delete=models.SET_NULL,
        related_name="journey_stages",
        verbose_name=_("service stage"),
        help_text=_("Survey responses given at this stage of the service count here."),
    )
    customer_actions = models.TextField(_("what the customer does"), max_length=4000, blank=True)
    channels = models.JSONField(_("channels used"), default=list, blank=True)
    pain_points = models.TextField(_("pain points"), max_length=4000, blank=True)
    moments_that_matter = models.TextField(_("moments that matter"), max_length=4000, blank=True)
    time_source = models.CharField(
        _("customer time from"),
        max_length=12,
        choices=TimeSource.choices,
        default=TimeSource.NONE,
        blank=True,
    )
    minutes = _minutes_field(_("customer minutes (mean)"))
    minutes_low = _minutes_field(_("95% interval, low"))
    minutes_high = _minutes_field(_("95% interval, high"))
    sample_n = models.PositiveIntegerField(_("people observed (n)"), null=True, blank=True)
    time_question = optional_link(
        "surveys.Question",
        on_delete=models.SET_NULL,
        verbose_name=_("survey question asking the minutes"),
    )
    standard = optional_link(
        "standards.Standard",
        on_delete=models.SET_NULL,
        related_name="journey_stages",
        verbose_name=_("service standard (wait and processing time)"),
    )
    complaint_category = optional_link(
        "complaints.Category", on_delete=models.SET_NULL, verbose_name=_("complaint category")
    )
    forms_count = models.PositiveSmallIntegerField(
        _("forms"), default=0, validators=[MaxValueValidator(COUNT_LIMIT)]
    )
    visits_count = models.PositiveSmallIntegerField(
        _("visits"), default=0, validators=[MaxValueValidator(COUNT_LIMIT)]
    )
    documents_count = models.PositiveSmallIntegerField(
        _("documents"), default=0, validators=[MaxValueValidator(COUNT_LIMIT)]
    )

    class Meta:
        ordering: ClassVar = ["journey", "position", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(minutes_low__isnull=True)
                | Q(minutes_high__isnull=True)
                | Q(minutes_low__lte=models.F("minutes_high")),
                name="journey_stage_interval_ordered",
            ),
        ]

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(ChannelKind.choices)
        return [str(labels.get(code, code)) for code in self.channels]
