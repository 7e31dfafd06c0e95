"""Writes of survey reports: the authored sections, with an audit event each time."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cxgov.core.models import Agency, User
from cxgov.core.services import audit_record
from cxgov.reports.models import SurveyReport
from cxgov.reports.selectors import report_drivers_missing
from cxgov.surveys.services import drivers_compute, drivers_request

AUTHORED_FIELDS = (
    "what_we_heard",
    "what_we_heard_es",
    "what_we_changed",
    "what_we_changed_es",
    "management_and_budget",
    "management_and_budget_es",
)


@transaction.atomic
def survey_report_update(
    *,
    actor: User | None,
    agency: Agency,
    fiscal_year: int,
    quarter: int | None,
    sections: dict[str, str],
) -> SurveyReport:
    """Save the authored sections of the agency's report for the period (made if missing).

    Only the keys of `sections` that are authored fields change; the audit event lists them.
    """
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1 to 4, got {quarter}")
    unknown = set(sections) - set(AUTHORED_FIELDS)
    if unknown:
        raise ValueError(f"not an authored section: {', '.join(sorted(unknown))}")
    report = (
        SurveyReport.objects.select_for_update()
        .filter(agency=agency, fiscal_year=fiscal_year, quarter=quarter)
        .first()
    )
    created = report is None
    if report is None:
        report = SurveyReport(agency=agency, fiscal_year=fiscal_year, quarter=quarter)
    changed = [name for name, text in sections.items() if getattr(report, name) != text.strip()]
    for name in changed:
        setattr(report, name, sections[name].strip())
    if changed or created:
        report.updated_by = actor if actor is not None and actor.pk else None
        report.updated_at = timezone.now()
        report.save()
        audit_record(
            actor=actor,
            action="survey_report.update",
            agency=agency,
            target=report,
            data={"fiscal_year": fiscal_year, "quarter": quarter, "changed": sorted(changed)},
        )
    return report


def report_drivers_request(
    *, agency: Agency, fiscal_year: int, quarter: int | None, wait: bool = False
) -> int:
    """Ask the worker for the driver analyses the report needs and has not got; returns how
    many. `wait` computes them here instead (`cxgov build_report`, which writes a file once)."""
    missing = report_drivers_missing(agency=agency, fiscal_year=fiscal_year, quarter=quarter)
    for survey, spec in missing:
        drivers_request(survey=survey, spec=spec)
    if wait:
        for survey_id in sorted({survey.pk for survey, _spec in missing}):
            drivers_compute(survey_id=survey_id)
    return len(missing)
