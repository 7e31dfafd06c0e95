"""Multi-page surveys over HTTP: branching, skips, piping, option order, drafts and resume."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cxgov.core.models import Agency, User
from cxgov.core.services import token_create
from cxgov.registry.services import retention_purge
from cxgov.surveys.logic import options_ordered, survey_plan
from cxgov.surveys.models import Response, ResponseDraft, Survey
from cxgov.surveys.services import question_add, survey_create, survey_publish
from cxgov.testing.factories import cleared

pytestmark = pytest.mark.django_db


def _url(survey: Survey, lang: str = "") -> str:
    return f"{'/es' if lang == 'es' else ''}/surveys/{survey.public_id}/"


def _draft_token(html: str) -> str:
    return re.search(r'name="draft" value="([^"]+)"', html).group(1)


def _start(client: Client, survey: Survey, answers: dict, lang: str = "", **context: str):
    """Answer page 1 (with the link's context) and return (reply, draft token)."""
    reply = client.post(
        _url(survey, lang), {"flow": "1", "page": "1", "nav": "next", **context, **answers}
    )
    html = reply.content.decode()
    token = _draft_token(html) if 'name="draft"' in html else ""
    return reply, token


def _next(client: Client, survey: Survey, token: str, page: int, answers: dict, **extra: str):
    body = {"flow": "1", "draft": token, "page": str(page), "nav": "next", **answers, **extra}
    return client.post(_url(survey), body)


def test_first_page_shows_only_its_questions_with_progress(
    client: Client, flow_survey: Survey
) -> None:
    page = client.get(_url(flow_survey)).content.decode()
    assert "Page 1 of 3" in page
    assert "How did you visit?" in page and "How many minutes" not in page
    assert "Save and finish later" in page
    assert ResponseDraft.objects.count() == 0


def test_all_of_two_conditions_asks_the_follow_up_and_requires_it(
    client: Client, flow_survey: Survey
) -> None:
    reply, token = _start(client, flow_survey, {"q-visit": "office", "q-score": "3"})
    page = reply.content.decode()
    assert "Page 2 of 3" in page
    assert "How many minutes did you wait?" in page
    assert "What made your" not in page
    missing = _next(client, flow_survey, token, 2, {})
    assert missing.status_code == 400
    assert "Answer this question." in missing.content.decode()
    third = _next(client, flow_survey, token, 2, {"q-office_wait": "20"}).content.decode()
    assert "Page 3 of 3" in third


def test_any_of_two_conditions_asks_the_praise_with_the_piped_choice_label(
    client: Client, flow_survey: Survey
) -> None:
    reply, _token = _start(client, flow_survey, {"q-visit": "office", "q-score": "9"})
    page = reply.content.decode()
    assert "What made your In person visit good?" in page
    assert "How many minutes" not in page
    reply, _token = _start(client, flow_survey, {"q-visit": "office", "q-score": "9"}, lang="es")
    assert "¿Qué hizo buena su visita (En persona)?" in reply.content.decode()


def test_skip_rule_ends_the_survey_and_stores_the_context(
    client: Client, flow_survey: Survey
) -> None:
    reply, _token = _start(
        client,
        flow_survey,
        {"q-visit": "online", "q-score": "1"},
        lang="es",
        service="apply",
        channel="website",
        loc="OFFICE-3",
    )
    assert reply.status_code == 302 and reply["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert (response.language, response.source, response.channel, response.location_code) == (
        "es",
        "qr",
        "website",
        "OFFICE-3",
    )
    assert response.service.slug == "apply"
    assert sorted(response.answers.values_list("question__key", flat=True)) == ["score", "visit"]
    assert ResponseDraft.objects.count() == 0


def test_a_hostile_answer_is_piped_as_text(client: Client, flow_survey: Survey) -> None:
    hostile = "<script>alert(1)</script>"
    _reply, token = _start(
        client,
        flow_survey,
        {"q-visit": "online", "q-score": "6", "q-nickname": hostile},
        service="apply",
    )
    page = _next(client, flow_survey, token, 2, {}).content.decode()
    assert (
        "Anything else about &lt;script&gt;alert(1)&lt;/script&gt; at Apply for benefits?" in page
    )
    assert hostile not in page


def test_random_option_order_is_stable_for_one_respondent_and_differs_between_them(
    client: Client, flow_survey: Survey
) -> None:
    reply, token = _start(client, flow_survey, {"q-visit": "online", "q-score": "6"})

    def order(html: str) -> list[str]:
        return re.findall(r'id="q-topics-([a-h])"', html)

    first = order(reply.content.decode())
    assert sorted(first) == list("abcdefgh")
    saved = client.post(
        _url(flow_survey), {"flow": "1", "draft": token, "page": "2", "nav": "save"}
    ).content.decode()
    link = re.search(r'id="resume-link">([^<]+)<', saved).group(1)
    assert order(client.get(link).content.decode()) == first
    topics = survey_plan(flow_survey).by_key["topics"]
    orders = {tuple(options_ordered(topics, seed=f"respondent-{n}")) for n in range(6)}
    assert len(orders) > 1


def test_answers_to_questions_not_asked_are_discarded_from_a_whole_form(
    client: Client, flow_survey: Survey
) -> None:
    reply = client.post(
        _url(flow_survey),
        {
            "submission_id": "whole-1",
            "q-visit": "online",
            "q-score": "9",
            "q-office_wait": "45",
            "q-praise": "Quick",
        },
    )
    assert reply.status_code == 302
    keys = sorted(Response.objects.get().answers.values_list("question__key", flat=True))
    assert keys == ["praise", "score", "visit"]


def test_an_api_submission_obeys_the_same_rules(
    client: Client, analyst_a: User, flow_survey: Survey
) -> None:
    _token, raw = token_create(user=analyst_a, name="ivr")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def post(answers: dict, submission_id: str):
        return client.post(
            f"/api/v1/surveys/{flow_survey.pk}/responses",
            data=json.dumps({"submission_id": submission_id, "answers": answers}),
            content_type="application/json",
            **headers,
        )

    refused = post({"visit": "office", "score": 4}, "api-1")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][-1] == "office_wait"
    skipped = post({"visit": "office", "score": 2, "comments": "never asked"}, "api-2")
    assert skipped.status_code == 201, skipped.content
    keys = sorted(Response.objects.get().answers.values_list("question__key", flat=True))
    assert keys == ["score", "visit"]


def test_save_resume_and_submit_keeps_earlier_pages_on_the_server(
    client: Client, flow_survey: Survey
) -> None:
    _reply, token = _start(
        client, flow_survey, {"q-visit": "office", "q-score": "4"}, service="apply"
    )
    saved = client.post(
        _url(flow_survey),
        {"flow": "1", "draft": token, "page": "2", "nav": "save", "q-office_wait": "12"},
    ).content.decode()
    assert "Your answers are saved" in saved
    link = re.search(r'id="resume-link">([^<]+)<', saved).group(1)
    assert link.endswith(f"/resume/{token}/")
    draft = ResponseDraft.objects.get()
    assert token not in draft.token_hash
    assert "q-visit" not in saved
    resumed = Client().get(link).content.decode()
    assert "Page 2 of 3" in resumed and 'value="12"' in resumed
    back = client.post(
        _url(flow_survey), {"flow": "1", "draft": token, "page": "2", "nav": "back"}
    ).content.decode()
    assert "Page 1 of 3" in back and 'value="office" checked' in back
    _next(client, flow_survey, token, 1, {"q-visit": "office", "q-score": "4"})
    _next(client, flow_survey, token, 2, {"q-office_wait": "12"})
    done = _next(client, flow_survey, token, 3, {"q-comments": "Fine"})
    assert done.status_code == 302
    response = Response.objects.get()
    assert response.service.slug == "apply"
    assert dict(response.answers.values_list("question__key", "value_text")) == {
        "visit": "office",
        "score": "",
        "office_wait": "",
        "comments": "Fine",
    }
    assert client.get(link).status_code == 404


def test_an_expired_or_unknown_resume_link_is_a_friendly_404_and_drafts_are_purged(
    client: Client, flow_survey: Survey
) -> None:
    _reply, token = _start(client, flow_survey, {"q-visit": "office", "q-score": "4"})
    link = f"/surveys/{flow_survey.public_id}/resume/{token}/"
    assert client.get(link).status_code == 200
    ResponseDraft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    gone = client.get(link)
    assert gone.status_code == 404
    assert "This link no longer works" in gone.content.decode()
    assert client.get(f"/surveys/{flow_survey.public_id}/resume/nope/").status_code == 404
    assert (
        "Este enlace ya no funciona"
        in client.get(f"/es/surveys/{flow_survey.public_id}/resume/nope/").content.decode()
    )
    report = retention_purge()
    assert report.agencies[0].survey_drafts_deleted == 1
    assert ResponseDraft.objects.count() == 0


def test_a_tampered_page_number_is_ignored(client: Client, flow_survey: Survey) -> None:
    _reply, token = _start(client, flow_survey, {"q-visit": "online", "q-score": "1", "x": "y"})
    _reply, token = _start(client, flow_survey, {"q-visit": "office", "q-score": "4"})
    # The respondent is on page 2; a form claiming page 3 is treated as page 2.
    reply = _next(client, flow_survey, token, 3, {"q-comments": "skip ahead"})
    assert reply.status_code == 400
    assert "Page 2 of 3" in reply.content.decode()
    assert ResponseDraft.objects.get(pk=ResponseDraft.objects.last().pk).page == 2


def test_logic_that_cannot_work_is_refused_when_saved(flow_survey: Survey, agency_a) -> None:
    survey = survey_create(actor=None, agency=agency_a, title="Draft")
    question_add(actor=None, survey=survey, key="first", kind="likert", text="One", page=1)
    cases = [
        ({"show_if": {"question": "later"}}, "show_if"),
        ({"show_if": {"any": [{"question": "first", "op": "near", "values": ["1"]}]}}, "show_if"),
        ({"text": "Hello {answer.first}"}, "text"),
        ({"text": "Hello {context.password}"}, "text"),
        (
            {"skip_rules": [{"when": {"question": "first", "values": ["1"]}, "to_page": 1}]},
            "skip_rules",
        ),
        ({"randomize_options": True}, "randomize_options"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as refused:
            question_add(
                actor=None, survey=survey, key="second", kind="likert", **{"text": "Two", **fields}
            )
        assert field in refused.value.message_dict, fields


def test_staff_set_page_conditions_and_skips_in_the_logic_editor(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, title="Draft")
    question_add(actor=None, survey=survey, key="visit", kind="yes_no", text="Did you visit?")
    question_add(actor=None, survey=survey, key="stars", kind="rating_10", text="Rate us")
    later = question_add(
        actor=None,
        survey=survey,
        key="why",
        kind="single",
        text="Why?",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    )
    url = f"/staff/agencies/alpha/surveys/questions/{later.pk}/logic/"
    detail = analyst_a_client.get(f"/staff/agencies/alpha/surveys/{survey.pk}/").content.decode()
    assert url in detail
    page = analyst_a_client.get(url).content.decode()
    assert "Page 1: Did you visit?" in page and "Page 1: Rate us" in page
    reply = analyst_a_client.post(
        url,
        {
            "page": "2",
            "randomize_options": "on",
            "match": "any",
            "layout": "1,1",
            "cond_1_1_question": "visit",
            "cond_1_1_op": "in",
            "cond_1_1_values": "1",
            "cond_2_1_question": "stars",
            "cond_2_1_op": "gte",
            "cond_2_1_values": "8",
            "skip_1_question": "why",
            "skip_1_op": "in",
            "skip_1_values": "b",
            "skip_1_to": "end",
        },
    )
    assert reply.status_code == 302, reply.content.decode()[:3000]
    later.refresh_from_db()
    assert later.page == 2 and later.randomize_options
    assert later.show_if == {
        "any": [
            {"question": "visit", "values": ["1"]},
            {"question": "stars", "op": "gte", "values": ["8"]},
        ]
    }
    assert later.skip_rules == [{"when": {"question": "why", "values": ["b"]}, "to_page": "end"}]
    visit = survey.questions.get(key="visit")
    refused = analyst_a_client.post(
        f"/staff/agencies/alpha/surveys/questions/{visit.pk}/logic/",
        {"page": "1", "match": "all", "cond_1_1_question": "why", "cond_1_1_values": "a"},
    )
    assert refused.status_code == 400
    assert "earlier pages" in refused.content.decode()


def test_a_page_with_nothing_to_ask_is_passed_over(client: Client, agency_a: Agency) -> None:
    survey = survey_create(actor=None, agency=agency_a, title="Short", title_es="Corta")
    question_add(
        actor=None, survey=survey, key="a", kind="yes_no", text="Yes?", text_es="¿Sí?", page=1
    )
    question_add(
        actor=None,
        survey=survey,
        key="b",
        kind="short_text",
        text="Why yes?",
        text_es="¿Por qué sí?",
        page=2,
        show_if={"question": "a", "values": ["1"]},
    )
    question_add(
        actor=None, survey=survey, key="c", kind="short_text", text="More?", text_es="¿Más?", page=3
    )
    survey = survey_publish(actor=None, survey=cleared(survey))
    reply, _token = _start(client, survey, {"q-a": "0"})
    page = reply.content.decode()
    assert "Page 3 of 3" in page and "More?" in page


def test_a_closed_survey_keeps_no_draft(client: Client, flow_survey: Survey) -> None:
    flow_survey.status = "closed"
    flow_survey.save(update_fields=["status"])
    reply, token = _start(client, flow_survey, {"q-visit": "office", "q-score": "4"})
    assert "This survey is closed" in reply.content.decode()
    assert token == "" and ResponseDraft.objects.count() == 0
