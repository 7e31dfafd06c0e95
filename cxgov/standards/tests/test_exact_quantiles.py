"""Median and 90th percentile of elapsed time are exact: the order statistics of the stored
events, type 7 (numpy's "linear", R's default), the same on the page, the API and reports."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency, User
from cxgov.core.services import token_create
from cxgov.insights.business_time import HISTOGRAM_SIZE, histogram_buckets
from cxgov.insights.measures import quantile_of, quantile_ranks
from cxgov.standards.models import Standard, StandardEvent
from cxgov.standards.selectors import (
    ElapsedQuantiles,
    buckets_follow_elapsed,
    results_between,
    standard_results,
)
from cxgov.standards.services import standard_update
from cxgov.testing.factories import ServiceFactory, StandardFactory

# At a 5-day threshold the histogram gave 5.125 and 6.1; the values give 5.0 and 5.5.
ELAPSED_DAYS = [1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.5, 5.5, 5.5, 6.0]
MARCH = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _standard(agency: Agency) -> Standard:
    return StandardFactory(
        service=ServiceFactory(agency=agency),
        threshold=5.0,
        threshold_unit="calendar_days",
        calendar="24x7",
        period="month",
    )


def _send(client: Client, user: User, standard: Standard, days: list[float]) -> None:
    _token, raw = token_create(user=user, name="test")
    events = [
        {
            "id": str(i),
            "start": (MARCH + timedelta(days=i % 3)).isoformat(),
            "end": (MARCH + timedelta(days=i % 3 + value)).isoformat(),
        }
        for i, value in enumerate(days)
    ]
    events.append({"id": "open", "start": MARCH.isoformat()})
    response = client.post(
        f"/api/v1/standards/{standard.pk}/events",
        {"events": events},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    assert response.json()["accepted"] == len(days) + 1


def _store(standard: Standard, values: list[float], *, day: date, start: int = 0) -> list[int]:
    """Events written straight to the table, bucketed as ingestion does; the histogram."""
    threshold = standard.threshold or 1.0
    buckets = histogram_buckets(np.asarray(values), threshold)
    StandardEvent.objects.bulk_create(
        StandardEvent(
            standard=standard,
            agency_id=standard.agency_id,
            event_id=str(start + i),
            started_at=MARCH,
            ended_at=MARCH,
            elapsed=value,
            met=value <= threshold,
            day=day,
            bucket=int(bucket),
        )
        for i, (value, bucket) in enumerate(zip(values, buckets, strict=True))
    )
    return np.bincount(buckets, minlength=HISTOGRAM_SIZE).tolist()


@pytest.mark.django_db
def test_median_and_p90_are_exact_on_the_api_and_agree_with_numpy(
    client: Client, admin_a: User, agency_a: Agency
) -> None:
    standard = _standard(agency_a)
    _send(client, admin_a, standard, ELAPSED_DAYS)
    _token, raw = token_create(user=admin_a, name="read")
    body = client.get(
        f"/api/v1/standards/{standard.pk}/results", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    [march] = body["items"]
    assert march["n"] == len(ELAPSED_DAYS)
    assert march["median"] == pytest.approx(5.0, abs=1e-9)
    assert march["p90"] == pytest.approx(5.5, abs=1e-9)
    assert march["median"] == pytest.approx(float(np.quantile(ELAPSED_DAYS, 0.5)), abs=1e-9)
    assert march["median"] == pytest.approx(statistics.median(ELAPSED_DAYS), abs=1e-9)
    assert march["p90"] == pytest.approx(float(np.quantile(ELAPSED_DAYS, 0.9)), abs=1e-9)
    deciles = statistics.quantiles(ELAPSED_DAYS, n=10, method="inclusive")
    assert march["p90"] == pytest.approx(deciles[-1], abs=1e-9)


@pytest.mark.django_db
def test_the_public_standards_page_shows_the_exact_median_and_p90(
    client: Client, admin_a: User, agency_a: Agency
) -> None:
    standard = _standard(agency_a)
    _send(client, admin_a, standard, ELAPSED_DAYS)
    page = client.get(f"/agencies/{agency_a.slug}/standards/").content.decode()
    assert "<td>5.0 calendar days</td>" in page
    assert "<td>5.5 calendar days</td>" in page
    assert "5.1 calendar days" not in page and "6.1 calendar days" not in page


@pytest.mark.django_db
def test_reports_spans_give_the_same_quantiles_as_the_period(
    client: Client, admin_a: User, agency_a: Agency
) -> None:
    standard = _standard(agency_a)
    _send(client, admin_a, standard, ELAPSED_DAYS)
    [period] = standard_results(standard=standard)
    span = results_between(standard=standard, first=date(2026, 3, 1), last=date(2026, 3, 31))
    assert span.elapsed is not None
    assert span.elapsed.quantile(0.5) == period.median
    assert span.elapsed.quantile(0.9) == period.p90


@pytest.mark.django_db
def test_quantiles_stay_exact_after_the_threshold_changes(agency_a: Agency) -> None:
    """Events bucketed under an older threshold no longer sort with newer ones by bucket: the
    span is ordered whole instead, and the figures stay exact."""
    standard = _standard(agency_a)
    first = _store(standard, ELAPSED_DAYS[:6], day=date(2026, 3, 10))
    assert buckets_follow_elapsed(standard=standard)
    standard_update(actor=None, standard=standard, threshold=1.0)
    assert not buckets_follow_elapsed(standard=standard)
    second = _store(standard, ELAPSED_DAYS[6:], day=date(2026, 3, 11), start=6)
    histogram = [a + b for a, b in zip(first, second, strict=True)]
    quantiles = ElapsedQuantiles(
        standard=standard, first=date(2026, 3, 1), last=date(2026, 3, 31), histogram=histogram
    )
    assert quantiles.quantile(0.5) == 5.0
    assert quantiles.quantile(0.9) == 5.5


@pytest.mark.django_db
def test_a_span_without_closed_events_has_no_quantiles(agency_a: Agency) -> None:
    standard = _standard(agency_a)
    empty = ElapsedQuantiles(
        standard=standard,
        first=date(2026, 3, 1),
        last=date(2026, 3, 31),
        histogram=[0] * HISTOGRAM_SIZE,
    )
    assert empty.quantile(0.5) is None
    malformed = ElapsedQuantiles(
        standard=standard, first=date(2026, 3, 1), last=date(2026, 3, 31), histogram=[3, 4]
    )
    assert malformed.quantile(0.9) is None


@pytest.mark.django_db
def test_quantiles_read_only_the_order_statistics_they_need(
    agency_a: Agency, django_assert_max_num_queries
) -> None:
    standard = _standard(agency_a)
    histogram = _store(standard, [float(v) for v in range(1, 1001)], day=date(2026, 3, 10))
    quantiles = ElapsedQuantiles(
        standard=standard, first=date(2026, 3, 1), last=date(2026, 3, 31), histogram=histogram
    )
    # The kept quantiles are read (none here) and whether buckets can be trusted is asked, once
    # each; then one query per bucket holding a needed value: the median's two neighbours
    # share one.
    with django_assert_max_num_queries(3):
        assert quantiles.quantile(0.5) == 500.5
    with django_assert_max_num_queries(1):
        assert quantiles.quantile(0.9) == pytest.approx(900.1)
    with django_assert_max_num_queries(0):
        assert quantiles.quantile(0.5) == 500.5


@pytest.mark.parametrize(("n", "share"), [(0, 0.5), (-3, 0.5), (5, -0.1), (5, 1.5)])
def test_quantile_ranks_refuse_impossible_input(n: int, share: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        quantile_ranks(n, share)


def test_quantile_of_no_values_is_none() -> None:
    assert quantile_of([], 0.5) is None


samples = st.lists(
    st.floats(min_value=0, max_value=400, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=200,
)
shares = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0])


@given(values=samples, share=shares)
def test_quantile_of_equals_numpy_linear_for_any_sample(values: list[float], share: float) -> None:
    expected = float(np.quantile(values, share, method="linear"))
    assert quantile_of(values, share) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.lists(
        st.floats(min_value=0, max_value=30, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=60,
    ),
    share=shares,
)
def test_stored_events_give_numpys_quantile_for_any_sample(
    agency_a: Agency, values: list[float], share: float
) -> None:
    standard = _standard(agency_a)
    histogram = _store(standard, values, day=date(2026, 3, 10))
    quantiles = ElapsedQuantiles(
        standard=standard, first=date(2026, 3, 1), last=date(2026, 3, 31), histogram=histogram
    )
    expected = float(np.quantile(values, share, method="linear"))
    assert quantiles.quantile(share) == pytest.approx(expected, rel=1e-12, abs=1e-12)
