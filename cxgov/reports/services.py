"""Writes of survey reports: the authored sections, with an audit event each time."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cxgov.core.models import Agency, User
from cxgov.core.services import audit_record
from cxgov.reports.models import SurveyReport

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
