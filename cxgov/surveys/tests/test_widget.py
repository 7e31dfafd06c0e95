"""The embeddable widget: JSON definition, languages, pages checked by the server, origin
check and the same intake."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.surveys.logic import options_ordered
from cxgov.surveys.models import Response, Survey, SurveyStatus

pytestmark = pytest.mark.django_db

SITE = "https://www.example.gov"


@pytest.fixture
def widget_survey(a11_survey: Survey) -> Survey:
    a11_survey.allowed_origins = [SITE]
    a11_survey.save()
    return a11_survey


def test_definition_is_readable_by_an_allowed_site_only(
    client: Client, widget_survey: Survey
) -> None:
    url = f"/es/surveys/{widget_survey.public_id}/widget.json"
    allowed = client.get(url, HTTP_ORIGIN=SITE)
    assert allowed["Access-Control-Allow-Origin"] == SITE
    data = allowed.json()
    # A-11 v2 has three pages: the definition carries the first, trust alone.
    assert [q["name"] for q in data["questions"]] == ["q-trust"]
    assert data["questions"][0]["text"].startswith("Esta interacción aumentó mi confianza")
    assert data["paging"] == {"page": 1, "number": 1, "total": 3, "last": False}
    assert (data["lang"], data["labels"]["next"]) == ("es", "Siguiente")
    assert data["page_url"].endswith(f"/es/surveys/{widget_survey.public_id}/widget/page/")
    other = client.get(url, HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other


def test_submission_from_an_allowed_site_is_stored(client: Client, widget_survey: Survey) -> None:
    reply = client.post(
        f"/surveys/{widget_survey.public_id}/widget/",
        {
            "q-trust": "1",
            "q-went_well": ["ease"],
            "submission_id": "w-1",
            "channel": "website",
            "page": "https://www.example.gov/apply\x00?x=1",
        },
        HTTP_ORIGIN=SITE,
    )
    assert reply.status_code == 201
    assert reply.json()["ok"] is True
    response = Response.objects.get()
    assert (response.source, response.channel) == ("widget", "website")
    assert response.page_url == "https://www.example.gov/apply?x=1"


def test_submission_from_another_site_is_refused(client: Client, widget_survey: Survey) -> None:
    reply = client.post(
        f"/surveys/{widget_survey.public_id}/widget/",
        {"q-trust": "1"},
        HTTP_ORIGIN="https://evil.example.com",
    )
    assert reply.status_code == 403
    assert reply.json()["code"] == "origin"
    assert Response.objects.count() == 0


def test_missing_answer_comes_back_by_question(client: Client, widget_survey: Survey) -> None:
    reply = client.post(f"/surveys/{widget_survey.public_id}/widget/", {}, HTTP_ORIGIN=SITE)
    assert reply.status_code == 400
    assert reply.json()["errors"] == {"trust": "Answer this question."}


# --- languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "asked", "spoken"),
    [
        (["en", "es"], "fr", "en"),
        (["en", "fr"], "fr-CA", "fr"),
        (["en", "zh-hant"], "zh-TW", "zh-hant"),
        (["en", "zh-hant"], "zh-Hant-HK", "zh-hant"),
        (["en", "pt-br"], "pt", "pt-br"),
        (["en", "ar"], "ar", "ar"),
        (["en", "es"], "xx-nonsense", "en"),
    ],
)
def test_widget_speaks_the_asked_language_when_the_agency_offers_it_else_english(
    client: Client, widget_survey: Survey, offered: list[str], asked: str, spoken: str
) -> None:
    widget_survey.agency.languages = offered
    widget_survey.agency.save()
    data = client.get(
        f"/surveys/{widget_survey.public_id}/widget.json", {"lang": asked}, HTTP_ORIGIN=SITE
    ).json()
    assert data["lang"] == spoken
    assert data["dir"] == ("rtl" if spoken == "ar" else "ltr")
    prefix = "" if spoken == "en" else f"/{spoken}"
    assert data["submit_url"].endswith(f"{prefix}/surveys/{widget_survey.public_id}/widget/")


def test_widget_labels_are_translated_in_every_site_language(
    client: Client, widget_survey: Survey
) -> None:
    widget_survey.agency.languages = [code for code, _name in django_settings.LANGUAGES]
    widget_survey.agency.save()
    english = client.get(f"/surveys/{widget_survey.public_id}/widget.json").json()["labels"]
    for code, _name in django_settings.LANGUAGES[1:]:
        labels = client.get(
            f"/surveys/{widget_survey.public_id}/widget.json", {"lang": code}
        ).json()["labels"]
        same = sorted(key for key in labels if labels[key] == english[key])
        # "OMB" is an acronym some languages keep as it is.
        assert set(same) <= {"omb"}, (code, same)
        assert "%(number)s" in labels["page"] and "%(total)s" in labels["page"], code


# --- the widget's pages ---------------------------------------------------------------------


@pytest.fixture
def paged(flow_survey: Survey) -> Survey:
    flow_survey.allowed_origins = [SITE]
    flow_survey.save()
    return flow_survey


def _page(
    client: Client, survey: Survey, body: object, *, prefix: str = "", origin: str = SITE
) -> Any:
    return client.post(
        f"{prefix}/surveys/{survey.public_id}/widget/page/",
        body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="text/plain",
        HTTP_ORIGIN=origin,
    )


def test_a_paged_survey_starts_with_its_first_page(client: Client, paged: Survey) -> None:
    data = client.get(f"/surveys/{paged.public_id}/widget.json", HTTP_ORIGIN=SITE).json()
    assert [q["name"] for q in data["questions"]] == ["q-visit", "q-score", "q-nickname"]
    assert data["paging"] == {"page": 1, "number": 1, "total": 3, "last": False}


def test_a_one_page_survey_is_still_one_form(client: Client, widget_survey: Survey) -> None:
    for question in widget_survey.questions.all():
        question.page = 1
        question.save()
    widget_survey.save()
    data = client.get(f"/surveys/{widget_survey.public_id}/widget.json").json()
    assert data["paging"] is None
    assert "q-went_well" in [q["name"] for q in data["questions"]]


def test_a_valid_page_leads_to_the_next_with_ruled_out_questions_left_out(
    client: Client, paged: Survey
) -> None:
    answers = {"visit": "office", "score": "4"}
    reply = _page(client, paged, {"page": 1, "answers": answers, "submission_id": "s-1"})
    assert reply.status_code == 200
    assert reply["Access-Control-Allow-Origin"] == SITE
    data = reply.json()
    assert (data["ok"], data["done"]) == (True, False)
    assert data["paging"] == {"page": 2, "number": 2, "total": 3, "last": False}
    # "praise" asks only after a high score or an online visit.
    assert [q["name"] for q in data["questions"]] == ["q-office_wait", "q-topics"]
    topics = next(q for q in data["questions"] if q["name"] == "q-topics")
    order = options_ordered(paged.questions.get(key="topics"), seed="s-1")
    assert [o["value"] for o in topics["options"]] == [value for value, _label in order]


def test_a_page_with_missing_answers_comes_back_with_its_errors(
    client: Client, paged: Survey
) -> None:
    reply = _page(client, paged, {"page": 1, "answers": {"visit": "office"}})
    assert reply.status_code == 400
    assert reply.json() == {
        "ok": False,
        "code": "invalid",
        "errors": {"score": "Answer this question."},
    }


def test_a_skip_rule_to_the_end_makes_the_answers_ready_to_send(
    client: Client, paged: Survey
) -> None:
    reply = _page(client, paged, {"page": 1, "answers": {"visit": "online", "score": "1"}})
    assert reply.json() == {"ok": True, "done": True}
    # Page 2 is not on that path, so it cannot be sent.
    skipped = _page(client, paged, {"page": 2, "answers": {"visit": "online", "score": "1"}})
    assert skipped.status_code == 400
    assert list(skipped.json()["errors"]) == ["page"]


def test_the_last_page_makes_the_answers_ready_and_the_intake_stores_them(
    client: Client, paged: Survey
) -> None:
    answers = {"visit": "online", "score": "9", "praise": "Quick", "comments": "None"}
    assert _page(client, paged, {"page": 3, "answers": answers})["Content-Type"] == (
        "application/json"
    )
    assert _page(client, paged, {"page": 3, "answers": answers}).json()["done"] is True
    stored = client.post(
        f"/surveys/{paged.public_id}/widget/",
        {f"q-{key}": value for key, value in answers.items()} | {"submission_id": "s-2"},
        HTTP_ORIGIN=SITE,
    )
    assert stored.status_code == 201


def test_piped_text_is_filled_on_the_server_as_plain_text(client: Client, paged: Survey) -> None:
    nickname = '<img src=x onerror="alert(1)"> & co'
    answers = {"visit": "online", "score": "9", "nickname": nickname, "praise": "ok"}
    reply = _page(client, paged, {"page": 2, "answers": answers, "context": {"service": "apply"}})
    comments = reply.json()["questions"][0]
    # The widget writes it with textContent: the markup shows as the characters typed.
    assert comments["text"] == f"Anything else about {nickname} at Apply for benefits?"
    spanish = _page(
        client, paged, {"page": 1, "answers": {"visit": "online", "score": "9"}}, prefix="/es"
    )
    assert spanish.json()["questions"][0]["text"] == "¿Qué hizo buena su visita (En línea)?"


def test_hidden_context_questions_are_never_asked_nor_answerable(
    client: Client, widget_survey: Survey
) -> None:
    hidden = widget_survey.questions.filter(kind="hidden").values_list("key", flat=True)
    assert hidden
    reply = _page(client, widget_survey, {"page": 1, "answers": {"trust": "1"}})
    assert all(q["kind"] != "hidden" for q in reply.json()["questions"])
    forged = _page(client, widget_survey, {"page": 1, "answers": {"trust": "1", hidden[0]: "x"}})
    assert forged.status_code == 400
    assert forged.json()["errors"] == {hidden[0]: "There is no such question in this survey."}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("{not json", "__all__", "JSON object"),
        ("[1, 2]", "__all__", "JSON object"),
        (b"\xff\xfe", "__all__", "JSON object"),
        ("[" * 100_000, "__all__", "JSON object"),
        ({"page": 1, "admin": True}, "__all__", "Unknown fields: admin"),
        ({"page": 9}, "page", "survey's pages"),
        ({"page": True}, "page", "survey's pages"),
        ({"page": 1, "answers": {"visit": {"a": 1}}}, "answers", "question keys"),
        ({"page": 1, "answers": {"visit": [["x"]]}}, "answers", "question keys"),
        ({"page": 1, "context": {"referrer": "x"}}, "context", "only service"),
        ({"page": 1, "context": {"service": 3}}, "context", "must be text"),
        ({"page": 1, "submission_id": 4}, "submission_id", "must be text"),
        ({"page": 1, "answers": {"visit": "off\x00ice"}}, "__all__", "NUL"),
        ({"page": 1, "answers": {"vi\x00sit": "x"}}, "__all__", "NUL"),
        ({"page": 1, "answers": {"nope": "x", "visit": "online", "score": "3"}}, "nope", "no such"),
    ],
)
def test_hostile_page_requests_get_a_clear_400(
    client: Client, paged: Survey, body: object, field: str, words: str
) -> None:
    reply = _page(client, paged, body)
    assert reply.status_code == 400
    assert words in reply.json()["errors"][field]


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: Client, paged: Survey) -> None:
    # The limit is 256 KB (views_surveys.WIDGET_PAGE_MAX_BYTES).
    body = {"page": 1, "answers": {"nickname": "x" * 256 * 1024}}
    reply = _page(client, paged, body)
    assert reply.status_code == 400
    assert "too large" in reply.json()["errors"]["__all__"]


@pytest.mark.parametrize("origin", ["https://evil.example.com", ""])
def test_pages_from_a_site_not_allowed_are_refused(
    client: Client, paged: Survey, origin: str
) -> None:
    reply = _page(client, paged, {"page": 1, "answers": {}}, origin=origin)
    assert reply.status_code == 403
    assert reply.json()["code"] == "origin"
    assert "Access-Control-Allow-Origin" not in reply


def test_pages_of_a_closed_survey_are_refused(client: Client, paged: Survey) -> None:
    paged.status = SurveyStatus.CLOSED
    paged.save()
    reply = _page(client, paged, {"page": 1, "answers": {"visit": "online", "score": "9"}})
    assert (reply.status_code, reply.json()["code"]) == (400, "closed")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    page=json_values,
    answers=st.dictionaries(
        st.sampled_from(["visit", "score", "nickname", "praise", "x\x00"]) | st.text(max_size=8),
        json_values,
        max_size=5,
    ),
    extra=st.dictionaries(st.text(max_size=8), json_values, max_size=2),
)
def test_any_json_body_gets_a_json_answer_never_a_crash(
    client: Client, paged: Survey, page: object, answers: object, extra: dict[str, object]
) -> None:
    cache.clear()
    reply = _page(client, paged, {**extra, "page": page, "answers": answers})
    assert reply.status_code in (200, 400)
    data = reply.json()
    assert data["ok"] is (reply.status_code == 200)
    assert all(isinstance(message, str) for message in data.get("errors", {}).values())
