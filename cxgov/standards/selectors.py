"""Reads of standards, their results and the oversight indicators.

Public reads show only posted standards of published services. Staff reads start with an
access_* selector that answers 404 alike for a missing standard and another agency's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, partial

import numpy as np
from django.db.models import QuerySet
from django.http import Http404

from cxgov.core.calendar import AgencyCalendar
from cxgov.core.models import Agency
from cxgov.core.permissions import Can
from cxgov.core.selectors import (
    AgencyObjectAccess,
    agency_calendar,
    agency_calendars,
    part_access,
)
from cxgov.insights.business_time import HISTOGRAM_SIZE, BusinessCalendar, histogram_buckets
from cxgov.insights.measures import (
    ELAPSED_MEDIAN,
    ELAPSED_P90,
    quantile_between,
    quantile_ranks,
)
from cxgov.registry.models import Service, ServiceStatus
from cxgov.standards.models import (
    CalendarKind,
    DailyRollup,
    ElapsedQuantile,
    MissedPeriod,
    ReportedResult,
    ResultSource,
    Standard,
    StandardEvent,
    StandardStatus,
    StandardVersion,
)
from cxgov.standards.results import (
    RESULT_PROVIDERS,
    PeriodCounts,
    PeriodResult,
    register_result_provider,
    results_from_counts,
)

access_standard = AgencyObjectAccess(
    Standard.objects.select_related("agency", "service", "channel"),
    id_name="standard_id",
    doc="A standard of the agency in the URL, if the user's role there holds `need`.",
)


access_miss = part_access(
    MissedPeriod,
    parent="standard",
    id_name="miss_id",
    noun="A missed period",
    need=Can.EDIT_STANDARDS,
)


def standards_for_agency(*, agency: Agency) -> QuerySet[Standard]:
    """Every standard of the agency (call access_agency first)."""
    return Standard.objects.filter(agency=agency).select_related("service", "channel", "agency")


def misses_open(*, agency: Agency) -> QuerySet[MissedPeriod]:
    """Missed periods not yet acknowledged, for the staff dashboard flag."""
    return MissedPeriod.objects.filter(
        standard__agency=agency, acknowledged_at__isnull=True
    ).select_related("standard", "standard__service")


def standards_posted(
    *,
    agency: Agency | None = None,
    service: Service | None = None,
    services: Iterable[Service] | None = None,
) -> QuerySet[Standard]:
    """Posted standards of published services, for the public site and the feeds."""
    found = Standard.objects.filter(
        status=StandardStatus.POSTED, service__status=ServiceStatus.PUBLISHED
    ).select_related("agency", "service", "channel")
    if agency is not None:
        found = found.filter(agency=agency)
    if service is not None:
        found = found.filter(service=service)
    if services is not None:
        found = found.filter(service__in=[s.pk for s in services])
    return found.order_by("agency__name", "service__name", "id")


def service_public_by_slug(*, agency: Agency, slug: str) -> Service:
    service = Service.objects.filter(
        agency=agency, slug=slug, status=ServiceStatus.PUBLISHED
    ).first()
    if service is None:
        raise Http404
    return service


# --- results -------------------------------------------------------------------------------


def buckets_follow_elapsed(*, standard: Standard) -> bool:
    """Whether every stored event of the standard was bucketed with its present threshold.

    Buckets are made at ingestion and kept; once the threshold has changed (an earlier version
    had another), events bucketed before and after no longer sort together by bucket.
    """
    return all(
        snapshot.get("threshold") == standard.threshold
        for snapshot in StandardVersion.objects.filter(standard=standard).values_list(
            "snapshot", flat=True
        )
    )


class ElapsedQuantiles:
    """Exact quantiles of the elapsed time of a standard's events closed in a span of days.

    The one function every median and 90th percentile comes from (`insights.measures`
    `quantile_ranks`, type 7). Only the order statistics a quantile needs are read: the
    span's histogram (summed from the daily rollups) says which bucket holds the k-th value,
    and one query reads it from that bucket's events, ordered by elapsed time, with OFFSET and
    LIMIT; no other event leaves the database. When the buckets cannot be trusted to follow
    elapsed time (`buckets_follow_elapsed`), the span's events are ordered whole in the
    database instead. Values are read on first use and kept.
    """

    def __init__(
        self,
        *,
        standard: Standard,
        first: date,
        last: date,
        histogram: list[int],
        by_bucket: Callable[[], bool] | None = None,
        kept: KeptQuantiles | None = None,
    ):
        self.standard = standard
        self.first = first
        self.last = last
        self.counts = np.asarray(histogram, dtype=np.int64)
        self.n = int(self.counts.sum()) if self.counts.size == HISTOGRAM_SIZE else 0
        self._by_bucket = by_bucket or _shared_trust(standard)
        self._kept = kept or KeptQuantiles(standards=[standard])
        self._values: dict[int, float] = {}

    def _closed(self) -> QuerySet[StandardEvent]:
        # Closed events are those with an elapsed time: open ones have none.
        return StandardEvent.objects.filter(
            standard=self.standard,
            day__gte=self.first,
            day__lte=self.last,
            elapsed__isnull=False,
        ).order_by("elapsed")

    def _read(self, ranks: list[int]) -> None:
        """Fetch the order statistics at `ranks` (0-based), a bucket at a time."""
        cumulative = np.cumsum(self.counts)
        by_bucket: dict[int, list[int]] = defaultdict(list)
        for rank in ranks:
            by_bucket[int(np.searchsorted(cumulative, rank, side="right"))].append(rank)
        threshold = self.standard.threshold or 1.0
        trusted = self._by_bucket()
        for bucket, inside in by_bucket.items():
            below = int(cumulative[bucket - 1]) if bucket > 0 else 0
            low, high = min(inside) - below, max(inside) - below + 1
            if trusted:
                values = _elapsed(self._closed().filter(bucket=bucket), low, high)
                # A second guard: every value read must belong to the bucket it came from.
                buckets = histogram_buckets(np.asarray(values, dtype=np.float64), threshold)
                if len(values) == high - low and bool(np.all(buckets == bucket)):
                    for rank in inside:
                        self._values[rank] = values[rank - below - low]
                    continue
            values = _elapsed(self._closed(), below + low, below + high)
            for rank in inside:
                if rank - below - low < len(values):
                    self._values[rank] = values[rank - below - low]

    def quantile(self, share: float) -> float | None:
        """The `share` quantile (type 7), None when no event closed in the span: the one kept
        for the standard's present events when there is one, else read from the events."""
        if self.n == 0:
            return None
        key = (self.standard.pk, self.first, self.last, share)
        found, value = self._kept.get(key)
        if not found:
            value = self._computed(share)
            self._kept.keep(key, value)
        return value

    def _computed(self, share: float) -> float | None:
        lower, upper, fraction = quantile_ranks(self.n, share)
        missing = sorted({lower, upper} - set(self._values))
        if missing:
            self._read(missing)
        if lower not in self._values or upper not in self._values:
            return None
        return quantile_between(self._values[lower], self._values[upper], fraction)


QuantileKey = tuple[int, date, date, float]


class KeptQuantiles:
    """The quantiles kept for some standards' present events (`ElapsedQuantile`), read for
    all of them at once on first use, and those computed since (`computed`), which only the
    worker stores (`services.standard_quantiles_prepare`): a page never writes."""

    def __init__(self, *, standards: Iterable[Standard]):
        self._standards = {standard.pk: standard for standard in standards}
        self._values: dict[QuantileKey, float | None] | None = None
        self.computed: dict[QuantileKey, float | None] = {}

    def _read(self) -> dict[QuantileKey, float | None]:
        if self._values is None:
            versions = {pk: standard.events_version for pk, standard in self._standards.items()}
            rows = ElapsedQuantile.objects.filter(standard_id__in=list(versions)).values_list(
                "standard_id", "version", "first", "last", "share", "value"
            )
            self._values = {
                (standard_id, first, last, share): value
                for standard_id, version, first, last, share, value in rows
                if versions[standard_id] == version
            }
        return self._values

    def get(self, key: QuantileKey) -> tuple[bool, float | None]:
        """Whether the quantile is kept, and its value."""
        values = self._read()
        return key in values, values.get(key)

    def keep(self, key: QuantileKey, value: float | None) -> None:
        """Remember a quantile just computed from the standard's events."""
        self._read()[key] = value
        self.computed[key] = value


def _elapsed(events: QuerySet[StandardEvent], low: int, high: int) -> list[float]:
    """The elapsed times at positions [low, high) of events already ordered by elapsed time."""
    found = events.values_list("elapsed", flat=True)[low:high]
    return [float(value) for value in found if value is not None]


def _shared_trust(standard: Standard) -> Callable[[], bool]:
    """`buckets_follow_elapsed` asked once, on first use, for all of a standard's periods."""
    return cache(partial(buckets_follow_elapsed, standard=standard))


def _event_counts(standard: Standard, kept: KeptQuantiles | None = None) -> list[PeriodCounts]:
    rollups = list(
        DailyRollup.objects.filter(standard=standard).values_list(
            "day", "total", "met", "still_open", "histogram"
        )
    )
    calendar = agency_calendar(agency=standard.agency)
    kept = kept or KeptQuantiles(standards=[standard])
    return _event_periods(standard, rollups, calendar, _shared_trust(standard), kept)


def standard_quantiles_computed(*, standard: Standard) -> dict[QuantileKey, float | None]:
    """The median and 90th percentile of each of an events standard's periods that are not
    kept yet for its present events, read from the events."""
    if standard.source != ResultSource.EVENTS:
        return {}
    kept = KeptQuantiles(standards=[standard])
    for period in _event_counts(standard, kept):
        if period.elapsed is not None:
            period.elapsed.quantile(ELAPSED_MEDIAN.share)
            period.elapsed.quantile(ELAPSED_P90.share)
    return kept.computed


def _event_periods(
    standard: Standard,
    rollups: list[tuple[date, int, int, int, list[int]]],
    calendar: AgencyCalendar,
    trust: Callable[[], bool],
    kept: KeptQuantiles,
) -> list[PeriodCounts]:
    periods = _rollups_to_periods(standard.period, rollups, calendar)
    for item in periods:
        item.elapsed = ElapsedQuantiles(
            standard=standard,
            first=item.start,
            last=item.end,
            histogram=item.histogram,
            by_bucket=trust,
            kept=kept,
        )
    return periods


def _rollups_to_periods(
    kind: str, rollups: list[tuple[date, int, int, int, list[int]]], calendar: AgencyCalendar
) -> list[PeriodCounts]:
    periods: dict[date, PeriodCounts] = {}
    sums: dict[date, np.ndarray] = defaultdict(lambda: np.zeros(HISTOGRAM_SIZE, dtype=np.int64))
    for day, total, met, still_open, histogram in rollups:
        start, end, label = calendar.period_bounds(kind, day)
        item = periods.get(start)
        if item is None:
            item = periods[start] = PeriodCounts(start=start, end=end, label=label, n=0, met=0)
        item.n = (item.n or 0) + total
        item.met = (item.met or 0) + met
        item.still_open += still_open
        if len(histogram) == HISTOGRAM_SIZE:
            sums[start] += np.asarray(histogram, dtype=np.int64)
    for start, item in periods.items():
        item.histogram = sums[start].tolist()
    return [periods[start] for start in sorted(periods)]


def _reported_counts(standard: Standard) -> list[PeriodCounts]:
    return _reported_periods(
        ReportedResult.objects.filter(standard=standard).order_by("period_start")
    )


def _reported_periods(rows: Iterable[ReportedResult]) -> list[PeriodCounts]:
    return [
        PeriodCounts(
            start=row.period_start,
            end=row.period_end,
            label=row.label,
            n=row.total_volume,
            met=row.volume_meeting_target,
            reported_target_met=row.target_met,
            assessed=row.assessed,
        )
        for row in rows
    ]


register_result_provider(ResultSource.EVENTS, _event_counts)
register_result_provider(ResultSource.REPORTED, _reported_counts)


def standard_results(*, standard: Standard, today: date | None = None) -> list[PeriodResult]:
    """The standard's results for every period with data, oldest first."""
    provider = RESULT_PROVIDERS.get(standard.source)
    if provider is None:
        return []
    counts = provider(standard)
    return _results(standard, counts, today or agency_calendar(agency=standard.agency).today())


def _results(standard: Standard, counts: list[PeriodCounts], today: date) -> list[PeriodResult]:
    return results_from_counts(
        counts,
        target=float(standard.target),
        threshold=standard.threshold,
        today=today,
        minimum_effect=float(standard.service.agency.minimum_change_points) / 100,
    )


def standard_business_calendar(*, standard: Standard) -> BusinessCalendar:
    """The calendar the standard's clock runs on: the agency's zone and closed days (federal
    holidays and the agency's closures) plus the standard's own closure dates and hours."""
    return agency_calendar(agency=standard.agency).business_calendar(
        business_days=standard.calendar == CalendarKind.BUSINESS_DAYS,
        closures=[date.fromisoformat(day) for day in standard.closure_dates],
        opens=standard.business_opens,
        closes=standard.business_closes,
    )


def standard_latest(*, standard: Standard, today: date | None = None) -> PeriodResult | None:
    """The most recent closed period with a result, else the current one, else None."""
    return _latest(standard_results(standard=standard, today=today))


def _latest(results: list[PeriodResult]) -> PeriodResult | None:
    closed = [r for r in results if r.closed and r.status != "no_data"]
    if closed:
        return closed[-1]
    return results[-1] if results else None


def standards_results(
    *, standards: Iterable[Standard], todays: Mapping[int, date] | None = None
) -> dict[int, list[PeriodResult]]:
    """`standard_results` of many standards by id, their rollups, reported results and
    versions read once for all; `todays` gives each service's today by service id (else each
    agency's today)."""
    found = list(standards)
    calendars = agency_calendars(agencies={s.agency_id: s.agency for s in found}.values())
    events = [s.pk for s in found if s.source == ResultSource.EVENTS]
    rollups: dict[int, list[tuple[date, int, int, int, list[int]]]] = defaultdict(list)
    for standard_id, day, total, met, still_open, histogram in DailyRollup.objects.filter(
        standard_id__in=events
    ).values_list("standard_id", "day", "total", "met", "still_open", "histogram"):
        rollups[standard_id].append((day, total, met, still_open, histogram))
    trusted = _buckets_follow_elapsed(found)
    kept = KeptQuantiles(standards=[s for s in found if s.source == ResultSource.EVENTS])
    reported: dict[int, list[ReportedResult]] = defaultdict(list)
    for result in ReportedResult.objects.filter(
        standard_id__in=[s.pk for s in found if s.source == ResultSource.REPORTED]
    ).order_by("period_start", "id"):
        reported[result.standard_id].append(result)
    results: dict[int, list[PeriodResult]] = {}
    for standard in found:
        calendar = calendars[standard.agency_id]
        today = todays[standard.service_id] if todays is not None else calendar.today()
        if standard.source == ResultSource.EVENTS:
            trust = partial(trusted.__getitem__, standard.pk)
            counts = _event_periods(standard, rollups[standard.pk], calendar, trust, kept)
            results[standard.pk] = _results(standard, counts, today)
        elif standard.source == ResultSource.REPORTED:
            counts = _reported_periods(reported[standard.pk])
            results[standard.pk] = _results(standard, counts, today)
        else:
            results[standard.pk] = standard_results(standard=standard, today=today)
    return results


def _buckets_follow_elapsed(standards: list[Standard]) -> dict[int, bool]:
    """`buckets_follow_elapsed` of many standards by id, their versions read at once."""
    trusted = {standard.pk: True for standard in standards}
    thresholds = {standard.pk: standard.threshold for standard in standards}
    for standard_id, snapshot in StandardVersion.objects.filter(
        standard_id__in=list(trusted)
    ).values_list("standard_id", "snapshot"):
        if snapshot.get("threshold") != thresholds[standard_id]:
            trusted[standard_id] = False
    return trusted


def standards_latest(
    *, standards: Iterable[Standard], todays: Mapping[int, date]
) -> dict[int, PeriodResult | None]:
    """`standard_latest` of many standards by id (see `standards_results`)."""
    return {
        pk: _latest(results)
        for pk, results in standards_results(standards=standards, todays=todays).items()
    }


def results_between(*, standard: Standard, first: date, last: date) -> PeriodCounts:
    """Counts for any span of days, summed from the daily rollups (events standards)."""
    rollups = list(
        DailyRollup.objects.filter(standard=standard, day__gte=first, day__lte=last).values_list(
            "total", "met", "still_open", "histogram"
        )
    )
    histogram = np.zeros(HISTOGRAM_SIZE, dtype=np.int64)
    for _total, _met, _open, day_histogram in rollups:
        if len(day_histogram) == HISTOGRAM_SIZE:
            histogram += np.asarray(day_histogram, dtype=np.int64)
    return PeriodCounts(
        start=first,
        end=last,
        label=f"{first.isoformat()}/{last.isoformat()}",
        n=sum(r[0] for r in rollups),
        met=sum(r[1] for r in rollups),
        still_open=sum(r[2] for r in rollups),
        histogram=histogram.tolist(),
        elapsed=ElapsedQuantiles(
            standard=standard, first=first, last=last, histogram=histogram.tolist()
        ),
    )


# --- indicators and feeds ------------------------------------------------------------------


@dataclass
class AgencyIndicators:
    agency: Agency
    services: int
    services_with_standard: int
    standards_with_result: int
    standards_met: int

    @property
    def share_services_with_standard(self) -> float | None:
        return self.services_with_standard / self.services if self.services else None

    @property
    def share_standards_met(self) -> float | None:
        if not self.standards_with_result:
            return None
        return self.standards_met / self.standards_with_result


def indicators(*, agencies: Iterable[Agency] | None = None) -> list[AgencyIndicators]:
    """Per agency: services with a standard, and standards met in their latest period."""
    chosen = list(agencies) if agencies is not None else list(Agency.objects.order_by("name"))
    result = []
    for agency in chosen:
        services = Service.objects.filter(agency=agency).exclude(status=ServiceStatus.ARCHIVED)
        standards = Standard.objects.filter(agency=agency).exclude(status=StandardStatus.DRAFT)
        with_standard = services.filter(standards__in=standards).distinct().count()
        judged = met = 0
        for standard in standards.select_related("agency"):
            latest = standard_latest(standard=standard)
            if latest is None or latest.status not in ("met", "not_met"):
                continue
            judged += 1
            met += latest.status == "met"
        result.append(
            AgencyIndicators(
                agency=agency,
                services=services.count(),
                services_with_standard=with_standard,
                standards_with_result=judged,
                standards_met=met,
            )
        )
    return result


FEED_COLUMNS = (
    "service_id",
    "service_standard_id",
    "service_standard_en",
    "type",
    "channel",
    "target",
    "volume_meeting_target",
    "total_volume",
    "performance",
    "target_met",
    "period",
    "service_standard_es",
    "agency",
    "period_start",
    "period_end",
)


def feed_rows(*, agency: Agency | None = None) -> list[dict[str, object]]:
    """One row per posted standard and period with a result, in Canada-compatible columns."""
    rows: list[dict[str, object]] = []
    for standard in standards_posted(agency=agency):
        service_id = standard.service.source_id or f"{standard.agency.slug}/{standard.service.slug}"
        for result in standard_results(standard=standard):
            rows.append(
                {
                    "service_id": service_id,
                    "service_standard_id": standard.source_id or str(standard.pk),
                    "service_standard_en": standard.statement,
                    "service_standard_es": standard.statement_es,
                    "type": standard.kind,
                    "channel": standard.channel_code
                    or (standard.channel.kind if standard.channel else ""),
                    "target": float(standard.target),
                    "volume_meeting_target": result.met if result.share is not None else "",
                    "total_volume": result.n if result.share is not None else "",
                    "performance": round(result.share, 4) if result.share is not None else "",
                    "target_met": {"met": "Y", "not_met": "N"}.get(result.status, ""),
                    "period": result.label,
                    "agency": standard.agency.slug,
                    "period_start": result.start.isoformat(),
                    "period_end": result.end.isoformat(),
                }
            )
    return rows
