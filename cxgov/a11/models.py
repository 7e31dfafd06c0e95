"""OMB Circular A-11 Section 280 quarterly CX data collections, one per service per quarter.

A collection holds what the agency reports for a service in a fiscal quarter: volumes, the
survey it drew responses from, the trust question and the survey's OMB control number. It
moves draft -> submitted -> published, or is marked not reported; oversight rates it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import actor_field, agency_field
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.models import ChannelKind


class CollectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    NOT_REPORTED = "not_reported", _("Not reported")


class SurveyScale(models.TextChoices):
    """The trust question's response scale, as Touchpoints names it."""

    THUMBS = "thumbs_up_down", _("Thumbs up or down")
    LIKERT = "likert_scale", _("5-point agreement scale")


class FeedbackType(models.TextChoices):
    """The three kinds of feedback survey Section 280 lists."""

    POST_INTERACTION = "post_interaction", _("Post-interaction")
    POST_JOURNEY = "post_service_journey", _("Post-service journey")
    RELATIONAL = "relational", _("Relational")


class Rating(models.TextChoices):
    """Oversight's judgement of a quarter's report."""

    WITHIN = "within_guidelines", _("Reporting within A-11 guidelines")
    PARTIAL = "partially", _("Reporting partially within A-11 guidelines")
    NOT_SUBMITTING = "not_submitting", _("Not submitting data")


class Collection(models.Model):
    """One service's A-11 report for one fiscal quarter."""

    agency = agency_field("a11_collections")
    service = models.ForeignKey(
        "registry.Service", on_delete=models.CASCADE, related_name="a11_collections"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(
        _("status"), max_length=16, choices=CollectionStatus.choices, default=CollectionStatus.DRAFT
    )
    surveys = models.ManyToManyField(
        "surveys.Survey", blank=True, related_name="a11_collections", verbose_name=_("surveys")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices, blank=True)
    transaction_point = models.CharField(_("transaction point"), max_length=300, blank=True)
    feedback_type = models.CharField(
        _("type of feedback survey"), max_length=24, choices=FeedbackType.choices, blank=True
    )
    survey_type = models.CharField(
        _("trust question scale"), max_length=16, choices=SurveyScale.choices, blank=True
    )
    trust_question_text = models.CharField(_("trust question text"), max_length=500, blank=True)
    omb_control_number = models.CharField(_("OMB control number"), max_length=20, blank=True)
    omb_expiration_date = models.DateField(_("OMB expiration date"), null=True, blank=True)
    volume_of_customers = models.PositiveBigIntegerField(
        _("customers served"), null=True, blank=True
    )
    volume_offered = models.PositiveBigIntegerField(
        _("customers offered the survey"), null=True, blank=True
    )
    volume_of_respondents = models.PositiveBigIntegerField(_("respondents"), null=True, blank=True)
    reflection_text = models.TextField(_("what the agency learned"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = actor_field()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = actor_field()
    not_reported_reason = models.TextField(_("why it was not reported"), blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    rated_by = actor_field()

    class Meta:
        ordering: ClassVar = ["-fiscal_year", "-quarter", "service__name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["service", "fiscal_year", "quarter"], name="a11_collection_one_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="a11_collection_quarter"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["agency", "fiscal_year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.service} FY{self.fiscal_year} Q{self.quarter}"

    @property
    def period(self) -> FiscalQuarter:
        return FiscalQuarter(self.fiscal_year, self.quarter)

    @property
    def editable(self) -> bool:
        return self.status == CollectionStatus.DRAFT


class ImportedQuarter(models.Model):
    """One survey-quarter of published A-11 figures: volumes and the published point scales.

    Written by the performance.gov importer (`a11.importers_performance_gov`).
    """

    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.CASCADE, related_name="imported_quarters"
    )
    fiscal_year = models.PositiveIntegerField()
    quarter = models.PositiveSmallIntegerField()
    source_id = models.CharField(max_length=40, blank=True)
    service_provided = models.CharField(max_length=300, blank=True)
    transaction_point = models.CharField(max_length=300, blank=True)
    channel_text = models.CharField(max_length=100, blank=True)
    volume_of_customers = models.BigIntegerField(null=True, blank=True)
    volume_offered_survey = models.BigIntegerField(null=True, blank=True)
    volume_of_respondents = models.BigIntegerField(null=True, blank=True)
    omb_control_number = models.CharField(max_length=40, blank=True)
    # {"satisfaction": "4.70", ...}: the point_scale figures as published, for comparison.
    published_point_scale = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Made by the surveys app before the model moved here; the table keeps its name.
        db_table = "surveys_importedquarter"
        ordering: ClassVar = ["survey", "fiscal_year", "quarter"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["survey", "fiscal_year", "quarter"], name="imported_quarter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} FY{self.fiscal_year} Q{self.quarter}"
