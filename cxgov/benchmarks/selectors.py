"""Reads of the benchmark library; agency-owned series only through an access check.

The shared library (no agency) is published and read by anyone. An agency's own series
(its uploads and hand-entered own measures) are read only after `access_agency`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from cxgov.benchmarks.models import Observation, Selection, Series, Source
from cxgov.core.models import Agency, User
from cxgov.core.permissions import Can
from cxgov.core.selectors import (
    AgencyObjectAccess,
    access_agency,
    agencies_for_user,
)
from cxgov.registry.models import Service

# The federal government aggregate ACSI series as the ACSI importer keys it.
FEDERAL_ACSI_KEY = (
    "federal_government|u.s. federal government (aggregate)|acsi citizen satisfaction"
)


def series_visible(*, agency: Agency | None) -> QuerySet[Series]:
    """The shared library plus, for an agency (already access-checked), its own series."""
    scope = Q(agency__isnull=True)
    if agency is not None:
        scope |= Q(agency=agency)
    return (
        Series.objects.filter(scope)
        .select_related("source", "service")
        .annotate(observation_count=Count("observations"))
        .order_by("sector", "entity", "name", "pk")
    )


def series_with_observations(*, agency: Agency | None) -> QuerySet[Series]:
    """Visible series with their observations in period order, for comparisons."""
    return series_visible(agency=agency).prefetch_related(
        Prefetch("observations", queryset=Observation.objects.order_by("year", "period"))
    )


def series_public(*, series_id: int) -> Series:
    """A series of the shared library, or Http404."""
    series = series_visible(agency=None).filter(pk=series_id).first()
    if series is None:
        raise Http404
    return series


def access_series(
    *, user: User, agency_slug: str | None, series_id: int, need: Can = Can.VIEW_AGENCY
) -> Series:
    """A shared series, or one of the agency in the URL (any agency of the user's when None)
    if the user's role there holds `need`; through a URL the agency itself must be reachable."""
    agencies = agencies_for_user(user=user, need=need)
    if agency_slug is not None:
        access_agency(user=user, agency_slug=agency_slug, need=need)
        agencies = agencies.filter(slug=agency_slug)
    series = (
        Series.objects.filter(pk=series_id)
        .filter(Q(agency__isnull=True) | Q(agency__in=agencies))
        .select_related("source", "service")
        .annotate(observation_count=Count("observations"))
        .first()
    )
    if series is None:
        raise Http404
    return series


def observations_for_series(*, series: Series) -> QuerySet[Observation]:
    """The series' observations, oldest first."""
    return Observation.objects.filter(series=series).order_by("year", "period")


def federal_acsi_series() -> Series | None:
    """The shared federal government aggregate ACSI series, if it was imported."""
    return (
        Series.objects.filter(agency__isnull=True, source__kind="acsi", key=FEDERAL_ACSI_KEY)
        .order_by("pk")
        .first()
    )


def own_series_by_service(*, services: Iterable[Service]) -> dict[int, list[Series]]:
    """The services' hand-entered own measures, each of its service's agency, by service id,
    read at once (call an access_* selector first)."""
    agency_of = {service.pk: service.agency_id for service in services}
    found: dict[int, list[Series]] = defaultdict(list)
    for series in (
        Series.objects.filter(service_id__in=list(agency_of))
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("year", "period"))
        )
        .order_by("metric", "pk")
    ):
        if series.service_id is not None and series.agency_id == agency_of[series.service_id]:
            found[series.service_id].append(series)
    return found


def selections_for_service(*, service: Service) -> QuerySet[Selection]:
    """The service's best-in-business choices (call an access_* selector first)."""
    return (
        Selection.objects.filter(service=service)
        .select_related("series__source")
        .order_by("series__entity", "pk")
    )


def selections_for_agency(*, agency: Agency) -> QuerySet[Selection]:
    """Every best-in-business choice of the agency, service by service."""
    return (
        Selection.objects.filter(agency=agency)
        .select_related("service", "series__source")
        .order_by("service__name", "series__entity", "pk")
    )


access_selection = AgencyObjectAccess(
    Selection.objects.select_related("service", "series"),
    id_name="selection_id",
    default_need=Can.EDIT_BENCHMARKS,
    doc="A best-in-business choice of the agency in the URL.",
)


def sources_visible(*, agency: Agency | None) -> QuerySet[Source]:
    """The shared sources plus the agency's own."""
    scope = Q(agency__isnull=True)
    if agency is not None:
        scope |= Q(agency=agency)
    return Source.objects.filter(scope).order_by("name")


def oversight_agencies(*, user: User, agency: Agency) -> QuerySet[Agency]:
    """The agencies an oversight page reached through `agency` covers.

    A user whose role in `agency` may oversee agencies reads across every agency where they
    may; anyone else reads only `agency` (call access_agency first).
    """
    oversight = agencies_for_user(user=user, need=Can.OVERSEE_AGENCIES)
    if oversight.filter(pk=agency.pk).exists():
        return oversight
    return Agency.objects.filter(pk=agency.pk)


def own_series_for_agencies(*, agencies: QuerySet[Agency]) -> QuerySet[Series]:
    """Own measures of services of these agencies (already access-checked), with observations."""
    return (
        Series.objects.filter(agency__in=agencies, service__isnull=False)
        .select_related("service__agency")
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("year", "period"))
        )
    )


def services_for_agencies(*, agencies: QuerySet[Agency]) -> QuerySet[Service]:
    """Every service of these agencies (already access-checked), with its agency."""
    return Service.objects.filter(agency__in=agencies).select_related("agency").order_by("pk")


def series_for_viewer(*, user: User | None, limit: int | None = 5000) -> QuerySet[Series]:
    """The shared library, plus the own series of every agency where `user` holds a role.

    At most `limit` series; None for all, to be read a page at a time (the API).
    """
    scope = Q(agency__isnull=True)
    if user is not None:
        scope |= Q(agency__in=agencies_for_user(user=user))
    series = Series.objects.filter(scope).select_related("source", "agency").order_by("pk")
    return series if limit is None else series[:limit]
