"""The agency's action plan: its actions, filtered, for its members.

The same selectors as the staff actions page: a member whose role may not read every action
(`Can.VIEW_ACTIONS`) sees only those that employees' own answers prompted. Another agency
answers 404, the same as a missing one.
"""

# No `from __future__ import annotations`: ninja reads a paginated endpoint's Query schema
# from its annotations through the paginator's wrapper, where a string cannot be resolved.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query
from ninja.pagination import paginate

from cxgov.actions.models import ActionItem
from cxgov.actions.selectors import ActionFilters, access_actions, actions_for_agency
from cxgov.api.common import AreaRouter, CursorPagination, staff_user
from cxgov.api.schemas.actions import ActionFiltersIn, ActionOut
from cxgov.core.models import TokenArea

router = AreaRouter(area=TokenArea.ACTIONS, tags=["actions"])


@router.get(
    "/agencies/{slug}/actions",
    response=list[ActionOut],
    summary="The agency's actions, soonest due first",
)
@paginate(CursorPagination, order=("due_date", "id"))
def action_list(
    request: HttpRequest, slug: str, filters: Query[ActionFiltersIn]
) -> QuerySet[ActionItem]:
    access = access_actions(user=staff_user(request), agency_slug=slug)
    return actions_for_agency(
        access=access,
        filters=ActionFilters(
            status=filters.status or "", overdue=filters.overdue, service_id=filters.service_id
        ),
    )
