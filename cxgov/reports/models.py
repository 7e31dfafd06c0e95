"""Survey reports: the authored sections of an agency's report for one fiscal year or quarter.

Every figure of a report is computed when it is shown (`reports.selectors.report_build`); only
the text staff write about it is stored here, in English and Spanish (other languages in
`core.AuthoredTranslation`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cxgov.core.i18n import localized
from cxgov.core.models import actor_field, agency_field


class SurveyReport(models.Model):
    """What staff wrote for one agency and period: what we heard, changed, and decided."""

    agency = agency_field("survey_reports")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    what_we_heard = models.TextField(_("what we heard"), blank=True)
    what_we_heard_es = models.TextField(_("what we heard, in Spanish"), blank=True)
    what_we_changed = models.TextField(_("what we changed"), blank=True)
    what_we_changed_es = models.TextField(_("what we changed, in Spanish"), blank=True)
    management_and_budget = models.TextField(
        _("how this informed management and budget"), blank=True
    )
    management_and_budget_es = models.TextField(
        _("how this informed management and budget, in Spanish"), blank=True
    )
    updated_by = actor_field()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency", "-fiscal_year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "quarter"], name="survey_report_one_per_quarter"
            ),
            models.UniqueConstraint(
                fields=["agency", "fiscal_year"],
                condition=models.Q(quarter__isnull=True),
                name="survey_report_one_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="survey_report_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        period = f"FY{self.fiscal_year}" + (f" Q{self.quarter}" if self.quarter else "")
        return f"{self.agency.slug} survey report {period}"

    def authored(self, language: str) -> dict[str, str]:
        """The three authored sections in `language` (Spanish from its column, another language
        from `core.AuthoredTranslation`), falling back to English when there is none."""
        with translation.override(language):
            return {
                name: localized(
                    getattr(self, name),
                    getattr(self, f"{name}_es"),
                    record=self,
                    field=name,
                    page=False,
                )
                for name in ("what_we_heard", "what_we_changed", "management_and_budget")
            }
