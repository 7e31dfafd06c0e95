"""The oversight home's figures from stored rows: lateness by the due date, trust falls under
multiplicity control, suppression of small groups."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cxgov.a11 import services as a11
from cxgov.core.models import Agency
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.reports.oversight import (
    LATE,
    ON_TIME,
    OPEN,
    REPORTED_LATE,
    reporting_calendar,
    trust_picture,
)
from cxgov.surveys.models import AnswerRollup, Survey
from cxgov.surveys.services import survey_create
from cxgov.testing.factories import AgencyFactory, ServiceFactory

pytestmark = pytest.mark.django_db

QUARTER = FiscalQuarter(2026, 2)  # January to March 2026, due 30 April 2026


def _trust(agency: Agency, quarter: FiscalQuarter, *, up: int, down: int) -> None:
    survey = Survey.objects.filter(agency=agency).first() or survey_create(
        actor=None, agency=agency, template="a11_v2"
    )
    question = survey.questions.get(key="trust")
    for value, count in (("1", up), ("0", down)):
        AnswerRollup.objects.create(
            survey=survey, question=question, day=quarter.start, value_key=value, count=count
        )


def test_a_provider_is_late_only_after_the_due_date() -> None:
    agency = AgencyFactory()
    reported, missing = ServiceFactory(agency=agency), ServiceFactory(agency=agency)
    collection = a11.collection_create(
        actor=None, service=reported, fiscal_year=QUARTER.year, quarter=QUARTER.quarter
    )
    collection.status = "submitted"
    collection.save()

    def cell(today: date):  # type: ignore[no-untyped-def]
        (row,) = reporting_calendar(agencies=[agency], quarter=QUARTER, today=today)
        return row.latest

    assert cell(date(2026, 4, 30)).state == OPEN
    late = cell(date(2026, 5, 3))
    assert (late.state, late.reported, late.services, late.days_late) == (LATE, 1, 2, 3)
    a11.collection_create(
        actor=None, service=missing, fiscal_year=QUARTER.year, quarter=QUARTER.quarter
    )
    assert cell(date(2026, 5, 3)).state == LATE  # a draft is not a report
    # Status and submission day set directly: the checklist's surveys are beside the point.
    agency.a11_collections.update(
        status="published", submitted_at=datetime(2026, 4, 20, 15, tzinfo=UTC)
    )
    assert cell(date(2026, 5, 3)).state == ON_TIME
    agency.a11_collections.filter(service=missing).update(
        submitted_at=datetime(2026, 5, 2, 15, tzinfo=UTC)
    )
    done_late = cell(date(2026, 5, 3))
    assert (done_late.state, done_late.days_late) == (REPORTED_LATE, 2)


def test_only_a_significant_fall_is_flagged_and_small_groups_show_nothing() -> None:
    falling, steady, tiny = AgencyFactory(), AgencyFactory(), AgencyFactory()
    _trust(falling, QUARTER.previous(), up=320, down=80)  # 80%
    _trust(falling, QUARTER, up=240, down=160)  # 60%: a fall of 20 points
    _trust(steady, QUARTER.previous(), up=280, down=120)  # 70%
    _trust(steady, QUARTER, up=276, down=124)  # 69%
    _trust(tiny, QUARTER, up=1, down=1)
    picture = trust_picture(agencies=[falling, steady, tiny], quarter=QUARTER)
    by_agency = {p.agency.pk: p for p in picture.providers}
    assert [p.agency for p in picture.fell] == [falling]
    assert by_agency[steady.pk].change is not None
    assert not by_agency[steady.pk].fell
    assert by_agency[steady.pk].position == 1
    assert by_agency[falling.pk].position == 2
    small = by_agency[tiny.pk]
    assert small.now.suppressed and small.now.value is None and small.position is None
    # Government-wide: every answer of the quarter, the tiny provider's included.
    assert picture.current.n == 802
    assert picture.current.value == pytest.approx((240 + 276 + 1) / 802)


def test_a_fall_under_the_providers_minimum_is_not_flagged() -> None:
    agency = AgencyFactory(minimum_change_points=25)
    _trust(agency, QUARTER.previous(), up=320, down=80)
    _trust(agency, QUARTER, up=240, down=160)
    picture = trust_picture(agencies=[agency], quarter=QUARTER)
    assert picture.fell == []
    (provider,) = picture.providers
    assert provider.change is not None and provider.change.p_value < 0.001
