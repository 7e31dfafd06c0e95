"""`report_build`: one agency's report for a period, assembled from its sections."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cxgov.core.models import Agency
from cxgov.reports.models import SurveyReport
from cxgov.reports.selectors.document import (
    AUTHORED_SECTIONS,
    SECTION_HEADINGS,
    ReportData,
    Section,
)
from cxgov.reports.selectors.drivers import _drivers_section
from cxgov.reports.selectors.periods import ReportPeriod, survey_report_for
from cxgov.reports.selectors.records import (
    _benchmarks_section,
    _complaints_section,
    _standards_section,
)
from cxgov.reports.selectors.survey_results import (
    _methods_section,
    _results_section,
    _themes_section,
)
from cxgov.surveys.selectors import suppression_threshold

# --- assembly ---------------------------------------------------------------------------------


def authored_sections(report: SurveyReport | None, language: str) -> list[Section]:
    """The written sections of the report in `language`, each empty until written."""
    authored = report.authored(language) if report else {}
    with translation.override(language):
        return [
            Section(name, str(SECTION_HEADINGS[name]), text=authored.get(name, ""), authored=True)
            for name in AUTHORED_SECTIONS
        ]


def report_build(
    *, agency: Agency, fiscal_year: int, quarter: int | None, language: str = "en"
) -> ReportData:
    """The agency's survey report for the period, in `language` (call an access_* first)."""
    period = ReportPeriod(fiscal_year, quarter, agency.fiscal_year_start_month)
    min_n = suppression_threshold()
    with translation.override(language):
        report = survey_report_for(agency=agency, period=period)
        drivers, drivers_missing = _drivers_section(agency, period, min_n, language)
        sections = [
            _methods_section(agency, period, min_n, language),
            _results_section(agency, period, min_n, language),
            drivers,
            _benchmarks_section(agency, period, min_n),
            _standards_section(agency, period, language),
            _complaints_section(agency, period, min_n),
            _themes_section(agency, period, min_n),
        ]
        sections.extend(authored_sections(report, language))
        title = _("Customer experience survey report: %(agency)s, %(period)s") % {
            "agency": agency.name,
            "period": period.label,
        }
    return ReportData(
        agency=agency,
        period=period,
        language=language,
        title=title,
        sections=sections,
        report=report,
        threshold=min_n,
        generated_at=timezone.now(),
        drivers_missing=drivers_missing,
    )
