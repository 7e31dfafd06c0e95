"""The staff home's complaint notices: overdue cases and narratives waiting for review.

Each counts only what `complaints_visible` lets the member open (every case for those who
handle all of them, their teams' and unrouted cases for handlers, their own for front-line
staff) and links to the list filtered to exactly those cases.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cxgov.core.models import User
from cxgov.core.notices import StaffNotice, notices_counted
from cxgov.core.permissions import Can
from cxgov.core.selectors import agencies_for_user

from .models import NarrativeReview
from .selectors import QueueFilters, complaint_queue, narratives_in_state


def overdue_complaint_notices(user: User) -> list[StaffNotice]:
    """Open cases past their response deadline, in each agency where the member works cases."""
    now = timezone.now()
    overdue = QueueFilters(overdue_only=True)
    return notices_counted(
        agencies=agencies_for_user(user=user, need=Can.WORK_ASSIGNED_COMPLAINTS),
        key="complaints.overdue",
        count=lambda agency: complaint_queue(
            agency=agency, user=user, filters=overdue, now=now
        ).count(),
        text=ngettext_lazy(
            "%(count)s complaint is past its response deadline.",
            "%(count)s complaints are past their response deadline.",
            "count",
        ),
        view="complaints:queue",
        query="?overdue=1",
    )


def narrative_review_notices(user: User) -> list[StaffNotice]:
    """Consented narratives waiting for review, in each agency where the member reviews them."""
    return notices_counted(
        agencies=agencies_for_user(user=user, need=Can.REVIEW_NARRATIVES),
        key="complaints.narratives",
        count=lambda agency: narratives_in_state(
            agency=agency, user=user, state=NarrativeReview.PENDING
        ).count(),
        text=ngettext_lazy(
            "%(count)s complaint narrative is waiting for review.",
            "%(count)s complaint narratives are waiting for review.",
            "count",
        ),
        view="complaints:narratives",
        query=f"?state={NarrativeReview.PENDING}",
    )
