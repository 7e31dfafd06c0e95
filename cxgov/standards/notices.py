"""The staff home's notice of missed standards: periods that fell short of their target and
are not yet acknowledged, for the members who handle them (`Can.EDIT_STANDARDS`)."""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

from cxgov.core.models import User
from cxgov.core.notices import StaffNotice, notices_counted
from cxgov.core.permissions import Can
from cxgov.core.selectors import agencies_for_user
from cxgov.standards.selectors import misses_open


def missed_standard_notices(user: User) -> list[StaffNotice]:
    """One line per agency: how many missed periods wait on the standards page."""
    return notices_counted(
        agencies=agencies_for_user(user=user, need=Can.EDIT_STANDARDS),
        key="standards.missed",
        count=lambda agency: misses_open(agency=agency).count(),
        text=ngettext_lazy(
            "%(count)s period missed its standard's target.",
            "%(count)s periods missed their standard's target.",
            "count",
        ),
        view="standards:standard_list",
        query="#misses-heading",
    )
