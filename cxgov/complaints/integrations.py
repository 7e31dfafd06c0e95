"""Where complaints meet the other parts: posted standards and survey follow-ups.

- A service standard whose source is "complaints" ("We give a final response to 90% of
  complaints within 60 days") takes its results from the complaint lifecycle.
- A survey response with a low overall score and consent to be contacted opens a follow-up case.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

from cxgov.complaints.selectors import complaint_timeliness_by_day
from cxgov.complaints.services import followup_case_open
from cxgov.core.languages import language_for
from cxgov.core.selectors import agency_calendar

if TYPE_CHECKING:
    from cxgov.standards.models import Standard
    from cxgov.standards.results import PeriodCounts
    from cxgov.surveys.models import Response

# The first scale question of a survey is its overall question; at or below these it is low.
LOW_SCORE = {"thumbs": 0, "likert": 2, "nps": 6, "rating_10": 4}
# How far back a complaints standard looks for closed complaints.
HISTORY_DAYS = 3 * 366


def complaints_standard_counts(standard: Standard) -> list[PeriodCounts]:
    """Per reporting period: complaints closed, and closed within their final-response clock."""
    from cxgov.standards.results import PeriodCounts

    calendar = agency_calendar(agency=standard.service.agency)
    today = calendar.today()
    start = standard.effective_from or date.fromordinal(today.toordinal() - HISTORY_DAYS)
    days = complaint_timeliness_by_day(service=standard.service, start=start, end=today)
    periods: dict[str, PeriodCounts] = {}
    for day in days:
        first, last, label = calendar.period_bounds(standard.period, day.day)
        counts = periods.setdefault(
            label, PeriodCounts(start=first, end=last, label=label, n=0, met=0)
        )
        counts.n = (counts.n or 0) + day.closed
        counts.met = (counts.met or 0) + day.closed_timely
    return [periods[label] for label in sorted(periods, key=lambda key: periods[key].start)]


def _overall_answer(response: Response) -> tuple[str, int] | None:
    answer = (
        response.answers.filter(question__kind__in=LOW_SCORE, value_int__isnull=False)
        .select_related("question")
        .order_by("question__position", "question_id")
        .first()
    )
    if answer is None or answer.value_int is None:
        return None
    return answer.question.kind, answer.value_int


def followup_for_low_score(sender: Any, response: Response, **kwargs: Any) -> None:
    """Open a follow-up case when a respondent who may be contacted scored the service low."""
    if not (response.consent_to_contact and response.contact_email):
        return
    if response.survey.audience != "customer":
        return
    overall = _overall_answer(response)
    if overall is None or overall[1] > LOW_SCORE[overall[0]]:
        return
    kind, value = overall
    with transaction.atomic():
        followup_case_open(
            agency=response.survey.agency,
            service=response.service,
            contact_email=response.contact_email,
            summary=(
                f"Follow-up requested through the survey “{response.survey.title}”: "
                f"overall answer {value} on the {kind} scale. Please contact the customer."
            ),
            source="survey",
            source_ref=f"{response.survey.public_id}/{response.submission_id}",
        )


def post_resolution_survey_invite(*, complaint_id: int) -> bool:
    """Invite the person whose complaint just closed to the agency's post-resolution survey.

    The survey is the agency's live customer survey made from the "post_resolution" template;
    without one nothing is sent. The invitation list stays apart from the answers, so the
    answers cannot be traced back to the complaint. Returns whether an invitation was added.
    """
    from cxgov.complaints.models import Complaint
    from cxgov.surveys.models import InvitationChannel
    from cxgov.surveys.selectors import survey_live_from_template
    from cxgov.surveys.services import InvitationRow, invitations_add

    complaint = Complaint.objects.select_related("agency", "service").get(pk=complaint_id)
    if not complaint.contact_email:
        return False
    survey = survey_live_from_template(agency=complaint.agency, template="post_resolution")
    if survey is None:
        return False
    row = InvitationRow(
        row=1,
        channel=InvitationChannel.EMAIL,
        contact=complaint.contact_email.lower(),
        language=language_for(agency=complaint.agency, language=complaint.language),
        service=complaint.service,
    )
    plan = invitations_add(actor=None, survey=survey, rows=[row])
    return plan.added > 0
