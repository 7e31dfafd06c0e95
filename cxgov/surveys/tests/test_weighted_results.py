"""Survey results raked to population margins: the page, its CSV, the margins pages, errors.

The 40 responses of test_results_pages: 20 by phone with 16 positive on trust, 20 on the
website with 6. Margins of 100 phone and 300 website customers weight each phone response 5
and each website response 15, so the weighted share positive is (16·5 + 6·15) / 400 = 42.5%,
Kish's design effect 40·(20·25 + 20·225) / 400² = 1.25 and the effective n 40 / 1.25 = 32:
the Wilson interval on 32 is 27.1% to 59.3%.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from cxgov.core.models import Agency, AuditEvent, PreparedFile, User
from cxgov.core.services import token_create
from cxgov.insights.proportions import wilson_interval
from cxgov.surveys.models import PopulationMargin, Survey
from cxgov.surveys.prepared import WEIGHTED_RESULTS
from cxgov.surveys.services import population_margin_save
from cxgov.surveys.tests.results_factories import bulk, mixed_survey
from cxgov.surveys.tests.test_results_pages import results_survey  # noqa: F401 - a fixture
from cxgov.testing.prepared import prepared_get, prepared_work

pytestmark = pytest.mark.django_db


def _url(survey: Survey, suffix: str = "") -> str:
    return f"/staff/agencies/{survey.agency.slug}/results/{survey.pk}/{suffix}"


def _page(client: Client, url: str) -> str:
    """The page once the worker has prepared its weighted figures."""
    reply = prepared_get(client, url)
    assert reply.status_code == 200
    return str(reply.content.decode())


def _rows(client: Client, url: str) -> list[list[str]]:
    # The first request asks the worker for the weighted figures the table is made from.
    client.get(url)
    prepared_work()
    reply = client.get(url)
    assert reply.status_code == 200
    return list(csv.reader(io.StringIO(reply.content.decode())))


@pytest.fixture
def weighted_survey(results_survey: Survey, analyst_a: User) -> Survey:  # noqa: F811
    population_margin_save(
        actor=analyst_a,
        survey=results_survey,
        variable="channel",
        counts={"phone": 100, "website": 300},
    )
    return results_survey


def test_the_weighted_summary_shows_design_effect_effective_n_and_interval(
    analyst_a_client: Client, weighted_survey: Survey
) -> None:
    low, high = wilson_interval(0.425 * 32, 32)
    rows = _rows(analyst_a_client, _url(weighted_survey) + "?download=weighted")
    assert rows[0][:7] == [
        "Question",
        "Answers (n)",
        "Weighted percent positive (%)",
        "95% interval, low (%)",
        "95% interval, high (%)",
        "Design effect (Kish)",
        "Effective n",
    ]
    trust = next(row for row in rows if row[0].startswith("This interaction increased my trust"))
    assert trust[1:7] == ["40", "42.5", f"{100 * low:.1f}", f"{100 * high:.1f}", "1.25", "32.0"]
    page = _page(analyst_a_client, _url(weighted_survey))
    assert "Weighted to the population" in page
    for cell in trust[1:7]:
        assert f"<td>{cell}</td>" in page


def test_a_filter_is_a_domain_of_the_raked_sample(
    analyst_a_client: Client, weighted_survey: Survey
) -> None:
    rows = _rows(analyst_a_client, _url(weighted_survey) + "?channel=phone&download=weighted")
    trust = next(row for row in rows if row[0].startswith("This interaction increased my trust"))
    # Equal weights inside the phone domain: the unweighted 80.0% with design effect 1.
    assert trust[1:3] == ["20", "80.0"]
    assert trust[5:7] == ["1.00", "20.0"]
    by_channel = _rows(
        analyst_a_client, _url(weighted_survey) + "?question=trust&download=weighted-by-channel"
    )
    assert [row[:3] for row in by_channel[1:]] == [
        ["phone", "20", "80.0"],
        ["website", "20", "30.0"],
    ]


def test_margins_that_cannot_weight_are_explained_on_the_page_not_a_500(
    analyst_a_client: Client, weighted_survey: Survey, analyst_a: User
) -> None:
    # A quarter of the responses are in Spanish, and the language margin counts only English.
    population_margin_save(
        actor=analyst_a, survey=weighted_survey, variable="language", counts={"en": 400}
    )
    text = _page(analyst_a_client, _url(weighted_survey))
    assert "The responses could not be weighted" in text
    assert "without a population count (es)" in text
    assert analyst_a_client.get(_url(weighted_survey) + "?download=weighted").status_code == 404


def test_a_margin_is_given_on_the_form_page_and_audited(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    edit = _url(results_survey, "margins/edit/")
    assert analyst_a_client.get(edit).status_code == 200
    reply = analyst_a_client.post(
        edit, {"variable": "channel", "counts": "phone, 100\nwebsite, 300"}
    )
    assert reply.status_code == 302
    margin = PopulationMargin.objects.get(survey=results_survey)
    assert margin.counts == {"phone": 100, "website": 300}
    assert AuditEvent.objects.filter(action="survey.margin_create").count() == 1
    page = analyst_a_client.get(_url(results_survey, "margins/")).content.decode()
    assert "Population counts (total 400)" in page
    refused = analyst_a_client.post(
        edit, {"variable": "language", "counts": "en, 10\nklingon, 5\nes, -3"}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "“klingon” is not a category of Language of the answers" in text
    assert "the count of “es” must be more than zero" in text
    differs = analyst_a_client.post(edit, {"variable": "language", "counts": "en, 10"})
    assert differs.status_code == 400
    assert "add up to 10, but the survey&#x27;s other margins add up to 400" in (
        differs.content.decode()
    )


def test_removing_a_margin_is_a_post_button(
    analyst_a_client: Client, weighted_survey: Survey
) -> None:
    margin = PopulationMargin.objects.get(survey=weighted_survey)
    delete = f"/staff/agencies/{weighted_survey.agency.slug}/results/margins/{margin.pk}/delete/"
    assert analyst_a_client.get(delete).status_code == 405
    assert analyst_a_client.post(delete).status_code == 302
    assert not PopulationMargin.objects.filter(pk=margin.pk).exists()
    assert AuditEvent.objects.filter(action="survey.margin_delete").count() == 1


def test_the_survey_report_shows_the_weighted_figures_and_why_they_are_missing(
    weighted_survey: Survey, analyst_a: User
) -> None:
    from cxgov.reports.selectors import report_build

    low, high = wilson_interval(0.425 * 32, 32)
    data = report_build(agency=weighted_survey.agency, fiscal_year=2026, quarter=None)
    results = next(s for s in data.sections if s.id == "results")
    table = next(t for t in results.tables if t.id == "results_weighted")
    trust = next(r for r in table.rows if "This interaction increased my trust" in str(r[0]))
    assert trust[1] == "42.5"
    assert f"{100 * low:.1f}" in trust[2] and f"{100 * high:.1f}" in trust[2]
    assert trust[3:] == ["40", "1.25", "32.0"]
    population_margin_save(
        actor=analyst_a, survey=weighted_survey, variable="language", counts={"en": 400}
    )
    data = report_build(agency=weighted_survey.agency, fiscal_year=2026, quarter=None)
    results = next(s for s in data.sections if s.id == "results")
    assert all(t.id != "results_weighted" for t in results.tables)
    assert any("are not weighted" in note and "(es)" in note for note in results.notes)


def test_a_choose_one_question_is_a_margin_like_a_scale(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = mixed_survey(agency_a)
    at = datetime(2026, 3, 2, 15, tzinfo=UTC)
    bulk(survey, [({"sat": 5, "pick": "ease"}, at)] * 10 + [({"sat": 1, "pick": "speed"}, at)] * 10)
    edit = _url(survey, "margins/edit/")
    assert "Answer to “Pick one”" in analyst_a_client.get(edit).content.decode()
    refused = analyst_a_client.post(edit, {"variable": "question:pick", "counts": "klingon, 5"})
    assert "“klingon” is not a category of Answer to “Pick one”" in refused.content.decode()
    saved = analyst_a_client.post(
        edit, {"variable": "question:pick", "counts": "ease, 100\nspeed, 300"}
    )
    assert saved.status_code == 302
    rows = _rows(analyst_a_client, _url(survey) + "?download=weighted")
    satisfied = next(row for row in rows if row[0].startswith("I am satisfied."))
    # Weights 10 (ease) and 30 (speed): 10·10 / (10·10 + 10·30) of the population is positive.
    assert satisfied[1:3] == ["20", "25.0"]


def test_the_trim_cap_is_a_setting_and_the_page_says_how_many_weights_it_cut(
    analyst_a_client: Client, weighted_survey: Survey, settings: Any
) -> None:
    page = _page(analyst_a_client, _url(weighted_survey))
    assert "Weights above 5 times the average are trimmed: 0 responses were." in page
    # A cap of the mean itself cuts the 20 website weights of 15 to 10 and spreads the excess
    # over the phone weights of 5: every weight is 10 and the share is the unweighted 22/40.
    settings.SURVEY_WEIGHT_TRIM = 1
    page = _page(analyst_a_client, _url(weighted_survey))
    assert "Weights above 1 times the average are trimmed: 20 responses were." in page
    rows = _rows(analyst_a_client, _url(weighted_survey) + "?download=weighted")
    trust = next(row for row in rows if row[0].startswith("This interaction increased my trust"))
    assert trust[1:3] == ["40", "55.0"] and trust[5] == "1.00"
    settings.SURVEY_WEIGHT_TRIM = 0
    assert "Weights are not trimmed." in _page(analyst_a_client, _url(weighted_survey))


def test_the_api_gives_the_weighted_figures_when_asked(
    client: Client, analyst_a: User, weighted_survey: Survey
) -> None:
    _token, raw = token_create(user=analyst_a, name="weighted")
    url = f"/api/v1/surveys/{weighted_survey.pk}/results"
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(url, **bearer).json()["weighted"] is None
    weighted = prepared_get(client, url + "?weighted=true", **bearer).json()["weighted"]
    assert weighted["status"] == "ready" and weighted["prepared_at"]
    assert weighted["margins"] == ["channel"] and weighted["trim"] == 5.0
    assert weighted["error"] is None
    trust = next(q for q in weighted["questions"] if q["key"] == "trust")
    low, high = wilson_interval(0.425 * 32, 32)
    assert trust["positive"]["value"] == pytest.approx(0.425)
    assert trust["positive"]["low"] == pytest.approx(low)
    assert trust["positive"]["high"] == pytest.approx(high)
    assert trust["positive"]["design_effect"] == pytest.approx(1.25)
    assert trust["positive"]["effective_n"] == pytest.approx(32)
    assert trust["positive"]["n"] == 40
    phone = prepared_get(client, url + "?weighted=true&channel=phone", **bearer).json()
    phone = phone["weighted"]
    assert next(q for q in phone["questions"] if q["key"] == "trust")["positive"]["n"] == 20


def test_the_api_says_why_margins_cannot_weight(
    client: Client, analyst_a: User, weighted_survey: Survey
) -> None:
    population_margin_save(
        actor=analyst_a, survey=weighted_survey, variable="language", counts={"en": 400}
    )
    _token, raw = token_create(user=analyst_a, name="weighted")
    reply = prepared_get(
        client,
        f"/api/v1/surveys/{weighted_survey.pk}/results?weighted=true",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert reply.status_code == 200
    weighted = reply.json()["weighted"]
    assert weighted["status"] == "ready"
    assert "without a population count (es)" in weighted["error"]
    assert weighted["questions"] == []


def test_the_api_leaves_the_raking_to_the_worker_and_says_when_to_ask_again(
    client: Client, analyst_a: User, weighted_survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    def raked_in_the_request(**_kwargs: Any) -> None:
        raise AssertionError("the API raked the responses itself")

    monkeypatch.setattr("cxgov.surveys.prepared.weighted_results", raked_in_the_request)
    _token, raw = token_create(user=analyst_a, name="weighted")
    reply = client.get(
        f"/api/v1/surveys/{weighted_survey.pk}/results?weighted=true",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert reply.status_code == 200
    assert reply["Retry-After"] == "5"
    weighted = reply.json()["weighted"]
    assert weighted["status"] == "preparing"
    assert weighted["questions"] == [] and weighted["prepared_at"] is None
    # The unweighted figures come at once.
    assert reply.json()["questions"]
    assert PreparedFile.objects.filter(kind=WEIGHTED_RESULTS, status="queued").count() == 1


def test_the_results_page_leaves_the_raking_to_the_worker(
    analyst_a_client: Client, weighted_survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    def raked_in_the_request(**_kwargs: Any) -> None:
        raise AssertionError("the page raked the responses itself")

    monkeypatch.setattr("cxgov.surveys.prepared.weighted_results", raked_in_the_request)
    reply = analyst_a_client.get(_url(weighted_survey))
    assert reply.status_code == 200
    page = reply.content.decode()
    assert "being prepared in the background" in page
    assert "No population margins are given" not in page
    assert PreparedFile.objects.filter(kind=WEIGHTED_RESULTS, status="queued").count() == 1


def test_weighted_figures_are_built_again_when_a_margin_changes(
    analyst_a_client: Client, weighted_survey: Survey, analyst_a: User
) -> None:
    assert "42.5" in _page(analyst_a_client, _url(weighted_survey))
    population_margin_save(
        actor=analyst_a,
        survey=weighted_survey,
        variable="channel",
        counts={"phone": 300, "website": 100},
    )
    # Phone responses now weigh 15 and website ones 5: (16·15 + 6·5) / 400 = 67.5%.
    page = _page(analyst_a_client, _url(weighted_survey))
    assert "<td>67.5</td>" in page
    assert "<td>42.5</td>" not in page


def test_the_refresh_button_asks_for_new_weighted_figures_and_comes_back(
    analyst_a_client: Client, weighted_survey: Survey
) -> None:
    url = _url(weighted_survey) + "?channel=phone"
    assert "Refresh the figures" in _page(analyst_a_client, url)
    reply = analyst_a_client.post(url, {"prepared": "refresh"})
    assert reply.status_code == 302
    assert reply["Location"] == url
    assert PreparedFile.objects.filter(kind=WEIGHTED_RESULTS, status="queued").exists()
