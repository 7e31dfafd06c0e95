"""The benchmark library and comparisons.

The shared, published library is read by anyone; an agency's own series (uploads, own
measures) only by its members. Comparisons are per service and for the service's agency's
members only; other agencies' services answer 404, the same as missing ones.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): ninja's pagination
# wrapper only knows `response: HttpResponse` as the response to add headers to by its type.
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja.pagination import paginate

from cxgov.api.common import (
    AreaRouter,
    CursorPagination,
    prepared_figures,
    staff_user,
    viewer,
)
from cxgov.api.schemas.benchmarks import ComparisonOut, ObservationOut, SeriesOut
from cxgov.benchmarks.comparisons import ComparisonRow, service_comparisons
from cxgov.benchmarks.models import Observation, Series
from cxgov.benchmarks.prepared import prepared_measures, respondent_measures_request
from cxgov.benchmarks.selectors import (
    access_series,
    observations_for_series,
    series_for_viewer,
    series_public,
)
from cxgov.core.models import TokenArea
from cxgov.core.services_prepared import prepared_file_request
from cxgov.registry.selectors import access_service

router = AreaRouter(area=TokenArea.BENCHMARKS, tags=["benchmarks"])


def _readable_series(request: HttpRequest, series_id: int) -> Series:
    """The series if published, or of an agency where the caller holds a role; else 404."""
    user = viewer(request)
    if user is None:
        return series_public(series_id=series_id)
    return access_series(user=user, agency_slug=None, series_id=series_id)


@router.public_get("/benchmarks/series", response=list[SeriesOut], summary="List benchmark series")
@paginate(CursorPagination, order=("id",))
def series_list(request: HttpRequest) -> QuerySet[Series]:
    """The published library; a signed-in member also sees their agencies' own series."""
    # Paged here, so not capped: the page size is the cap.
    return series_for_viewer(user=viewer(request), limit=None)


@router.public_get(
    "/benchmarks/series/{series_id}", response=SeriesOut, summary="Read a benchmark series"
)
def series_read(request: HttpRequest, series_id: int) -> Series:
    """One series: published, or of an agency where the caller holds a role; else 404."""
    return _readable_series(request, series_id)


@router.public_get(
    "/benchmarks/series/{series_id}/observations",
    response=list[ObservationOut],
    summary="List the observations of a benchmark series",
)
@paginate(CursorPagination, order=("year", "period", "id"))
def series_observations(request: HttpRequest, series_id: int) -> QuerySet[Observation]:
    """The values of one series by period, each with its source URL and `derived` flag."""
    return observations_for_series(series=_readable_series(request, series_id))


@router.get(
    "/benchmarks/services/{service_id}/comparisons",
    response=list[ComparisonOut],
    summary="Compare a service's own measures with benchmarks",
)
# Computed in memory; each row's measure is told apart by what it measures and its source.
@paginate(
    CursorPagination,
    order=(
        "measure__metric",
        "measure__scale",
        "measure__wording",
        "measure__label",
        "measure__source",
        "measure__value",
    ),
)
def comparisons(
    request: HttpRequest, response: HttpResponse, service_id: int, period: str | None = None
) -> list[ComparisonRow]:
    """Each own measure of the period (newest if omitted) beside its benchmarks, with gaps.

    The ACSI-style index from the service's survey answers is read as the worker prepared it
    for the agency, as on the benchmark pages (up to 15 minutes old). The Prepared-Status
    header says whether those rows are in: `ready`; `preparing` until the first build, with a
    Retry-After header; `failed` when the last build could not be made."""
    service = access_service(user=staff_user(request), agency_slug=None, service_id=service_id)
    prepared = prepared_file_request(**respondent_measures_request(agency=service.agency))
    data = prepared_figures(prepared, response)
    respondent_level = {} if data is None else prepared_measures(data=data)
    return service_comparisons(service=service, period=period, prepared=respondent_level)
