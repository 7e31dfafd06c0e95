"""A survey as one JSON document: the schema in docs/ is the one the code checks against, export
and import round-trip byte for byte (by staff pages and the API), and a bad document is refused
naming where and why, never with a server error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cxgov.core.models import Agency, TokenScope, User
from cxgov.core.services import token_create
from cxgov.surveys.definition import (
    DEFINITION_QUESTION_FIELDS,
    FORMAT,
    DefinitionError,
    Problem,
    definition_check,
    definition_dumps,
    definition_parse,
    definition_schema,
    question_fields,
    survey_definition,
)
from cxgov.surveys.models import Survey, SurveyStatus
from cxgov.surveys.services import survey_import

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "survey-definition.schema.json"


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": FORMAT,
        "title": "Visit feedback",
        "title_es": "Opinión sobre su visita",
        "audience": "customer",
        "questions": [
            {
                "key": "satisfied",
                "kind": "likert",
                "text": "I am satisfied.",
                "text_es": "Estoy satisfecho.",
                "required": True,
            },
            {
                "key": "why",
                "kind": "single",
                "text": "Why?",
                "text_es": "¿Por qué?",
                "options": [
                    {"value": "wait", "label": "Waiting", "label_es": "Espera"},
                    {"value": "staff", "label": "Staff", "label_es": "Personal"},
                ],
                "allow_other": True,
                "show_if": {
                    "any": [
                        {"question": "satisfied", "op": "lte", "value": 2},
                        {"question": "satisfied", "values": ["3"]},
                    ]
                },
            },
        ],
    }
    document.update(changes)
    return document


def _problems(document: Any) -> list[str]:
    with pytest.raises(DefinitionError) as refused:
        definition_check(document)
    return [str(p) for p in refused.value.problems]


def test_the_schema_in_docs_is_the_schema_the_code_checks_with_and_is_valid_2020_12() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == definition_schema()
    Draft202012Validator.check_schema(definition_schema())


def test_every_question_field_of_the_model_is_in_the_mapping_and_the_schema() -> None:
    # The logic fields (page, skip_rules, randomize_options) are in the schema either way;
    # export and import use only those the model has.
    properties = definition_schema()["properties"]["questions"]["items"]["properties"]
    assert set(properties) == set(DEFINITION_QUESTION_FIELDS)
    assert {"page", "skip_rules", "randomize_options"} <= set(properties)
    assert set(question_fields()) <= set(DEFINITION_QUESTION_FIELDS)


def test_export_then_import_then_export_is_identical(a11_survey: Survey, agency_a: Agency) -> None:
    first = survey_definition(a11_survey)
    definition_check(first)
    copy = survey_import(actor=None, agency=agency_a, raw=definition_dumps(first))
    assert copy.status == SurveyStatus.DRAFT and copy.pk != a11_survey.pk
    assert definition_dumps(survey_definition(copy)) == definition_dumps(first)


def test_a_document_with_only_the_required_fields_is_filled_with_defaults(
    agency_a: Agency,
) -> None:
    survey = survey_import(
        actor=None,
        agency=agency_a,
        raw=json.dumps(
            {
                "format": FORMAT,
                "title": "Short",
                "questions": [{"key": "q1", "kind": "short_text", "text": "Anything else?"}],
            }
        ),
    )
    document = survey_definition(survey)
    assert document["audience"] == "customer"
    [question] = document["questions"]
    assert question["required"] is False and question["options"] == []
    again = survey_import(actor=None, agency=agency_a, raw=definition_dumps(document))
    assert survey_definition(again) == document


def test_nested_conditions_are_kept(agency_a: Agency) -> None:
    survey = survey_import(actor=None, agency=agency_a, raw=json.dumps(_document()))
    why = survey.questions.get(key="why")
    assert why.show_if["any"][0] == {"question": "satisfied", "op": "lte", "value": 2}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"format": "other/2"}, '/format: Must be one of: "cxgov-survey/1".'),
        ({"title": 5}, "/title: Must be text."),
        ({"title": "x" * 201}, "/title: Longer than 200 characters."),
        ({"colour": "blue"}, "/: Unknown field: colour."),
        ({"questions": "none"}, "/questions: Must be a list."),
        ({"audience": "everyone"}, '/audience: Must be one of: "customer", "employee".'),
    ],
)
def test_a_wrong_document_level_field_is_named_with_the_reason(
    change: dict[str, Any], expected: str
) -> None:
    assert expected in _problems(_document(**change))


def test_question_problems_name_their_json_pointer() -> None:
    document = _document()
    questions = document["questions"]
    questions[0]["kind"] = "slider"
    questions[1]["options"][1]["value"] = "wait"
    del questions[1]["text"]
    questions[1]["extra"] = True
    problems = _problems(document)
    assert any(p.startswith("/questions/0/kind: Must be one of:") for p in problems)
    assert "/questions/1: text is missing." in problems
    assert "/questions/1: Unknown field: extra." in problems


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["questions"][1].__setitem__("key", "satisfied"),
            "/questions/1/key: The key “satisfied” is used twice.",
        ),
        (
            lambda d: d["questions"][1]["options"][1].__setitem__("value", "wait"),
            "/questions/1/options/1/value: The option value “wait” is used twice.",
        ),
        (
            lambda d: d["questions"][1].__setitem__("show_if", {"question": "later"}),
            "/questions/1/show_if/question: “later” is not an earlier question.",
        ),
        (
            lambda d: d["questions"][0].__setitem__(
                "show_if", {"question": "why", "values": ["wait"]}
            ),
            "/questions/0/show_if/question: “why” is not an earlier question.",
        ),
        (
            lambda d: d["questions"][1].__setitem__("options", []),
            "/questions/1/options: A choice question needs at least one option.",
        ),
        (
            lambda d: d["questions"][1].update(min_length=10, max_length=2),
            "/questions/1/min_length: Must not be more than max_length.",
        ),
        (
            lambda d: d["questions"][1].__setitem__("pattern", "(unclosed"),
            "/questions/1/pattern: Not a valid regular expression.",
        ),
        (
            lambda d: d["questions"][1].__setitem__("show_if", {"all": [{"question": "x"}]}),
            "/questions/1/show_if/all/0/question: “x” is not an earlier question.",
        ),
        (
            lambda d: d["questions"][0].__setitem__(
                "skip_rules", [{"when": {"question": "satisfied", "values": ["1"]}, "to_page": 1}]
            ),
            "/questions/0/skip_rules/0/to_page: Skip forward: to a later page or “end”.",
        ),
        (
            lambda d: d["questions"][0].__setitem__(
                "skip_rules", [{"when": {"question": "satisfied"}, "to_page": "later"}]
            ),
            '/questions/0/skip_rules/0/to_page: Must be a page number or "end".',
        ),
        (
            lambda d: d["questions"][0].__setitem__("show_if", {"question": "a", "op": "near"}),
            "/questions/0/show_if: Not a valid condition",
        ),
    ],
)
def test_checks_beyond_the_schema_name_where_and_why(edit: Any, expected: str) -> None:
    document = _document()
    edit(document)
    assert any(p.startswith(expected) for p in _problems(document)), _problems(document)


def test_an_employee_survey_may_not_ask_for_an_email() -> None:
    document = _document(audience="employee")
    document["questions"].append({"key": "mail", "kind": "email", "text": "Email?"})
    assert "/questions/2/kind: Employee surveys do not collect email addresses." in _problems(
        document
    )


# --- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe\x00",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"null",
        b"[]",
        b'"just text"',
        b"1e999999",
        json.dumps({"format": FORMAT, "title": "t", "questions": [{}] * 500}).encode(),
        b"x" * (2 * 1024 * 1024 + 1),
    ],
)
def test_hostile_files_are_refused_with_a_reason(raw: bytes) -> None:
    with pytest.raises(DefinitionError) as refused:
        definition_parse(raw)
    assert refused.value.problems and all(p.message for p in refused.value.problems)


def test_deeply_nested_conditions_are_refused_without_recursing() -> None:
    condition: dict[str, Any] = {"question": "satisfied", "values": ["1"]}
    for _level in range(2000):
        condition = {"all": [condition]}
    document = _document()
    document["questions"][1]["show_if"] = condition
    assert _problems(document) == ["/: The document nests too deeply."]
    condition = {"question": "satisfied", "values": ["1"]}
    for _level in range(9):
        condition = {"any": [condition]}
    document["questions"][1]["show_if"] = condition
    assert "/questions/1/show_if: Conditions nest too deeply." in _problems(document)


def test_a_huge_string_is_refused_by_its_length() -> None:
    document = _document()
    document["questions"][0]["text"] = "a" * 600_000
    assert "/questions/0/text: Longer than 500 characters." in _problems(document)


def _outcome(document: Any) -> list[Problem] | None:
    """None for an accepted document, else its problems (never empty)."""
    try:
        definition_check(document)
    except DefinitionError as refused:
        return refused.problems or [Problem("", "")]
    return None


_json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
_json = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(junk=_json)
@hypothesis_settings(max_examples=200, deadline=None)
def test_any_json_is_accepted_or_refused_with_reasons_never_an_exception(junk: Any) -> None:
    outcome = _outcome(junk)
    assert outcome is None or all(p.message for p in outcome)


@given(field=st.sampled_from(sorted(DEFINITION_QUESTION_FIELDS)), junk=_json)
@hypothesis_settings(max_examples=200, deadline=None)
def test_any_value_in_any_question_field_is_accepted_or_refused_with_reasons(
    field: str, junk: Any
) -> None:
    document = _document()
    document["questions"][1][field] = junk
    outcome = _outcome(document)
    assert outcome is None or all(p.message for p in outcome)


_key = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
_label = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(_key, min_size=1, max_size=6, unique=True))
    questions: list[dict[str, Any]] = []
    page = 1
    for index, key in enumerate(keys):
        kind = draw(st.sampled_from(["likert", "single", "multiple", "short_text", "number"]))
        question: dict[str, Any] = {
            "key": key,
            "kind": kind,
            "text": draw(_label),
            "text_es": draw(_label),
            "required": draw(st.booleans()),
        }
        if kind in ("single", "multiple"):
            values = draw(st.lists(_key, min_size=1, max_size=4, unique=True))
            question["options"] = [
                {"value": v, "label": draw(_label), "label_es": draw(_label)} for v in values
            ]
            question["allow_other"] = draw(st.booleans())
        if kind == "number":
            low = draw(st.integers(-1000, 1000))
            question["min_value"], question["max_value"] = low, low + draw(st.integers(0, 100))
        if index and draw(st.booleans()):
            earlier = draw(st.sampled_from(keys[:index]))
            question["show_if"] = draw(
                st.sampled_from(
                    [
                        {"question": earlier, "values": ["1"]},
                        {"all": [{"question": earlier, "op": "answered"}]},
                        {"any": [{"question": earlier, "op": "gte", "value": 3}]},
                    ]
                )
            )
        question["page"] = page
        page += draw(st.integers(0, 1))
        questions.append(question)
    return {
        "format": FORMAT,
        "title": draw(_label),
        "title_es": draw(_label),
        "intro": draw(st.text(st.characters(blacklist_characters="\x00"), max_size=60)),
        "audience": draw(st.sampled_from(["customer", "employee"])),
        "questions": questions,
    }


def test_a_nul_character_anywhere_is_refused_where_it_stands() -> None:
    document = _document()
    document["intro"] = "Welcome\x00"
    document["questions"][1]["options"][0]["label_es"] = "S\x00í"
    with pytest.raises(DefinitionError) as refused:
        definition_check(document)
    assert [p.pointer for p in refused.value.problems] == [
        "/intro",
        "/questions/1/options/0/label_es",
    ]
    assert all("NUL" in p.message for p in refused.value.problems)


@given(document=_documents())
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_generated_documents_round_trip_identically(agency_a: Agency, document: dict) -> None:
    definition_check(document)
    first = survey_definition(survey_import(actor=None, agency=agency_a, raw=json.dumps(document)))
    second = survey_definition(
        survey_import(actor=None, agency=agency_a, raw=definition_dumps(first))
    )
    assert definition_dumps(second) == definition_dumps(first)
    for name in ("title", "title_es", "intro"):
        assert first[name] == document[name]
    assert [q["key"] for q in first["questions"]] == [q["key"] for q in document["questions"]]


# --- staff pages and the API ---------------------------------------------------------------


def test_staff_download_the_definition_and_import_it_as_a_new_draft(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    download = analyst_a_client.get(
        f"/staff/agencies/alpha/surveys/{a11_survey.pk}/definition.json"
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/json")
    body = b"".join(download.streaming_content) if download.streaming else download.content
    reply = analyst_a_client.post(
        "/staff/agencies/alpha/surveys/import/",
        {"file": SimpleUploadedFile("definition.json", body, content_type="application/json")},
    )
    assert reply.status_code == 302
    copy = Survey.objects.exclude(pk=a11_survey.pk).get()
    assert copy.status == SurveyStatus.DRAFT
    assert definition_dumps(survey_definition(copy)).encode() == body


def test_a_bad_upload_lists_each_problem_on_the_form(analyst_a_client: Client) -> None:
    document = _document()
    document["questions"][1]["key"] = "satisfied"
    reply = analyst_a_client.post(
        "/staff/agencies/alpha/surveys/import/",
        {"file": SimpleUploadedFile("d.json", json.dumps(document).encode())},
    )
    assert reply.status_code == 400
    assert "/questions/1/key: The key “satisfied” is used twice." in reply.content.decode()
    assert not Survey.objects.exists()


def test_reading_a_definition_of_another_agency_is_not_found(
    handler_b_client: Client, a11_survey: Survey
) -> None:
    reply = handler_b_client.get(f"/staff/agencies/alpha/surveys/{a11_survey.pk}/definition.json")
    assert reply.status_code == 404


def _bearer(user: User) -> dict[str, str]:
    _token, raw = token_create(user=user, name="definitions", scope=TokenScope.WRITE)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_reads_a_definition_and_imports_it(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    auth = _bearer(analyst_a)
    read = client.get(f"/api/v1/surveys/{a11_survey.pk}/definition", **auth)
    assert read.status_code == 200
    document = read.json()
    assert document == survey_definition(a11_survey)
    made = client.post(
        "/api/v1/agencies/alpha/surveys:import",
        data=json.dumps(document),
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "draft"
    assert made.json()["questions"] == len(document["questions"])
    copy = Survey.objects.get(pk=made.json()["id"])
    assert survey_definition(copy) == document


def test_the_api_refuses_a_bad_document_with_each_problem_located(
    client: Client, analyst_a: User
) -> None:
    document = _document()
    document["questions"][0]["kind"] = "slider"
    reply = client.post(
        "/api/v1/agencies/alpha/surveys:import",
        data=json.dumps(document),
        content_type="application/json",
        **_bearer(analyst_a),
    )
    assert reply.status_code == 422
    [error] = reply.json()["errors"]
    assert error["loc"] == ["body", "questions", "0", "kind"]
    assert error["type"] == "definition"
    not_json = client.post(
        "/api/v1/agencies/alpha/surveys:import",
        data="{",
        content_type="application/json",
        **_bearer(analyst_a),
    )
    assert not_json.status_code == 422
    assert "not valid JSON" in not_json.json()["errors"][0]["msg"]
    assert not Survey.objects.exists()
