"""GET /api/v1/surveys/{id}/results: the page's figures as JSON, 404 for other agencies."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.core.models import Agency, Role, User
from cxgov.core.services import token_create
from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import response_bulk_create, survey_create, survey_publish
from cxgov.surveys.tests.test_results_pages import (  # noqa: F401 - a fixture
    results_survey,
    thumbs_rows,
)
from cxgov.testing.factories import MembershipFactory, UserFactory, cleared

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _token, raw = token_create(user=user, name="results")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_results_json_has_n_intervals_and_flags(
    client: Client,
    analyst_a: User,
    results_survey: Survey,  # noqa: F811
) -> None:
    reply = client.get(f"/api/v1/surveys/{results_survey.pk}/results", **_bearer(analyst_a))
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["responses"] == 40
    assert body["response_rate"] is None
    trust = next(q for q in body["questions"] if q["key"] == "trust")
    assert trust["n"] == 40
    assert trust["suppressed"] is False
    assert trust["positive"]["value"] == pytest.approx(0.55)
    assert round(100 * trust["positive"]["low"], 1) == 39.8
    assert round(100 * trust["positive"]["high"], 1) == 69.3
    counts = {row["value"]: row["count"] for row in trust["distribution"]}
    assert counts == {"1": 14, "2": 4, "3": 0, "4": 10, "5": 12}


def test_results_json_filters_like_the_page(
    client: Client,
    analyst_a: User,
    results_survey: Survey,  # noqa: F811
) -> None:
    reply = client.get(
        f"/api/v1/surveys/{results_survey.pk}/results?fiscal_year=2026&quarter=1",
        **_bearer(analyst_a),
    )
    trust = next(q for q in reply.json()["questions"] if q["key"] == "trust")
    assert trust["n"] == 20
    assert trust["positive"]["value"] == pytest.approx(0.8)
    assert trust["mean"]["value"] == pytest.approx(4.1)


def test_quarter_without_year_is_refused_naming_the_field(
    client: Client,
    analyst_a: User,
    results_survey: Survey,  # noqa: F811
) -> None:
    reply = client.get(
        f"/api/v1/surveys/{results_survey.pk}/results?quarter=2", **_bearer(analyst_a)
    )
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["loc"] == ["query", "quarter"]


def test_trend_json_marks_only_significant_changes(
    client: Client,
    analyst_a: User,
    results_survey: Survey,  # noqa: F811
) -> None:
    reply = client.get(
        f"/api/v1/surveys/{results_survey.pk}/results/trust/trend", **_bearer(analyst_a)
    )
    assert reply.status_code == 200
    first, second = reply.json()
    assert (first["quarter"], first["change"], first["significant"]) == ("FY2026 Q1", None, False)
    assert second["quarter"] == "FY2026 Q2"
    assert second["change"] == pytest.approx(-0.5)
    assert second["significant"] is True


def test_small_groups_are_suppressed_in_json(
    client: Client, analyst_a: User, agency_a: Agency
) -> None:
    survey = survey_publish(
        actor=None, survey=cleared(survey_create(actor=None, agency=agency_a, template="a11_v2"))
    )
    response_bulk_create(actor=None, survey=survey, rows=thumbs_rows(up=2, down=1))
    rollups_fold_due()
    reply = client.get(f"/api/v1/surveys/{survey.pk}/results", **_bearer(analyst_a))
    trust = next(q for q in reply.json()["questions"] if q["key"] == "trust")
    assert trust["n"] == 3
    assert trust["suppressed"] is True
    assert (trust["positive"], trust["mean"], trust["distribution"]) == (None, None, [])


def test_other_agency_gets_404(
    client: Client,
    handler_b: User,
    agency_b: Agency,
    results_survey: Survey,  # noqa: F811
) -> None:
    analyst_b = UserFactory(email="analyst@bravo.example.gov")
    MembershipFactory(user=analyst_b, agency=agency_b, role=Role.CX_ANALYST)
    for user in (handler_b, analyst_b):
        for path in ("results", "results/trust/trend"):
            reply = client.get(f"/api/v1/surveys/{results_survey.pk}/{path}", **_bearer(user))
            assert reply.status_code == 404
            assert reply.json() == {"detail": "Not found."}


def test_frontline_member_of_the_agency_gets_404(
    client: Client,
    agency_a: Agency,
    results_survey: Survey,  # noqa: F811
) -> None:
    frontline = UserFactory(email="frontline@alpha.example.gov")
    MembershipFactory(user=frontline, agency=agency_a, role=Role.FRONTLINE_EMPLOYEE)
    reply = client.get(f"/api/v1/surveys/{results_survey.pk}/results", **_bearer(frontline))
    assert reply.status_code == 404


def test_missing_question_gets_404(
    client: Client,
    analyst_a: User,
    results_survey: Survey,  # noqa: F811
) -> None:
    reply = client.get(
        f"/api/v1/surveys/{results_survey.pk}/results/nope/trend", **_bearer(analyst_a)
    )
    assert reply.status_code == 404
