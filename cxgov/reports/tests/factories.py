"""Survey data for report tests: an agency's A-11 surveys and an employee survey, with answers.

Rows come from the demo generators (fixed seeds), in smaller numbers; every response falls in
FY2026 or early FY2027 (the demo's last day is 2026-11-20).
"""

from __future__ import annotations

from cxgov.core.models import Agency
from cxgov.registry.models import Service
from cxgov.surveys.demo import a11_v1_rows, a11_v2_rows, employee_rows
from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import response_bulk_create, survey_create, survey_publish
from cxgov.testing.factories import ServiceFactory, cleared


def report_surveys(
    agency: Agency, *, customers: int = 200, employees: bool = True
) -> tuple[list[Service], list[Survey]]:
    """Two services, an A-11 v2 and v1 survey with `customers` responses each, and the
    employee survey (52 answers; one team under the suppression threshold), folded into the
    rollups as the worker would."""
    services = [
        ServiceFactory(agency=agency, name="Apply for benefits", slug="apply-for-benefits"),
        ServiceFactory(agency=agency, name="Replace a card", slug="replace-a-card"),
    ]
    v2 = survey_create(actor=None, agency=agency, template="a11_v2", services=services)
    v1 = survey_create(
        actor=None, agency=agency, template="a11_v1", title="Applying", services=services[:1]
    )
    surveys = [v2, v1]
    for survey in surveys:
        survey_publish(actor=None, survey=cleared(survey))
    response_bulk_create(
        actor=None, survey=v2, rows=a11_v2_rows(services, count=customers, prefix="t-v2")
    )
    response_bulk_create(actor=None, survey=v1, rows=a11_v1_rows(services[:1], count=customers))
    if employees:
        employee = survey_create(actor=None, agency=agency, template="employee_barriers")
        survey_publish(actor=None, survey=employee)
        response_bulk_create(actor=None, survey=employee, rows=employee_rows())
        surveys.append(employee)
    rollups_fold_due()
    return services, surveys
