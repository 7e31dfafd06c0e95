"""Responses for SPSS, Stata, Excel and R carry the CSV export's values with their labels.

A survey with a question of every kind is answered three times; each file is downloaded from
the staff page (and the API) and read back with the package's own reader, pyreadstat or
openpyxl, and compared cell by cell with the CSV export of the same responses.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cxgov.core.models import Agency, AuditEvent, Role, User
from cxgov.core.services import token_create
from cxgov.core.tables import csv_cell
from cxgov.registry.models import Service
from cxgov.surveys.models import LIKERT_LABELS, QuestionKind, Survey
from cxgov.surveys.research import NAME_LIMIT, choice_codes, research_codebook, variable_name
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    question_add,
    response_bulk_create,
)
from cxgov.testing.access import answers_like_missing
from cxgov.testing.factories import MembershipFactory, SurveyFactory, UserFactory
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db

READERS = {Role.AGENCY_ADMIN, Role.CX_ANALYST}
RECOMMEND = "how_likely_are_you_to_recommend_us_to_a_friend"
RECOMMEND_FAMILY = "how_likely_are_you_to_recommend_us_to_a_family_member"

QUESTIONS: list[dict[str, Any]] = [
    {"key": "satisfied", "kind": QuestionKind.LIKERT, "text": "I am satisfied."},
    {"key": "trust", "kind": QuestionKind.THUMBS, "text": "I trust the agency."},
    {"key": "resolved", "kind": QuestionKind.YES_NO, "text": "Was it resolved?"},
    {"key": RECOMMEND, "kind": QuestionKind.NPS, "text": "Would you recommend us to a friend?"},
    {"key": RECOMMEND_FAMILY, "kind": QuestionKind.NPS, "text": "And to your family?"},
    {
        "key": "Ease-Of-Use",
        "kind": QuestionKind.RATING_10,
        "text": 'How "easy" was it, \\ really? ' * 16,
    },
    {
        "key": "reason",
        "kind": QuestionKind.SINGLE,
        "text": "Why did you come?",
        "text_es": "¿Por qué vino?",
        "options": [
            {"value": "renew", "label": "To renew", "label_es": "Para renovar"},
            {"value": "apply", "label": "To apply", "label_es": "Para solicitar"},
        ],
        "allow_other": True,
    },
    {
        "key": "channels",
        "kind": QuestionKind.MULTIPLE,
        "text": "How did you reach us?",
        "options": [
            {"value": "phone", "label": "Phone", "label_es": "Teléfono"},
            {"value": "web", "label": "Web site"},
            {"value": "office", "label": "Office"},
        ],
        "allow_other": True,
    },
    {"key": "if", "kind": QuestionKind.SHORT_TEXT, "text": "If anything, what?"},
    {"key": "comments", "kind": QuestionKind.LONG_TEXT, "text": "Anything else?"},
    {"key": "2nd_visits", "kind": QuestionKind.NUMBER, "text": "How many visits?"},
    {"key": "visit_date", "kind": QuestionKind.DATE, "text": "When did you visit?"},
    {"key": "contact", "kind": QuestionKind.EMAIL, "text": "Your email, if we may write."},
    {
        "key": "svc",
        "kind": QuestionKind.HIDDEN,
        "text": "Service asked about",
        "context_field": "service",
    },
]

ANSWERS: list[dict[str, Any]] = [
    {
        "satisfied": 4,
        "trust": 1,
        "resolved": 0,
        RECOMMEND: 9,
        RECOMMEND_FAMILY: 0,
        "Ease-Of-Use": 10,
        "reason": "other",
        "reason_other": "To complain",
        "channels": ["phone", "other"],
        "channels_other": "A letter",
        "if": "=HYPERLINK(1)",
        "comments": "Muy bien, señora.\nGracias — 100%",
        "2nd_visits": "2.5",
        "visit_date": "2026-01-04",
        "contact": "someone@example.com",
    },
    {"satisfied": 1, "reason": "apply", "channels": ["web", "office"], "2nd_visits": "-3"},
    {"trust": 0},
]

Fetch = Callable[[str], tuple[bytes, str]]


@pytest.fixture(autouse=True)
def _prepared_files_kept_apart(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # where prepared files are stored


@pytest.fixture
def survey(agency_a: Agency, service_a: Service) -> Survey:
    survey = SurveyFactory(agency=agency_a, title="Every kind of question")
    for fields in QUESTIONS:
        question_add(actor=None, survey=survey, **fields)
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers=answers,
                submitted_at=datetime(2026, 1, 5 + n, 12, 30, 15, 123456, tzinfo=UTC),
                submission_id=f"r-{n}",
                context=SubmissionContext(
                    source="import", service=service_a.slug if n == 0 else "", channel="phone"
                ),
            )
            for n, answers in enumerate(ANSWERS)
        ],
    )
    return survey


def _base(survey: Survey) -> str:
    return f"/staff/agencies/{survey.agency.slug}/surveys/{survey.pk}/"


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.fixture
def fetch(analyst_a_client: Client, survey: Survey) -> Fetch:
    def get(path: str) -> tuple[bytes, str]:
        response = prepared_get(analyst_a_client, _base(survey) + path)
        assert response.status_code == 200, _body(response)[:500]
        return _body(response), response["Content-Disposition"]

    return get


def _csv_rows(fetch: Fetch, query: str = "") -> list[dict[str, str]]:
    text = fetch("responses.csv" + query)[0].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _saved(tmp_path: Path, body: bytes, suffix: str) -> str:
    path = tmp_path / f"export.{suffix}"
    path.write_bytes(body)
    return str(path)


def _names(survey: Survey) -> dict[str, str]:
    """Question key → variable name (the first of a choose-any question's)."""
    names: dict[str, str] = {}
    for variable in research_codebook(survey=survey).variables:
        names.setdefault(variable.source, variable.name)
    return names


def _expected(survey: Survey, row: dict[str, str]) -> dict[str, Any]:
    """What each variable must hold for one CSV row, worked out from the CSV's own text."""
    names = _names(survey)
    submitted = datetime.fromisoformat(row["submitted_at"]).astimezone(UTC)
    want: dict[str, Any] = {
        "response_id": float(row["response_id"]),
        "submitted_at": submitted.replace(tzinfo=None, microsecond=0),
        **{k: row[k] for k in ("language", "source", "service", "channel", "location_code")},
        "status": row["status"],
    }
    for question in survey.questions.order_by("position"):
        cell = row[question.key]
        name = names[question.key]
        if question.kind in (QuestionKind.SINGLE,):
            want[name] = float(choice_codes(question)[cell]) if cell else None
        elif question.kind == QuestionKind.MULTIPLE:
            chosen = set(cell.split("|")) if cell else set()
            for value in [str(o["value"]) for o in question.options] + ["other"]:
                want[variable_name(f"{question.key}_{value}")] = (
                    float(value in chosen) if chosen else None
                )
        elif question.kind in (QuestionKind.NUMBER, *_SCALES):
            want[name] = float(cell) if cell else None
        elif question.kind == QuestionKind.DATE:
            want[name] = date.fromisoformat(cell) if cell else None
        else:
            want[name] = cell
    return want


_SCALES = (
    QuestionKind.LIKERT,
    QuestionKind.THUMBS,
    QuestionKind.YES_NO,
    QuestionKind.NPS,
    QuestionKind.RATING_10,
)


def _compare(survey: Survey, csv_rows: list[dict[str, str]], data: list[dict[str, Any]]) -> None:
    assert len(data) == len(csv_rows) == len(ANSWERS)
    for row, got in zip(csv_rows, data, strict=True):
        for name, want in _expected(survey, row).items():
            value = got[name]
            if isinstance(value, str):
                # The CSV quotes what a spreadsheet would run; the data files hold the text.
                value = csv_cell(value)
            assert value == want, (name, value, want)


@pytest.mark.parametrize(
    ("fmt", "read"), [("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)]
)
def test_spss_and_stata_files_read_back_as_the_csv_with_labels(
    fetch: Fetch, survey: Survey, tmp_path: Path, fmt: str, read: Any
) -> None:
    body, disposition = fetch(f"responses/export/{fmt}/")
    assert f'filename="survey-{survey.pk}-responses.{fmt}"' in disposition
    frame, meta = read(_saved(tmp_path, body, fmt), output_format="polars")
    _compare(survey, _csv_rows(fetch), frame.to_dicts())

    labels = meta.column_names_to_labels
    values = {k: {int(c): t for c, t in v.items()} for k, v in meta.variable_value_labels.items()}
    assert labels["satisfied"] == "I am satisfied."
    assert values["satisfied"] == {int(v): str(t) for v, t in LIKERT_LABELS}
    assert values["trust"] == {0: "Thumbs down", 1: "Thumbs up"}
    assert values["resolved"] == {0: "No", 1: "Yes"}
    assert values[RECOMMEND[:NAME_LIMIT]] == {0: "0 (lowest)", 10: "10 (highest)"}
    assert values["ease_of_use"] == {1: "1 (lowest)", 10: "10 (highest)"}
    assert values["reason"] == {1: "To renew", 2: "To apply", 3: "Other"}
    assert values["channels_phone"] == {0: "Not chosen", 1: "Chosen"}
    assert labels["channels_web"] == "How did you reach us?: Web site"
    assert labels["reason_other_text"] == "Why did you come?: Other (the words given)"
    assert frame["reason_other_text"].to_list() == ["To complain", "", ""]
    assert frame["channels_other_text"].to_list() == ["A letter", "", ""]
    # Stata keeps 80 characters of a label, SPSS 256 bytes.
    assert labels["ease_of_use"] == QUESTIONS[5]["text"][: 80 if fmt == "dta" else 256]


def test_choices_keep_whole_number_values_as_codes_when_they_are_distinct(survey: Survey) -> None:
    question = survey.questions.get(key="reason")
    assert choice_codes(question) == {"renew": 1, "apply": 2, "other": 3}
    question.options = [{"value": "10", "label": "Ten"}, {"value": "-2", "label": "Minus two"}]
    assert choice_codes(question) == {"10": 10, "-2": -2, "other": 11}
    question.options = [{"value": "1", "label": "One"}, {"value": "01", "label": "Also one"}]
    assert choice_codes(question) == {"1": 1, "01": 2, "other": 3}


def test_variable_names_are_valid_unique_and_stable(survey: Survey) -> None:
    names = [v.name for v in research_codebook(survey=survey).variables]
    assert len(names) == len(set(names))
    for name in names:
        assert len(name) <= NAME_LIMIT and name[0].isalpha()
        assert name.replace("_", "").isalnum() and name == name.lower()
    assert "v_if" in names and "v2nd_visits" in names and "ease_of_use" in names
    # Cut to the limit, the two keys clash: the later question gets "_2".
    first, second = "how_likely_are_you_to_recomm", "how_likely_are_you_to_reco_2"
    assert first == RECOMMEND[:NAME_LIMIT]
    assert first in names and second in names
    assert {"channels_phone", "channels_web", "channels_office", "channels_other"} <= set(names)
    # Moving the family question first renames neither: names follow creation order.
    family = survey.questions.get(key=RECOMMEND_FAMILY)
    family.position = 0
    family.save()
    moved = [v.name for v in research_codebook(survey=survey).variables]
    assert sorted(moved) == sorted(names)
    assert moved.index(second) < moved.index(first)


def test_labels_are_in_the_surveys_default_language_on_a_spanish_page(
    analyst_a_client: Client, survey: Survey, tmp_path: Path
) -> None:
    with translation.override("es"):
        response = prepared_get(analyst_a_client, "/es" + _base(survey) + "responses/export/sav/")
    assert response.status_code == 200
    _frame, meta = pyreadstat.read_sav(
        _saved(tmp_path, _body(response), "sav"), output_format="polars", metadataonly=True
    )
    assert meta.column_names_to_labels["reason"] == "Why did you come?"
    assert meta.variable_value_labels["reason"][1] == "To renew"
    assert meta.variable_value_labels["satisfied"][5] == "Strongly agree"


def test_the_workbook_has_data_variable_labels_and_value_labels(
    fetch: Fetch, survey: Survey, tmp_path: Path
) -> None:
    body, disposition = fetch("responses/export/xlsx/")
    assert disposition.endswith(f'filename="survey-{survey.pk}-responses.xlsx"')
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Responses", "Variables", "Value labels"]
    rows = list(book["Responses"].iter_rows(values_only=True))
    header, data = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for row in data:
        for name, value in row.items():
            if value is None and name in _text_names(survey):
                row[name] = ""  # an empty cell is empty text
            elif isinstance(value, int | float) and not isinstance(value, bool):
                row[name] = float(value)
            elif isinstance(value, datetime) and name == "visit_date":
                row[name] = value.date()
    _compare(survey, _csv_rows(fetch), data)
    # A text answer stays text: no cell of the workbook is a formula.
    cells = [c for row in book["Responses"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert "=HYPERLINK(1)" in {c.value for c in cells}
    variables = {
        row[0]: row[1:] for row in book["Variables"].iter_rows(min_row=2, values_only=True)
    }
    assert list(variables) == list(header)
    assert variables["visit_date"] == ("When did you visit?", "date", "visit_date")
    value_labels = list(book["Value labels"].iter_rows(min_row=2, values_only=True))
    assert ("reason", 3, "Other") in value_labels
    assert ("channels_office", 1, "Chosen") in value_labels


def _text_names(survey: Survey) -> set[str]:
    return {v.name for v in research_codebook(survey=survey).variables if v.type == "text"}


def test_the_r_zip_holds_the_csv_and_a_script_that_labels_every_variable(
    fetch: Fetch, survey: Survey
) -> None:
    body, disposition = fetch("responses/export/r/")
    assert f'filename="survey-{survey.pk}-responses-r.zip"' in disposition
    archive = zipfile.ZipFile(io.BytesIO(body))
    stem = f"survey-{survey.pk}-responses"
    assert sorted(archive.namelist()) == [f"{stem}.R", f"{stem}.csv"]
    script = archive.read(f"{stem}.R").decode()
    data = list(csv.DictReader(io.StringIO(archive.read(f"{stem}.csv").decode())))
    codebook = research_codebook(survey=survey)
    assert list(data[0]) == [v.name for v in codebook.variables]
    assert f'read.csv(\n  "{stem}.csv"' in script
    for variable in codebook.variables:
        assert f'attr(data[["{variable.name}"]], "label") <- ' in script
    assert 'data[["visit_date"]] <- as.Date(data[["visit_date"]])' in script
    assert (
        'data[["reason"]] <- factor(data[["reason"]], levels = c(1, 2, 3),\n'
        '  labels = c("To renew", "To apply", "Other"))'
    ) in script
    assert (
        'levels = c(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),\n  labels = c("0 (lowest)", "1",' in script
    )
    # Quotes, backslashes and line ends in labels cannot end an R string early.
    assert 'c("How \\"easy\\" was it, \\\\ really? How' not in script
    assert '<- "How \\"easy\\" was it, \\\\ really? How' in script
    csv_rows = _csv_rows(fetch)
    assert [row["response_id"] for row in data] == [row["response_id"] for row in csv_rows]
    assert data[0]["comments"] == csv_rows[0]["comments"]
    assert data[0]["v_if"] == csv_rows[0]["if"] == "'=HYPERLINK(1)"
    assert [row["channels_web"] for row in data] == ["0", "1", ""]


def test_the_r_zip_past_the_plain_zip_size_limit_is_written_as_zip64(
    fetch: Fetch, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A million responses pass 2 GiB of CSV; the limit is lowered here so that a few do."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 64)
    body, _disposition = fetch("responses/export/r/")
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    data = list(
        csv.DictReader(io.StringIO(archive.read(f"survey-{survey.pk}-responses.csv").decode()))
    )
    assert [row["response_id"] for row in data] == [row["response_id"] for row in _csv_rows(fetch)]


def test_filters_apply_to_every_file_as_to_the_csv(
    fetch: Fetch, survey: Survey, tmp_path: Path
) -> None:
    query = "?date_from=2026-01-06&channel=phone"
    body, _disposition = fetch(f"responses/export/dta/{query}")
    frame, _meta = pyreadstat.read_dta(_saved(tmp_path, body, "dta"), output_format="polars")
    csv_ids = [float(row["response_id"]) for row in _csv_rows(fetch, query)]
    assert frame["response_id"].to_list() == csv_ids and len(csv_ids) == 2


def test_a_download_is_audited_with_its_format_and_filters(
    analyst_a_client: Client, analyst_a: User, survey: Survey
) -> None:
    url = _base(survey) + "responses/export/xlsx/?channel=phone"
    assert prepared_get(analyst_a_client, url).status_code == 200
    event = AuditEvent.objects.get(action="survey.responses_export")
    assert (event.actor, event.target_id) == (analyst_a, str(survey.pk))
    assert event.data == {"filters": "channel=phone", "format": "xlsx"}


def test_the_responses_page_offers_every_file_with_its_filters(
    analyst_a_client: Client, survey: Survey
) -> None:
    page = analyst_a_client.get(_base(survey) + "responses/?channel=phone").content.decode()
    for fmt in ("sav", "dta", "xlsx", "r"):
        assert f'{_base(survey)}responses/export/{fmt}/?channel=phone"' in page
    assert f'{_base(survey)}responses.csv?channel=phone"' in page


@pytest.mark.parametrize("role", list(Role))
def test_the_results_page_offers_the_files_only_to_those_who_read_responses(
    role_a_client: Callable[[Role], Client], survey: Survey, role: Role
) -> None:
    response = role_a_client(role).get(f"/staff/agencies/alpha/results/{survey.pk}/")
    if response.status_code == 404:
        return  # the results themselves are not this role's
    page = response.content.decode()
    assert (f"{_base(survey)}responses/export/sav/" in page) == (role in READERS)


@pytest.mark.parametrize("role", list(Role))
def test_only_survey_runners_download_research_files(
    role_a_client: Callable[[Role], Client], survey: Survey, role: Role
) -> None:
    client = role_a_client(role)
    for fmt in ("sav", "dta", "xlsx", "r"):
        url = _base(survey) + f"responses/export/{fmt}/"
        got = prepared_get(client, url)
        if role in READERS:
            assert got.status_code == 200, (fmt, role)
        else:
            missing = client.get(url.replace(f"/surveys/{survey.pk}/", "/surveys/999999/"))
            assert answers_like_missing(got, missing), (fmt, role)


def test_an_unknown_format_is_missing(analyst_a_client: Client, survey: Survey) -> None:
    assert analyst_a_client.get(_base(survey) + "responses/export/sas/").status_code == 404


def test_employee_survey_files_have_their_variables_and_no_rows(
    analyst_a_client: Client, employee_survey: Survey, tmp_path: Path
) -> None:
    response_bulk_create(
        actor=None,
        survey=employee_survey,
        rows=[
            BulkResponse(
                answers={"resources": 2, "team": "phone", "barriers": "Call Dana about the queue"},
                submitted_at=datetime(2026, 1, 5, 12, tzinfo=UTC),
                submission_id=f"e-{n}",
                context=SubmissionContext(source="import"),
            )
            for n in range(6)
        ],
    )
    base = _base(employee_survey) + "responses/export/"
    sav = _body(prepared_get(analyst_a_client, base + "sav/"))
    frame, meta = pyreadstat.read_sav(_saved(tmp_path, sav, "sav"), output_format="polars")
    assert frame.height == 0 and "barriers" in frame.columns
    assert meta.notes == ["not listed: employee survey responses are shown only as results"]
    dta = _body(prepared_get(analyst_a_client, base + "dta/"))
    frame, meta = pyreadstat.read_dta(_saved(tmp_path, dta, "dta"), output_format="polars")
    assert frame.height == 0 and meta.file_label.startswith("not listed")
    for fmt in ("xlsx", "r"):
        assert b"about the queue" not in _body(prepared_get(analyst_a_client, base + fmt + "/"))
    book = load_workbook(io.BytesIO(_body(prepared_get(analyst_a_client, base + "xlsx/"))))
    assert book["Responses"].max_row == 2  # the header and the line saying why


@pytest.mark.parametrize(
    "query",
    [
        "?date_from=yesterday",
        "?date_to=2026-13-45",
        "?service=999999",
        "?service=abc",
        "?channel=carrier-pigeon",
        "?status=%00",
        "?date_from=" + "9" * 400,
    ],
)
def test_filters_that_are_not_valid_answer_400_with_the_reason(
    analyst_a_client: Client, survey: Survey, query: str
) -> None:
    for path in ("responses/export/sav/", "responses.csv"):
        response = analyst_a_client.get(_base(survey) + path + query)
        assert response.status_code == 400, (path, query)
        assert 'class="usa-error-message"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="survey.responses_export").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    params=st.dictionaries(
        st.sampled_from(["date_from", "date_to", "service", "channel", "status", "fmt"]),
        st.text(max_size=40),
        max_size=4,
    )
)
def test_any_filter_text_answers_a_file_or_400_never_an_error(
    analyst_a_client: Client, survey: Survey, params: dict[str, str]
) -> None:
    response = prepared_get(analyst_a_client, _base(survey) + "responses/export/xlsx/", data=params)
    assert response.status_code in (200, 400)


# --- the API -------------------------------------------------------------------------------


def _token(user: User, scope: str = "read") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='r', scope=scope)[1]}"}


def test_the_api_sends_each_format_with_the_pages_filters(
    client: Client, analyst_a: User, survey: Survey, fetch: Fetch, tmp_path: Path
) -> None:
    headers = _token(analyst_a)
    url = f"/api/v1/surveys/{survey.pk}/responses/export"
    for fmt in ("sav", "dta", "xlsx", "r", "csv"):
        query = f"?format={fmt}&date_from=2026-01-06&channel=phone"
        response = client.get(url + query, **headers)
        assert response.status_code == 200, response.content
        page_path = "responses.csv" if fmt == "csv" else f"responses/export/{fmt}/"
        page_body = fetch(page_path + "?date_from=2026-01-06&channel=phone")[0]
        if fmt in ("csv", "sav", "dta"):
            read = {"sav": pyreadstat.read_sav, "dta": pyreadstat.read_dta}.get(fmt)
            if read is None:
                assert _body(response) == page_body
            else:
                api, _m = read(_saved(tmp_path, _body(response), fmt), output_format="polars")
                page, _m = read(_saved(tmp_path, page_body, fmt), output_format="polars")
                assert api.equals(page) and api.height == 2
    events = AuditEvent.objects.filter(action="survey.responses_export")
    api = [e.data for e in events if e.data.get("via") == "api"]
    assert sorted(data["format"] for data in api) == ["csv", "dta", "r", "sav", "xlsx"]
    assert api[0]["filters"] == {"date_from": "2026-01-06", "channel": "phone"}


@pytest.mark.parametrize("role", list(Role))
def test_the_api_sends_files_only_to_survey_runners(
    client: Client, agency_a: Agency, survey: Survey, role: Role
) -> None:
    user = UserFactory(email=f"api-{role.value}@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=role)
    headers = _token(user)
    got = client.get(f"/api/v1/surveys/{survey.pk}/responses/export?format=sav", **headers)
    if role in READERS:
        assert got.status_code == 200
    else:
        missing = client.get("/api/v1/surveys/999999/responses/export?format=sav", **headers)
        assert (got.status_code, got.content) == (404, missing.content)


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("format=sas", 422, "format"),
        ("", 422, "format"),
        ("format=sav&date_from=yesterday", 422, "date_from"),
        ("format=sav&channel=carrier-pigeon", 422, "channel"),
        ("format=sav&status=gone", 422, "status"),
        ("format=sav&service=0", 422, "service"),
        ("format=sav&service=99999999999", 422, "service"),
        ("format=sav&service=999999", 404, None),
    ],
)
def test_the_api_names_the_query_parameter_that_is_not_valid(
    client: Client, analyst_a: User, survey: Survey, query: str, status: int, field: str | None
) -> None:
    got = client.get(f"/api/v1/surveys/{survey.pk}/responses/export?{query}", **_token(analyst_a))
    assert got.status_code == status
    body = got.json()
    assert body["detail"]
    if field:
        assert [e["loc"][-1] for e in body["errors"]] == [field]


def test_the_prepared_file_holds_what_the_request_used_to_build(
    analyst_a_client: Client, survey: Survey
) -> None:
    from cxgov.surveys.research import research_file
    from cxgov.surveys.selectors import ResponseFilters, responses_for_survey

    url = _base(survey) + "responses/export/{fmt}/?channel=phone"
    for fmt in ("r", "xlsx"):
        assert analyst_a_client.get(url.format(fmt=fmt)).status_code == 202
        response = prepared_get(analyst_a_client, url.format(fmt=fmt))
        assert response.status_code == 200
        prepared = zipfile.ZipFile(io.BytesIO(_body(response)))
        handle, name = research_file(
            survey=survey,
            responses=responses_for_survey(survey=survey, filters=ResponseFilters(channel="phone")),
            fmt=fmt,
        )
        with handle:
            built = zipfile.ZipFile(io.BytesIO(handle.read()))
        assert name in response["Content-Disposition"]
        assert prepared.namelist() == built.namelist()
        for member in built.namelist():
            if member != "docProps/core.xml":  # the workbook's own creation time
                assert prepared.read(member) == built.read(member), (fmt, member)
    assert AuditEvent.objects.filter(action="survey.responses_export").count() == 2
