"""The logic editor writes two levels of any/all without JavaScript, "(A and B) or C", shows a
stored condition it can express exactly, keeps one it cannot (read-only, never flattened), and
answers hostile posts with clear form errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from cxgov.core.models import Agency
from cxgov.surveys.models import Question, Survey
from cxgov.surveys.services import question_add, question_update, survey_create

pytestmark = pytest.mark.django_db

A = {"question": "visit", "values": ["1"]}
B = {"question": "stars", "op": "gte", "values": ["8"]}
C = {"question": "why", "values": ["a", "b"]}


@pytest.fixture
def survey(agency_a: Agency) -> Survey:
    survey = survey_create(actor=None, agency=agency_a, title="Visit")
    question_add(actor=None, survey=survey, key="visit", kind="yes_no", text="Did you visit?")
    question_add(actor=None, survey=survey, key="stars", kind="rating_10", text="Rate us")
    question_add(
        actor=None,
        survey=survey,
        key="why",
        kind="single",
        text="Why did you come?",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    )
    question_add(
        actor=None, survey=survey, key="more", kind="short_text", text="Tell us more", page=2
    )
    return survey


def _question(survey: Survey, key: str) -> Question:
    return survey.questions.get(key=key)


def _url(question: Question) -> str:
    return f"/staff/agencies/alpha/surveys/questions/{question.pk}/logic/"


def _rows(match: str, groups: list[list[tuple[str, str, str]]], **extra: str) -> dict[str, str]:
    """The editor's POST for these groups of (question, operator, values) rows."""
    data = {"page": "2", "match": match, "layout": ",".join(str(len(g)) for g in groups)}
    for g, group in enumerate(groups, start=1):
        for r, (key, op, values) in enumerate(group, start=1):
            data |= {
                f"cond_{g}_{r}_question": key,
                f"cond_{g}_{r}_op": op,
                f"cond_{g}_{r}_values": values,
            }
    return data | extra


def _selected(page: str, name: str) -> str:
    """The value a select of the page shows chosen."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else ""


def _value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("match", "stored"),
    [
        ("any", {"any": [{"all": [A, B]}, C]}),  # (A and B) or C
        ("all", {"all": [{"any": [A, B]}, C]}),  # (A or B) and C
    ],
)
def test_two_levels_are_written_and_shown_again_exactly(
    match: str, stored: dict[str, Any], analyst_a_client: Client, survey: Survey
) -> None:
    more = _question(survey, "more")
    rows = [[("visit", "in", "1"), ("stars", "gte", "8")], [("why", "in", "a, b")]]
    reply = analyst_a_client.post(_url(more), _rows(match, rows))
    assert reply.status_code == 302, reply.content.decode()[:3000]
    more.refresh_from_db()
    assert more.show_if == stored
    page = analyst_a_client.get(_url(more)).content.decode()
    assert _value(page, "layout") == "2,1"
    assert re.search(rf'value="{match}"[^>]*checked', page)
    assert [_selected(page, f"cond_{n}_question") for n in ("1_1", "1_2", "2_1")] == [
        "visit",
        "stars",
        "why",
    ]
    assert _selected(page, "cond_1_2_op") == "gte" and _value(page, "cond_2_1_values") == "a, b"
    # Saved again untouched, it stays the same.
    assert analyst_a_client.post(_url(more), _rows(match, rows)).status_code == 302
    more.refresh_from_db()
    assert more.show_if == stored


def test_rows_are_labelled_by_the_questions_text(analyst_a_client: Client, survey: Survey) -> None:
    page = analyst_a_client.get(_url(_question(survey, "more"))).content.decode()
    assert ">Page 1: Did you visit?</option>" in page
    assert ">Page 1: Why did you come?</option>" in page
    assert not re.search(r">[^<]*\b(visit|stars)\b[^<]*</option>", page.replace("you visit?", ""))


def test_add_a_condition_and_add_a_group_show_one_more_row_and_save_nothing(
    analyst_a_client: Client, survey: Survey
) -> None:
    more = _question(survey, "more")
    first = analyst_a_client.post(
        _url(more), _rows("any", [[("visit", "in", "1")]], add_row="1")
    ).content.decode()
    assert _value(first, "layout") == "2"
    assert _selected(first, "cond_1_1_question") == "visit" and "cond_1_2_question" in first
    assert "Please fix the following" not in first
    second = analyst_a_client.post(
        _url(more), _rows("any", [[("visit", "in", "1"), ("", "in", "")]], add_group="1")
    ).content.decode()
    assert _value(second, "layout") == "2,1" and "cond_2_1_question" in second
    # A button value no page sends adds nothing and breaks nothing.
    for hostile in ({"add_row": "9" * 5000}, {"add_row": "7"}, {"add_row": "x"}):
        same = analyst_a_client.post(_url(more), _rows("any", [[("visit", "in", "1")]]) | hostile)
        assert same.status_code == 200 and _value(same.content.decode(), "layout") == "1"
    more.refresh_from_db()
    assert more.show_if == {} and more.page == 2


def test_empty_rows_are_dropped_and_one_row_is_that_condition(
    analyst_a_client: Client, survey: Survey
) -> None:
    more = _question(survey, "more")
    rows = [[("", "in", ""), ("visit", "in", "1")], [("", "in", "")]]
    assert analyst_a_client.post(_url(more), _rows("all", rows)).status_code == 302
    more.refresh_from_db()
    assert more.show_if == A


@pytest.mark.parametrize(
    "deep",
    [
        {"any": [{"all": [A, {"any": [B, C]}]}, C]},  # three levels
        {"all": [{"all": [A, B]}, C]},  # a group inside a group of its own kind
    ],
)
def test_a_condition_the_rows_cannot_show_is_read_only_and_kept_on_save(
    deep: dict[str, Any], analyst_a_client: Client, survey: Survey
) -> None:
    more = _question(survey, "more")
    question_update(actor=None, question=more, show_if=deep)
    page = analyst_a_client.get(_url(more)).content.decode()
    assert "nested deeper than this page can show" in page
    kept = re.search(r"<p[^>]*data-kept-condition>(.*?)</p>", page, re.S).group(1)
    assert (
        "Did you visit?" in kept
        and "Rate us" in kept
        and "visit" not in kept.replace("you visit?", "")
    )
    assert 'name="cond_1_1_question"' not in page
    # Rows posted anyway (a stale page, a script) do not replace it.
    reply = analyst_a_client.post(_url(more), _rows("all", [[("visit", "in", "0")]], page="3"))
    assert reply.status_code == 302
    more.refresh_from_db()
    assert more.show_if == deep and more.page == 3
    assert (
        analyst_a_client.post(_url(more), {"page": "3", "clear_condition": "on"}).status_code == 302
    )
    more.refresh_from_db()
    assert more.show_if == {}


def test_skip_rules_the_rows_cannot_show_are_kept(analyst_a_client: Client, survey: Survey) -> None:
    why = _question(survey, "why")
    rules = [{"when": {"any": [A, C]}, "to_page": "end"}]
    question_update(actor=None, question=why, skip_rules=rules)
    page = analyst_a_client.get(_url(why)).content.decode()
    assert "These skip rules are more than this page can show" in page
    assert "The end of the survey" in page and 'name="skip_1_question"' not in page
    assert analyst_a_client.post(_url(why), {"page": "1", "match": "all"}).status_code == 302
    why.refresh_from_db()
    assert why.skip_rules == rules


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"cond_1_1_question": "nosuch"}, "“nosuch” is not one offered here"),
        ({"layout": "11"}, "A group has at most 10 conditions."),
        ({"layout": ",".join(["1"] * 11)}, "A condition has at most 10 groups."),
        ({"layout": "9" * 400}, "a shape this page never sends"),
        ({"layout": "0"}, "a shape this page never sends"),
        ({"cond_1_1_values": ""}, "Give the values this condition looks for."),
    ],
)
def test_hostile_rows_get_clear_errors_and_change_nothing(
    extra: dict[str, str], error: str, analyst_a_client: Client, survey: Survey
) -> None:
    more = _question(survey, "more")
    reply = analyst_a_client.post(_url(more), _rows("all", [[("visit", "in", "1")]]) | extra)
    assert reply.status_code == 400
    assert error in reply.content.decode()
    more.refresh_from_db()
    assert more.show_if == {} and more.page == 2


def test_a_condition_on_a_later_question_is_refused(
    analyst_a_client: Client, survey: Survey
) -> None:
    visit = _question(survey, "visit")
    reply = analyst_a_client.post(
        _url(visit),
        _rows("any", [[("stars", "gte", "8"), ("more", "answered", "")]]) | {"page": "1"},
    )
    assert reply.status_code == 400
    assert "earlier pages" in reply.content.decode()
    visit.refresh_from_db()
    assert visit.show_if == {}
