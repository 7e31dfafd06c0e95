"""The staff home's notice of missed standards: periods that fell short of their target and
are not yet acknowledged, for the members who handle them (`Can.EDIT_STANDARDS`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from cxgov.core.models import User
from cxgov.core.notices import StaffNotice
from cxgov.core.permissions import Can
from cxgov.core.selectors import agencies_for_user
from cxgov.standards.selectors import misses_open


def missed_standard_notices(user: User) -> list[StaffNotice]:
    """One line per agency: how many missed periods wait on the standards page."""
    found = []
    for agency in agencies_for_user(user=user, need=Can.EDIT_STANDARDS):
        count = misses_open(agency=agency).count()
        if count:
            found.append(
                StaffNotice(
                    agency=agency,
                    key="standards.missed",
                    count=count,
                    text=ngettext(
                        "%(count)s period missed its standard's target.",
                        "%(count)s periods missed their standard's target.",
                        count,
                    )
                    % {"count": count},
                    url=reverse("standards:standard_list", kwargs={"slug": agency.slug})
                    + "#misses-heading",
                )
            )
    return found
