"""`report_build`: one agency's report for a period, assembled from its sections."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cxgov.core.models import Agency
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


def report_build(
    *, agency: Agency, fiscal_year: int, quarter: int | None, language: str = "en"
) -> ReportData:
    """The agency's survey report for the period, in `language` (call an access_* first)."""
    period = ReportPeriod(fiscal_year, quarter, agency.fiscal_year_start_month)
    min_n = suppression_threshold()
    with translation.override(language):
        report = survey_report_for(agency=agency, period=period)
        authored = report.authored(language) if report else {}
        sections = [
            _methods_section(agency, period, min_n, language),
            _results_section(agency, period, min_n, language),
            _drivers_section(agency, period, min_n, language),
            _benchmarks_section(agency, period, min_n),
            _standards_section(agency, period, language),
            _complaints_section(agency, period, min_n),
            _themes_section(agency, period, min_n),
        ]
        for name in AUTHORED_SECTIONS:
            sections.append(
                Section(
                    name,
                    str(SECTION_HEADINGS[name]),
                    text=authored.get(name, ""),
                    authored=True,
                )
            )
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
    )
