"""A-11 quarterly reports, and the quarterly files: the summary and the two Touchpoints files,
as CSV.

The reports of an agency are listed for any of its members, as on the staff A-11 page.

Staff only. `agency` names one agency where the caller holds a role (404 otherwise, the same
as a missing one); without it the file covers every agency where the caller holds a role. The
per-response Touchpoints file needs `Can.READ_RESPONSES` in those agencies.
"""

# No `from __future__ import annotations`: ninja reads a paginated endpoint's Query schema
# from its annotations through the paginator's wrapper, where a string cannot be resolved.

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query
from ninja.errors import HttpError
from ninja.pagination import paginate

from cxgov.a11.exporters import csv_lines, export_filename, export_table
from cxgov.a11.models import Collection
from cxgov.a11.selectors import collections_for_agency, export_agencies, export_need
from cxgov.api.common import AreaRouter, CursorPagination, staff_user
from cxgov.api.schemas.a11 import CollectionFilters, CollectionOut, ExportQuery
from cxgov.core.models import TokenArea
from cxgov.core.selectors import access_agency
from cxgov.insights.fiscal import FiscalQuarter

router = AreaRouter(area=TokenArea.A11, tags=["a11"])


@router.get(
    "/a11/exports/{format}",
    summary="Download an A-11 quarterly file as CSV",
    response={200: str},
    openapi_extra={"responses": {200: {"description": "CSV text", "content": {"text/csv": {}}}}},
)
def a11_export(
    request: HttpRequest,
    format: Literal["summary", "touchpoints-a11-v2", "collection"],
    query: Query[ExportQuery],
) -> StreamingHttpResponse:
    """summary: per question counts, mean and percent agree with 95% interval;
    touchpoints-a11-v2: Touchpoints' 17-column response file, one row per response (only for
    those who read responses); collection: Touchpoints' CX
    collection detail file (submitted and published reports)."""
    user = staff_user(request)
    agencies = export_agencies(user=user, agency_slug=query.agency, need=export_need(format=format))
    try:
        period = FiscalQuarter(query.fiscal_year, query.quarter)
    except ValueError:
        raise HttpError(422, "quarter must be 1 to 4") from None
    header, rows = export_table(
        format=format, agencies=agencies, period=period, survey_id=query.survey
    )
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    scope = query.agency or "all"
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(format=format, period=period, scope=scope)}"'
    )
    return response


@router.get(
    "/agencies/{slug}/a11/reports",
    response=list[CollectionOut],
    summary="The agency's A-11 quarterly reports, newest quarter first",
)
@paginate(CursorPagination, order=("-fiscal_year", "-quarter", "id"))
def a11_report_list(
    request: HttpRequest, slug: str, filters: Query[CollectionFilters]
) -> QuerySet[Collection]:
    """One report per service and quarter, filtered by fiscal year, quarter and status; for
    members of the agency (any role), 404 for anyone else."""
    agency = access_agency(user=staff_user(request), agency_slug=slug)
    return collections_for_agency(
        agency=agency,
        fiscal_year=filters.fiscal_year,
        quarter=filters.quarter,
        status=filters.status,
    )
