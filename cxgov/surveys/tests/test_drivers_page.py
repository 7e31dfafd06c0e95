"""The key driver page: Shapley importance, performance, quadrants, and refusing thin data.

With the 40 responses of test_results_pages.py, effectiveness equals trust and the other four
drivers are uncorrelated with it, so effectiveness explains all of R² (importance 100%) and the
others none. Performance (share answering 4 or 5): effectiveness 22/40 = 55.0%; ease,
efficiency and transparency 20/40 = 50.0%; employee 40/40 = 100.0%. The quadrant lines sit at
an equal share (20%) and the mean performance (61%).
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from cxgov.core.models import Agency, Role
from cxgov.surveys.models import Survey
from cxgov.surveys.tasks import drivers_compute_task
from cxgov.surveys.tests.test_results_pages import results_survey  # noqa: F401 - a fixture
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(survey: Survey) -> str:
    return f"/staff/agencies/{survey.agency.slug}/results/{survey.pk}/drivers/"


def _computed(client: Client, survey: Survey, url: str) -> None:
    """Ask for the analysis with the page's button and run the task that computes it."""
    client.post(url)
    drivers_compute_task.enqueue(survey_id=survey.pk)


def _rows(client: Client, url: str) -> dict[str, list[str]]:
    reply = client.get(url)
    assert reply.status_code == 200
    rows = list(csv.reader(io.StringIO(reply.content.decode())))
    return {row[0]: row[1:] for row in rows[1:]}


def test_driver_importance_performance_and_quadrants(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    _computed(analyst_a_client, results_survey, _url(results_survey))
    rows = _rows(analyst_a_client, _url(results_survey) + "?download=drivers")
    effectiveness = rows["My need was addressed."]
    assert effectiveness[0] == "100.0"
    assert effectiveness[3:9] == ["55.0", "39.8", "69.3", "40", "Fix first", "effectiveness"]
    ease = rows["It was easy to complete what I needed to do."]
    assert ease[0] == "0.0"
    assert ease[3:8] == ["50.0", "35.2", "64.8", "40", "Watch"]
    employee = rows["Employees I interacted with were helpful."]
    assert employee[0] == "0.0"
    assert employee[3:8] == ["100.0", "91.2", "100.0", "40", "Lower priority"]
    for figures in rows.values():
        low, point, high = float(figures[1]), float(figures[0]), float(figures[2])
        assert low <= point + 1e-9 and point <= high + 1e-9


def test_page_shows_matrix_and_the_same_numbers(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    _computed(analyst_a_client, results_survey, _url(results_survey))
    reply = analyst_a_client.get(_url(results_survey))
    assert reply.status_code == 200
    text = reply.content.decode()
    assert '<svg role="img"' in text and 'xmlns="http://www.w3.org/2000/svg"' in text
    assert 'id="priority-matrix-title"' in text and 'id="priority-matrix-desc"' in text
    for label in ("Fix first", "Keep up", "Watch", "Lower priority"):
        assert label in text
    assert "40 responses answered" in text
    assert "Fix first: My need was addressed." in text  # the SVG's description
    assert "<td>55.0</td>" in text and "<td>100.0</td>" in text


def test_analyst_picks_the_outcome(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    _computed(analyst_a_client, results_survey, _url(results_survey) + "?outcome=satisfaction")
    text = analyst_a_client.get(_url(results_survey) + "?outcome=satisfaction").content.decode()
    assert "What drives “I am satisfied with the service I received from Agency Alpha.”" in text
    default = analyst_a_client.get(_url(results_survey)).content.decode()
    assert "What drives “This interaction increased my trust in Agency Alpha.”" in default


def test_too_few_complete_responses_is_refused(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    _computed(
        analyst_a_client, results_survey, _url(results_survey) + "?fiscal_year=2026&quarter=1"
    )
    reply = analyst_a_client.get(_url(results_survey) + "?fiscal_year=2026&quarter=1")
    text = reply.content.decode()
    assert reply.status_code == 200
    assert "Too few complete responses" in text
    assert "Only 20 responses answered the outcome and every driver" in text
    assert "<svg" not in text
    assert analyst_a_client.get(_url(results_survey) + "?download=drivers").status_code == 200
    refused = analyst_a_client.get(
        _url(results_survey) + "?fiscal_year=2026&quarter=1&download=drivers"
    )
    assert refused.status_code == 404


def test_survey_without_drivers_says_so(analyst_a_client: Client, a11_survey: Survey) -> None:
    text = analyst_a_client.get(_url(a11_survey)).content.decode()
    assert "This survey has no key driver analysis" in text


def test_driver_page_denied_to_other_agencies_and_frontline(
    handler_b_client: Client,
    agency_a: Agency,
    results_survey: Survey,  # noqa: F811
) -> None:
    assert handler_b_client.get(_url(results_survey)).status_code == 404
    frontline = UserFactory(email="frontline@alpha.example.gov")
    MembershipFactory(user=frontline, agency=agency_a, role=Role.FRONTLINE_EMPLOYEE)
    client = Client()
    client.force_login(frontline)
    assert client.get(_url(results_survey)).status_code == 404
