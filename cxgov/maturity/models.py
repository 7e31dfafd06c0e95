"""An agency's maturity self-assessment for one fiscal year, one answer per bank statement."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import actor_field, agency_field
from cxgov.maturity.bank import HIGHEST, LOWEST

FIRST_YEAR = 2000
LAST_YEAR = 2100


class Assessment(models.Model):
    """The agency's self-assessment of one fiscal year (named for the year it ends in)."""

    agency = agency_field("maturity_assessments")
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = actor_field()

    class Meta:
        ordering: ClassVar = ["agency", "-fiscal_year"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "fiscal_year"], name="maturity_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} FY{self.fiscal_year}"


class Answer(models.Model):
    """The score, evidence link and note given to one statement of the bank."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    statement = models.CharField(_("statement"), max_length=40)
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)],
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    note = models.TextField(_("evidence note"), max_length=2000, blank=True)

    class Meta:
        ordering: ClassVar = ["assessment", "statement"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["assessment", "statement"], name="maturity_one_answer_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=LOWEST, score__lte=HIGHEST),
                name="maturity_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.score}"
