"""The builder and response management pages: editors build, other agencies see nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cxgov.core.models import Agency
from cxgov.core.services import token_create
from cxgov.surveys import views as survey_views
from cxgov.surveys.models import Question, Response, Survey
from cxgov.surveys.rollups import rollups_fold
from cxgov.surveys.services import (
    response_delete,
    response_mark,
    response_submit,
    survey_create,
)
from cxgov.surveys.tests.results_factories import bulk
from cxgov.surveys.tests.test_builder import option_rows
from cxgov.testing.approvals import review_and_publish, review_url
from cxgov.testing.factories import cleared

pytestmark = pytest.mark.django_db


def _review(survey: Survey, act: str) -> str:
    return review_url(slug=survey.agency.slug, kind="survey", object_id=survey.pk, act=act)


def _publish(author: Client, approver: Client, survey: Survey) -> None:
    """Sent for review by the analyst, approved and published by a second member."""
    review_and_publish(
        author=author,
        approver=approver,
        slug=survey.agency.slug,
        kind="survey",
        object_id=survey.pk,
    )


def _base(survey: Survey) -> str:
    return f"/staff/agencies/{survey.agency.slug}/surveys/{survey.pk}/"


def test_analyst_creates_a_survey_from_the_a11_v2_template(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    page = analyst_a_client.get("/staff/agencies/alpha/surveys/new/")
    assert page.status_code == 200
    reply = analyst_a_client.post(
        "/staff/agencies/alpha/surveys/new/", {"template": "a11_v2", "title": "Front desk"}
    )
    survey = Survey.objects.get()
    assert reply["Location"] == _base(survey)
    assert survey.status == "draft"
    assert list(survey.questions.values_list("key", flat=True))[:4] == [
        "trust",
        "went_well",
        "went_poorly",
        "comments",
    ]
    assert analyst_a_client.get("/staff/agencies/alpha/surveys/").status_code == 200
    assert "Front desk" in analyst_a_client.get(_base(survey)).content.decode()


def test_unknown_template_gets_a_field_error(analyst_a_client: Client, agency_a: Agency) -> None:
    reply = analyst_a_client.post("/staff/agencies/alpha/surveys/new/", {"template": "nope"})
    assert reply.status_code == 400
    assert "usa-error-message" in reply.content.decode()


def test_add_edit_move_and_remove_a_question(analyst_a_client: Client, agency_a: Agency) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="blank")
    url = _base(survey) + "questions/new/"
    bad = analyst_a_client.post(url, {"key": "Bad Key", "kind": "single", "text": "Pick"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Start with a letter" in page and "Give at least one option." in page
    ok = analyst_a_client.post(
        url,
        {
            "key": "visit",
            "kind": "single",
            "text": "Why did you visit?",
            "text_es": "¿Por qué vino?",
            **option_rows(("renew", "Renew", "Renovar"), ("apply", "Apply", "Solicitar")),
        },
    )
    assert ok.status_code == 302
    analyst_a_client.post(url, {"key": "age", "kind": "number", "text": "Age", "text_es": "Edad"})
    visit = Question.objects.get(key="visit")
    assert visit.options[1] == {"value": "apply", "label": "Apply", "label_es": "Solicitar"}
    edit = f"/staff/agencies/alpha/surveys/questions/{visit.pk}/"
    analyst_a_client.post(edit + "move/down/")
    assert list(survey.questions.values_list("key", flat=True)) == ["age", "visit"]
    analyst_a_client.post(
        edit + "edit/",
        {
            "key": "visit",
            "kind": "single",
            "text": "Why did you come?",
            "text_es": "¿Por qué vino?",
            **option_rows(("renew", "Renew", "Renovar")),
            "required": "on",
        },
    )
    visit.refresh_from_db()
    assert visit.text == "Why did you come?" and visit.required
    analyst_a_client.post(edit + "remove/")
    assert list(survey.questions.values_list("key", flat=True)) == ["age"]


def test_publish_duplicate_close_and_preview(
    analyst_a_client: Client, admin_a_client: Client, agency_a: Agency
) -> None:
    survey = cleared(survey_create(actor=None, agency=agency_a, template="a11_v1"))
    assert analyst_a_client.get(_base(survey) + "preview/").status_code == 200
    _publish(analyst_a_client, admin_a_client, survey)
    survey.refresh_from_db()
    assert survey.status == "live"
    analyst_a_client.post(_base(survey) + "duplicate/")
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert copy.status == "draft" and copy.questions.count() == survey.questions.count()
    analyst_a_client.post(_base(survey) + "close/")
    survey.refresh_from_db()
    assert survey.status == "closed"


def test_publishing_without_spanish_text_says_which_questions(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="blank")
    Question.objects.create(survey=survey, key="q1", kind="yes_no", text="Ok?", position=10)
    reply = analyst_a_client.post(_review(survey, "submit"), follow=True)
    assert "Give Spanish text for every question first: q1." in reply.content.decode()


def test_questions_of_a_survey_with_responses_only_take_text_fixes(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    response_submit(survey=a11_survey, answers={"trust": 1})
    trust = a11_survey.questions.get(key="trust")
    edit = f"/staff/agencies/alpha/surveys/questions/{trust.pk}/edit/"
    page = analyst_a_client.get(edit).content.decode()
    assert 'name="kind"' not in page
    analyst_a_client.post(
        edit,
        {"text": "This visit increased my trust.", "text_es": "Esta visita aumentó mi confianza."},
    )
    trust.refresh_from_db()
    assert trust.text == "This visit increased my trust."
    analyst_a_client.post(f"/staff/agencies/alpha/surveys/questions/{trust.pk}/remove/")
    assert a11_survey.questions.filter(key="trust").exists()
    assert analyst_a_client.get(_base(a11_survey) + "questions/new/").status_code == 302


def test_other_agency_gets_404_everywhere(handler_b_client: Client, a11_survey: Survey) -> None:
    response = response_submit(survey=a11_survey, answers={"trust": 1})
    question = a11_survey.questions.first()
    for url in [
        _base(a11_survey),
        _base(a11_survey) + "settings/",
        _base(a11_survey) + "preview/",
        _base(a11_survey) + "responses/",
        _base(a11_survey) + "responses.csv",
        _base(a11_survey) + "qr.svg",
        f"/staff/agencies/alpha/surveys/questions/{question.pk}/edit/",
        "/staff/agencies/alpha/surveys/",
    ]:
        assert handler_b_client.get(url).status_code == 404, url
    # Through its own agency's address, too.
    assert (
        handler_b_client.get(f"/staff/agencies/bravo/surveys/{a11_survey.pk}/").status_code == 404
    )
    for url in [
        _base(a11_survey) + f"responses/{response.pk}/spam/",
        _base(a11_survey) + "close/",
        _base(a11_survey) + "duplicate/",
        _base(a11_survey) + "invitations/remind/",
        f"/staff/agencies/alpha/surveys/questions/{question.pk}/move/down/",
        f"/staff/agencies/alpha/surveys/questions/{question.pk}/remove/",
    ]:
        assert handler_b_client.post(url).status_code == 404, url
    a11_survey.refresh_from_db()
    assert a11_survey.status == "live" and a11_survey.questions.filter(pk=question.pk).exists()


def test_responses_are_filtered_marked_deleted_and_restored(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    web = response_submit(
        survey=a11_survey, answers={"trust": 1}, submission_id="w1", context=_ctx("website")
    )
    response_submit(
        survey=a11_survey, answers={"trust": 0}, submission_id="p1", context=_ctx("phone")
    )
    listing = analyst_a_client.get(_base(a11_survey) + "responses/?channel=website")
    assert listing.status_code == 200
    assert "1 response matches." in listing.content.decode()
    analyst_a_client.post(_base(a11_survey) + f"responses/{web.pk}/spam/")
    web.refresh_from_db()
    assert web.status == "spam"
    analyst_a_client.post(_base(a11_survey) + f"responses/{web.pk}/delete/")
    web.refresh_from_db()
    assert web.deleted_at is not None
    csv_text = _csv(analyst_a_client, _base(a11_survey) + "responses.csv")
    assert "w1" not in csv_text and len(csv_text.strip().splitlines()) == 2
    analyst_a_client.post(_base(a11_survey) + f"responses/{web.pk}/restore/")
    web.refresh_from_db()
    assert web.deleted_at is None


def test_csv_export_streams_one_row_per_response_with_a_column_per_question(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    response_submit(
        survey=a11_survey,
        answers={"trust": 1, "went_well": ["ease", "employee"], "comments": 'Said "hi", fine'},
        context=_ctx("website"),
    )
    reply = analyst_a_client.get(_base(a11_survey) + "responses.csv")
    assert reply.streaming
    lines = b"".join(reply.streaming_content).decode().splitlines()
    header = lines[0].split(",")
    assert header[-8:-4] == ["trust", "went_well", "went_poorly", "comments"]
    assert "ease|employee" in lines[1] and '"Said ""hi"", fine"' in lines[1]
    assert lines[1].endswith(",website,")


def test_qr_code_carries_the_location_code(analyst_a_client: Client, a11_survey: Survey) -> None:
    reply = analyst_a_client.get(_base(a11_survey) + "qr.svg?loc=LOBBY-2")
    assert reply["Content-Type"] == "image/svg+xml"
    assert reply.content.startswith(b"<svg") and b"style=" not in reply.content
    assert "LOBBY-2" in reply["Content-Disposition"]


def test_employee_survey_responses_are_never_listed_nor_exported(
    analyst_a_client: Client, employee_survey: Survey
) -> None:
    for n in range(6):
        response_submit(
            survey=employee_survey,
            answers={"resources": 3},
            access_code="team-2026",
            submission_id=f"e{n}",
        )
    page = analyst_a_client.get(_base(employee_survey) + "responses/").content.decode()
    assert "never listed one by one" in page
    assert "Download CSV" not in page and "<table" not in page
    csv_text = _csv(analyst_a_client, _base(employee_survey) + "responses.csv")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("not listed")
    detail = analyst_a_client.get(_base(employee_survey)).content.decode()
    assert "/responses/" not in detail
    assert Response.objects.filter(survey=employee_survey, ip_address__isnull=False).count() == 0


def _ctx(channel: str):
    from cxgov.surveys.services import SubmissionContext

    return SubmissionContext(channel=channel)


def _csv(client: Client, url: str) -> str:
    return b"".join(client.get(url).streaming_content).decode()


def test_staff_publish_a_surveys_results_from_its_settings_but_never_an_employee_surveys(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2", title="Front desk")
    settings_url = _base(survey) + "settings/"
    form = analyst_a_client.get(settings_url).content.decode()
    assert 'name="results_public"' in form
    assert "Publish results on the public performance pages" in form
    reply = analyst_a_client.post(settings_url, {"title": "Front desk", "results_public": "on"})
    assert reply.status_code == 302
    survey.refresh_from_db()
    assert survey.results_public
    employee = survey_create(actor=None, agency=agency_a, template="employee_barriers")
    assert (
        'name="results_public"'
        not in analyst_a_client.get(_base(employee) + "settings/").content.decode()
    )


def test_survey_list_detail_and_api_count_the_responses_the_results_count(
    analyst_a_client: Client, analyst_a, a11_survey: Survey
) -> None:
    """Four sent, one marked spam and one deleted: two counted everywhere, the totals read
    from the rollups once folded, never by counting the responses themselves."""
    sent = [
        response_submit(
            survey=a11_survey, answers={"trust": 1}, submission_id=f"c{n}", context=_ctx("website")
        )
        for n in range(4)
    ]
    rollups_fold(survey_id=a11_survey.pk)
    response_mark(actor=None, response=sent[0], spam=True)
    response_delete(actor=None, response=sent[1])
    with CaptureQueriesContext(connection) as queries:
        listing = analyst_a_client.get("/staff/agencies/alpha/surveys/").content.decode()
        detail = analyst_a_client.get(_base(a11_survey)).content.decode()
    assert '<td data-label="Responses">2</td>' in listing
    assert "2 responses." in detail
    assert '<td data-label="Responses">2</td>' in detail  # version 1's, spam left out too
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if 'FROM "surveys_response"' in sql]
    _token, raw = token_create(user=analyst_a, name="test")
    api = analyst_a_client.get(
        "/api/v1/agencies/alpha/surveys", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert [item["response_count"] for item in api["items"]] == [2]


def test_response_list_counts_matches_up_to_a_cap_and_says_more_beyond(
    analyst_a_client: Client, a11_survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        response_submit(
            survey=a11_survey, answers={"trust": 1}, submission_id=f"m{n}", context=_ctx("web")
        )
    url = _base(a11_survey) + "responses/"
    assert "3 responses match." in analyst_a_client.get(url).content.decode()
    monkeypatch.setattr(survey_views, "RESPONSES_COUNTED", 2)
    with CaptureQueriesContext(connection) as queries:
        page = analyst_a_client.get(url).content.decode()
    assert "More than 2 responses match." in page
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 3" in sql for sql in counts if '"surveys_response"' in sql)
    spanish = analyst_a_client.get("/es" + url).content.decode()
    assert "Coinciden más de 2 respuestas." in spanish


def test_response_list_shows_each_responses_context_answers_and_status_in_a_fixed_number_of_queries(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    url = _base(a11_survey) + "responses/"

    def send(n: int) -> Response:
        return response_submit(
            survey=a11_survey,
            answers={"trust": 1},
            submission_id=f"r{n}",
            context=_ctx("phone"),
        )

    spam = send(0)
    response_mark(actor=None, response=spam, spam=True)
    with CaptureQueriesContext(connection) as one:
        page = analyst_a_client.get(url).content.decode()
    trust = a11_survey.questions.get(key="trust").text
    assert f"{trust}: 1" in page
    assert '<td data-label="Context">Survey page · Phone · en</td>' in page
    assert '<td data-label="Status">Spam</td>' in page
    for n in range(1, 6):
        send(n)
    with CaptureQueriesContext(connection) as six:
        page = analyst_a_client.get(url).content.decode()
    assert page.count('<td data-label="Status">Valid</td>') == 5
    assert len(six.captured_queries) == len(one.captured_queries)
    spanish = analyst_a_client.get("/es" + url).content.decode()
    assert "Página de la encuesta · " in spanish and 'data-label="Estado">Spam</td>' in spanish


def _listed_ids(page: str) -> list[int]:
    """The ids of the responses a responses page lists, in its order."""
    return [int(pk) for pk in re.findall(r"responses/(\d+)/spam/", page)]


def test_response_list_pages_through_every_response_newest_first_keeping_the_filters(
    analyst_a_client: Client, a11_survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(survey_views, "RESPONSES_PER_PAGE", 2)
    sent = [
        response_submit(
            survey=a11_survey,
            answers={"trust": 1},
            submission_id=f"p{n}",
            context=_ctx("phone" if n % 4 else "website"),
        )
        for n in range(8)
    ]
    phone = [r.pk for r in reversed(sent) if r.channel == "phone"]
    url = _base(a11_survey) + "responses/"
    seen: list[int] = []
    address = url + "?channel=phone"
    while True:
        page = analyst_a_client.get(address).content.decode()
        seen += _listed_ids(page)
        older = re.search(r'href="\?([^"]*older_than=\d+)"', page)
        if older is None:
            break
        assert "channel=phone" in older.group(1)
        address = url + "?" + older.group(1).replace("&amp;", "&")
    assert seen == phone  # each once, newest first, only the filtered ones
    assert "Newest responses" in page and "Older responses" not in page
    first = analyst_a_client.get(url + "?channel=phone").content.decode()
    assert "Older responses" in first and "Newest responses" not in first
    assert "Newest first, 2 a page; the CSV has all of them." in first
    for mangled in ("abc", "-1", "²", "٣", "9" * 30, str(sent[0].pk + 1000)):
        again = analyst_a_client.get(url + f"?channel=phone&older_than={mangled}")
        assert again.status_code == 200
        assert _listed_ids(again.content.decode()) == phone[:2]


def test_response_list_pages_through_responses_sent_at_the_same_moment(
    analyst_a_client: Client, a11_survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(survey_views, "RESPONSES_PER_PAGE", 2)
    bulk(a11_survey, [({"trust": 1}, timezone.now().replace(microsecond=0))] * 5)
    url = _base(a11_survey) + "responses/"
    seen: list[int] = []
    address = url
    while address:
        page = analyst_a_client.get(address).content.decode()
        seen += _listed_ids(page)
        older = re.search(r'href="\?(older_than=\d+)"', page)
        address = url + "?" + older.group(1) if older else ""
    expected = sorted(Response.objects.filter(survey=a11_survey).values_list("pk", flat=True))
    assert seen == expected[::-1]
