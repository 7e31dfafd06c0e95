"""Demo maturity self-assessments of the Federal Benefits Administration ("fba"): last fiscal
year's and this year's, so the maturity page shows scores, evidence and a year-on-year trend,
and the oversight page has a row to compare.

Last year the agency measured but had little governance; this year it posted standards, tied
its action plan to the budget and started journey research. Two statements of this year are
not scored yet, as in an assessment still being filled in.
"""

from __future__ import annotations

from datetime import date

from cxgov.core.models import Agency, User
from cxgov.maturity.models import Assessment
from cxgov.maturity.selectors import current_fiscal_year
from cxgov.maturity.services import AnswerInput, assessment_save

EVIDENCE = "https://www.fba.example.gov/cx"

# statement key: (last year's score, this year's score or None, evidence path, this year's note)
SCORES: dict[str, tuple[int, int | None, str, str]] = {
    "measurement.feedback": (3, 4, "/feedback", "Every channel of the three services now asks."),
    "measurement.standards": (2, 4, "/standards", "Standards posted for each service in March."),
    "measurement.publish": (2, 3, "/performance", "Quarterly results published; one was late."),
    "governance.leadership": (2, 3, "", "The deputy administrator reviews CX each quarter."),
    "governance.plan": (1, 3, "/action-plan", "The action plan is part of the budget request."),
    "governance.actions": (2, 3, "", "Actions are tracked to done, with owners and dates."),
    "culture.staff": (2, 2, "", "Training is planned for the spring."),
    "culture.frontline": (3, 3, "", "Front-line staff send barriers and ideas each month."),
    "culture.shared": (2, None, "", ""),
    "understanding.research": (1, 2, "/research", "First journey interviews with retirees."),
    "understanding.segments": (2, 3, "", "Results are read by channel and language."),
    "understanding.loop": (3, 4, "", "Low scores get a follow-up within five business days."),
    "design.human": (1, 2, "", "One service redesigned with its customers."),
    "design.accessible": (3, 3, "/accessibility", "Forms tested with screen readers."),
    "design.iterate": (2, None, "", ""),
}


def demo_load(*, today: date | None = None) -> list[Assessment]:
    """The fba assessments of the previous and the current fiscal year; running again changes
    nothing."""
    agency = Agency.objects.filter(slug="fba").first()
    if agency is None:
        return []
    existing = list(Assessment.objects.filter(agency=agency))
    if existing:
        return existing
    actor = User.objects.filter(email="admin@fba.example.gov").first()
    this_year = current_fiscal_year(agency=agency, today=today)
    previous = {
        key: AnswerInput(score=last, evidence_url=f"{EVIDENCE}{path}" if path and last > 2 else "")
        for key, (last, _now, path, _note) in SCORES.items()
    }
    current = {
        key: AnswerInput(
            score=now, evidence_url=f"{EVIDENCE}{path}" if path and now else "", note=note
        )
        for key, (_last, now, path, note) in SCORES.items()
    }
    return [
        assessment_save(actor=actor, agency=agency, fiscal_year=this_year - 1, answers=previous),
        assessment_save(actor=actor, agency=agency, fiscal_year=this_year, answers=current),
    ]
