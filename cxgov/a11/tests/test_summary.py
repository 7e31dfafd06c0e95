"""The A-11 quarterly summary rows, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.utils import translation

from cxgov.a11.summary import a11_summary_rows
from cxgov.core.models import Agency
from cxgov.surveys.models import Audience
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.surveys.tests.results_factories import bulk
from cxgov.testing.factories import ServiceFactory, cleared

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("threshold_five")]

# Mid-November 2025 (FY2026 Q1) and mid-February 2026 (FY2026 Q2), noon UTC.
NOV = datetime(2025, 11, 14, 17, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 13, 17, 0, tzinfo=UTC)


@pytest.fixture
def threshold_five() -> object:
    """Threshold 5 and English labels, whatever earlier tests left active."""
    with override_settings(SURVEY_SUPPRESSION_THRESHOLD=5), translation.override("en"):
        yield


def test_a11_summary_rows_give_counts_point_scale_and_percent_agree(agency_a: Agency) -> None:
    service = ServiceFactory(agency=agency_a, name="Passports", slug="passports")
    survey = survey_publish(
        actor=None,
        survey=cleared(
            survey_create(actor=None, agency=agency_a, template="a11_v1", title="Passport")
        ),
    )
    answers = [5, 5, 5, 4, 4, 3, 2, 1]
    bulk(
        survey,
        [({"satisfaction": a, "trust": 4}, NOV) for a in answers],
        service="passports",
        channel="in_person",
    )
    bulk(
        survey,
        [({"satisfaction": 5, "trust": 5}, FEB)],
        service="passports",
        channel="in_person",
    )
    rows = a11_summary_rows(fiscal_year=2026, quarter=1, agencies=Agency.objects.all())
    assert [r["question_key"] for r in rows] == ["satisfaction", "trust"]
    sat = rows[0]
    assert {k: sat[k] for k in ("agency", "service", "channel", "fiscal_year", "quarter")} == {
        "agency": "Agency Alpha",
        "service": service.name,
        "channel": "in_person",
        "fiscal_year": 2026,
        "quarter": 1,
    }
    assert sat["survey"] == "Passport" and sat["n"] == 8
    assert [sat[f"count_{k}"] for k in range(1, 6)] == [1, 1, 1, 2, 3]
    # Point scale 29/8 = 3.625 -> 3.63 (half up, as performance.gov rounds; Python's round
    # gives 3.62) ; 5 of 8 agree, Wilson 30.6-86.3%.
    assert sat["mean"] == 3.63
    assert sat["percent_agree"] == 62.5
    assert (sat["percent_agree_low"], sat["percent_agree_high"]) == (30.6, 86.3)
    whole_year = a11_summary_rows(fiscal_year=2026, quarter=None, agencies=Agency.objects.all())
    assert [(r["quarter"], r["question_key"], r["n"]) for r in whole_year] == [
        (1, "satisfaction", 8),
        (1, "trust", 8),
        (2, "satisfaction", 1),
        (2, "trust", 1),
    ]
    # A customer cell of one is published as performance.gov publishes it.
    assert not whole_year[2]["suppressed"] and whole_year[2]["count_5"] == 1
    assert whole_year[2]["mean"] == 5.0 and whole_year[2]["percent_agree"] == 100.0
    assert a11_summary_rows(fiscal_year=2026, quarter=1, agencies=Agency.objects.none()) == []


def test_employee_a11_cells_under_the_threshold_keep_only_n(agency_a: Agency) -> None:
    ServiceFactory(agency=agency_a, name="HR", slug="hr")
    survey = survey_create(actor=None, agency=agency_a, template="a11_v1", title="Staff")
    survey.audience = Audience.EMPLOYEE
    survey.save(update_fields=["audience"])
    survey_publish(actor=None, survey=cleared(survey))
    bulk(survey, [({"satisfaction": 5, "trust": 4}, NOV)] * 3, service="hr", channel="email")
    rows = a11_summary_rows(fiscal_year=2026, quarter=1, agencies=Agency.objects.all())
    assert rows and all(r["suppressed"] and r["n"] == 3 for r in rows)
    assert all(r["mean"] is None and r["percent_agree"] is None for r in rows)
