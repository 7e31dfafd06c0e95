"""The staff home's notice of overdue actions: open or in progress after their due date, for
the members who change actions (`Can.EDIT_ACTIONS`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cxgov.actions.selectors import ActionAccess, ActionFilters, actions_for_agency
from cxgov.core.models import Agency, User
from cxgov.core.notices import StaffNotice, notices_counted
from cxgov.core.permissions import Can
from cxgov.core.selectors import agencies_for_user

OVERDUE = ActionFilters(status="open_any", overdue=True)


def overdue_action_notices(user: User) -> list[StaffNotice]:
    """One line per agency: how many actions are overdue, linked to the plan filtered to them."""
    today = timezone.localdate()

    def overdue(agency: Agency) -> int:
        # Every role that edits actions reads them all (Can.VIEW_ACTIONS).
        access = ActionAccess(agency=agency, can_edit=True, employee_only=False)
        return actions_for_agency(access=access, filters=OVERDUE, today=today).count()

    return notices_counted(
        agencies=agencies_for_user(user=user, need=Can.EDIT_ACTIONS),
        key="actions.overdue",
        count=overdue,
        text=ngettext_lazy(
            "%(count)s action is past its due date.",
            "%(count)s actions are past their due date.",
            "count",
        ),
        view="actions:action_list",
        query="?status=open_any&overdue=on",
    )
