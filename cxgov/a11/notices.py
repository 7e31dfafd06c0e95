"""The staff home's notice of A-11 quarterly reports due: in the 30 days after a quarter ends,
the services whose report of it is not yet submitted, for the members who fill in and submit
reports (`Can.EDIT_A11_REPORTS`)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import ngettext_lazy

from cxgov.a11.selectors import report_due_window, services_not_reported
from cxgov.core.models import User
from cxgov.core.notices import StaffNotice, notices_counted
from cxgov.core.permissions import Can
from cxgov.core.selectors import agencies_for_user


def a11_due_notices(user: User) -> list[StaffNotice]:
    """One line per agency while reports are due: how many services have not reported."""
    window = report_due_window(timezone.localdate())
    if window is None:
        return []
    period, due = window
    return notices_counted(
        agencies=agencies_for_user(user=user, need=Can.EDIT_A11_REPORTS),
        key="a11.due",
        count=lambda agency: services_not_reported(agency=agency, period=period).count(),
        text=ngettext_lazy(
            "%(count)s service has not submitted its A-11 report for %(quarter)s, due by %(day)s.",
            "%(count)s services have not submitted their A-11 reports for "
            "%(quarter)s, due by %(day)s.",
            "count",
        ),
        params={"quarter": period, "day": formats.date_format(due, "DATE_FORMAT")},
        view="a11:collection_list",
        query=f"?fiscal_year={period.year}&quarter={period.quarter}",
    )
