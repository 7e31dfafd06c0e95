"""The staff home's complaint notices: overdue cases and narratives waiting for review.

Each counts only what `complaints_visible` lets the member open (every case for those who
handle all of them, their teams' and unrouted cases for handlers, their own for front-line
staff) and links to the list filtered to exactly those cases.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from cxgov.core.models import User
from cxgov.core.notices import StaffNotice
from cxgov.core.permissions import Can
from cxgov.core.selectors import agencies_for_user

from .models import NarrativeReview
from .selectors import QueueFilters, complaint_queue, narratives_in_state


def overdue_complaint_notices(user: User) -> list[StaffNotice]:
    """Open cases past their response deadline, in each agency where the member works cases."""
    now = timezone.now()
    found = []
    for agency in agencies_for_user(user=user, need=Can.WORK_ASSIGNED_COMPLAINTS):
        count = complaint_queue(
            agency=agency, user=user, filters=QueueFilters(overdue_only=True), now=now
        ).count()
        if count:
            found.append(
                StaffNotice(
                    agency=agency,
                    key="complaints.overdue",
                    count=count,
                    text=ngettext(
                        "%(count)s complaint is past its response deadline.",
                        "%(count)s complaints are past their response deadline.",
                        count,
                    )
                    % {"count": count},
                    url=reverse("complaints:queue", kwargs={"slug": agency.slug}) + "?overdue=1",
                )
            )
    return found


def narrative_review_notices(user: User) -> list[StaffNotice]:
    """Consented narratives waiting for review, in each agency where the member reviews them."""
    found = []
    for agency in agencies_for_user(user=user, need=Can.REVIEW_NARRATIVES):
        count = narratives_in_state(agency=agency, user=user, state=NarrativeReview.PENDING).count()
        if count:
            found.append(
                StaffNotice(
                    agency=agency,
                    key="complaints.narratives",
                    count=count,
                    text=ngettext(
                        "%(count)s complaint narrative is waiting for review.",
                        "%(count)s complaint narratives are waiting for review.",
                        count,
                    )
                    % {"count": count},
                    url=reverse("complaints:narratives", kwargs={"slug": agency.slug})
                    + f"?state={NarrativeReview.PENDING}",
                )
            )
    return found
