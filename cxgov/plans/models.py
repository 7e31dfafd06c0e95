"""Customer service plans (EO 12862 §3): a draft per agency and year, and its published versions.

The draft holds the text the agency writes, section by section, in English and Spanish. The
facts (customers, services, channels, standards, surveys, benchmarks, complaint timelines) are
read from the live records when the plan is published and frozen into an immutable version.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import DocumentStatus, actor_field, agency_field

TEXT_MAX_LENGTH = 20_000


class SectionKey(models.TextChoices):
    """The sections of a plan, in the order the public reads them."""

    CUSTOMERS = "customers", _("Who our customers are")
    SERVICES = "services", _("Our services and how to reach us")
    STANDARDS = "standards", _("Our service standards and latest results")
    SURVEYS = "surveys", _("How we will ask for your views")
    BENCHMARKS = "benchmarks", _("Who we compare ourselves with, and why")
    COMPLAINTS = "complaints", _("How to complain and what happens next")
    TRAINING = "training", _("Training for the staff who serve you")


class Plan(models.Model):
    """An agency's customer service plan for one fiscal year."""

    agency = agency_field("service_plans")
    year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    # The surveys the plan tells the public about: chosen by staff, never every live survey.
    surveys = models.ManyToManyField(
        "surveys.Survey", blank=True, related_name="service_plans", verbose_name=_("surveys")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-year"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "year"], name="plan_one_per_agency_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} FY{self.year}"


class PlanSection(models.Model):
    """The agency's own words for one section of the draft, in English and Spanish."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=20, choices=SectionKey.choices)
    text_en = models.TextField(_("text in English"), blank=True, max_length=TEXT_MAX_LENGTH)
    text_es = models.TextField(_("text in Spanish"), blank=True, max_length=TEXT_MAX_LENGTH)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_section_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_key_display()}"


class PlanVersionQuerySet(models.QuerySet["PlanVersion"]):
    """Versions are added and read, never changed in bulk."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Published plan versions cannot be changed.")


class PlanVersion(models.Model):
    """A published plan, frozen: the records and the text exactly as they were at publishing."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = actor_field()
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(default=timezone.now)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published version is a public record: it is written once.
        if not self._state.adding:
            raise PermissionError("Published plan versions cannot be changed.")
        super().save(*args, **kwargs)
