"""Importing response files: Touchpoints A-11 v2, Touchpoints form export, our own CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.a11.formats import A11_V2_COLUMNS, IMPORT_FORMATS
from cxgov.a11.importers import responses_import
from cxgov.a11.tests.conftest import FIXTURES
from cxgov.a11.tests.factories import PERIOD
from cxgov.core.models import AuditEvent
from cxgov.surveys.models import Answer, Response
from cxgov.surveys.selectors import responses_csv_rows, responses_for_survey
from cxgov.testing.data import needs_shared, shared_path

pytestmark = pytest.mark.django_db

THUMBS_FILE = FIXTURES / "touchpoints_a11_v2.csv"
LIKERT_FILE = FIXTURES / "touchpoints_a11_v2_likert.csv"
SHARED_SAMPLE = "touchpoints/cx_responses_upload_header_sample.csv"


def _import(survey, path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_responses",
        str(path),
        "--survey",
        str(survey.pk),
        "--format",
        "touchpoints-a11-v2",
        "--fiscal-year",
        str(PERIOD.year),
        "--quarter",
        str(PERIOD.quarter),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def _export(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "export_a11_quarterly",
        "--fiscal-year",
        str(PERIOD.year),
        "--quarter",
        str(PERIOD.quarter),
        "--format",
        "touchpoints-a11-v2",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def _a11_file(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(A11_V2_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def _row(external_id: str = "9", trust: str = "1", **cells: str) -> list[str]:
    values = dict.fromkeys(A11_V2_COLUMNS, "0")
    values.update(external_id=external_id, question_1=trust, question_4="")
    values.update(cells)
    return [values[c] for c in A11_V2_COLUMNS]


@pytest.mark.parametrize(
    ("fixture", "path"), [("thumbs_survey", THUMBS_FILE), ("likert_survey", LIKERT_FILE)]
)
def test_touchpoints_a11_v2_file_round_trips_byte_for_byte(fixture, path, request):
    survey = request.getfixturevalue(fixture)
    _import(survey, path, "--service", "apply")
    exported = _export("--agency", survey.agency.slug)
    original = path.read_bytes()
    assert exported.encode().splitlines(keepends=True) == original.splitlines(keepends=True)
    assert exported.encode() == original


def test_imported_rows_map_onto_the_survey_questions(thumbs_survey):
    _import(thumbs_survey, THUMBS_FILE)
    response = Response.objects.get(survey=thumbs_survey, submission_id="1002")
    answers = {(a.question.key, a.value_int, a.value_text) for a in response.answers.all()}
    assert answers == {
        ("trust", 0, ""),
        ("went_poorly", None, "ease"),
        ("went_poorly", None, "efficiency"),
        ("comments", None, "Took too long, and the form was confusing."),
    }
    assert response.source == "import"
    assert response.submitted_at.date() == PERIOD.end


def test_importing_the_same_file_again_adds_nothing(thumbs_survey):
    first = _import(thumbs_survey, THUMBS_FILE)
    assert "responses: 8 created, 0 updated, 0 unchanged" in first
    answers = Answer.objects.count()
    again = _import(thumbs_survey, THUMBS_FILE)
    assert "responses: 0 created, 0 updated, 8 unchanged" in again
    assert Response.objects.filter(survey=thumbs_survey).count() == 8
    assert Answer.objects.count() == answers


def test_dry_run_checks_everything_and_stores_nothing(thumbs_survey):
    out = _import(thumbs_survey, THUMBS_FILE, "--dry-run")
    assert "dry run: nothing was written" in out
    assert "responses: 8 created" in out
    assert not Response.objects.filter(survey=thumbs_survey).exists()
    assert not AuditEvent.objects.filter(action="response.bulk_create").exists()


def test_a_bad_row_rejects_the_file_naming_row_column_and_reason(thumbs_survey, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        _a11_file(
            [
                _row("1"),
                _row("2", trust="7"),
                _row("3", positive_ease="yes"),
                _row("4", trust="0", positive_ease="1"),
                _row("1"),
            ]
        )
    )
    with pytest.raises(CommandError, match="rejected"):
        _import(thumbs_survey, path)
    report = responses_import(
        actor=None,
        survey=thumbs_survey,
        data=path.read_bytes(),
        format="touchpoints-a11-v2",
        period=PERIOD,
    )
    where = {(e.row, e.column) for e in report.errors}
    assert (3, "question_1") in where
    assert (4, "positive_ease") in where
    assert (5, "positive_ease") in where
    assert (6, "") in where  # the same id as row 2
    reasons = " ".join(e.reason for e in report.errors)
    assert "from 0 to 1" in reasons and "1 (chosen), 0 (not chosen) or null" in reasons
    assert not Response.objects.filter(survey=thumbs_survey).exists()


def test_wrong_columns_and_missing_quarter_are_refused_plainly(thumbs_survey):
    header_only = "external_id,question_1\n1,1\n"
    report = responses_import(
        actor=None,
        survey=thumbs_survey,
        data=header_only,
        format="touchpoints-a11-v2",
        period=PERIOD,
    )
    assert report.errors[0].row == 0 and "missing columns: positive_effectiveness" in str(
        report.errors[0]
    )
    undated = responses_import(
        actor=None, survey=thumbs_survey, data=THUMBS_FILE.read_bytes(), format="touchpoints-a11-v2"
    )
    assert "fiscal year and quarter" in undated.errors[0].reason


def test_a_survey_without_the_a11_v2_questions_is_refused(agency_a):
    from cxgov.surveys.services import survey_create

    acsi = survey_create(actor=None, agency=agency_a, template="acsi")
    report = responses_import(
        actor=None,
        survey=acsi,
        data=THUMBS_FILE.read_bytes(),
        format="touchpoints-a11-v2",
        period=PERIOD,
    )
    assert "not an A-11 v2 survey" in report.errors[0].reason


@needs_shared(SHARED_SAMPLE)
def test_touchpoints_upload_sample_header_is_accepted_and_placeholders_rejected(thumbs_survey):
    data = shared_path(SHARED_SAMPLE).read_bytes()
    report = responses_import(
        actor=None, survey=thumbs_survey, data=data, format="touchpoints-a11-v2", period=PERIOD
    )
    # The header is the real 17 columns; the rows hold "Data 1-1" placeholders.
    assert all(e.row > 1 for e in report.errors)
    assert {e.column for e in report.errors} >= {"question_1", "positive_effectiveness"}
    assert report.rows_read == 20
    assert not Response.objects.filter(survey=thumbs_survey).exists()


def test_touchpoints_form_export_matches_questions_by_text(thumbs_survey):
    text = (
        "ID,UUID,This interaction increased my trust in Agency Alpha.,What went well?,"
        "What didn't go so well?,Is there anything else you would like to tell us?,"
        "Location Code,User Agent,Status,Archived,Flagged,Page,Hostname,Referrer,Created At,Tags\n"
        '501,u-1,1,"effectiveness,ease",,Fine,desk-3,Mozilla,received,false,false,/apply,'
        "example.gov,,2026-02-03 14:05:00 UTC,[]\n"
        "502,u-2,0,,efficiency,,,,received,false,false,,,,2026-02-04 09:00:00 -0500,[]\n"
        "503,u-3,1,,,,,,received,false,true,,,,2026-02-05 09:00:00 UTC,[]\n"
    )
    report = responses_import(
        actor=None, survey=thumbs_survey, data=text, format="touchpoints-form", service="apply"
    )
    assert report.errors == []
    assert report.responses.created == 2
    assert report.skipped.unchanged == 1  # the flagged row
    first = Response.objects.get(survey=thumbs_survey, submission_id="501")
    assert first.location_code == "desk-3" and first.service.slug == "apply"
    assert sorted(a.value_text for a in first.answers.filter(question__key="went_well")) == [
        "ease",
        "effectiveness",
    ]
    second = Response.objects.get(survey=thumbs_survey, submission_id="502")
    assert second.submitted_at.isoformat() == "2026-02-04T14:00:00+00:00"


def test_touchpoints_form_unknown_question_column_is_named(thumbs_survey):
    text = "ID,How was the weather?,Created At\n1,sunny,2026-02-03 14:05:00 UTC\n"
    report = responses_import(
        actor=None, survey=thumbs_survey, data=text, format="touchpoints-form"
    )
    assert "How was the weather?" in report.errors[0].reason


def test_cxgov_export_imports_into_another_survey_with_the_same_answers(
    thumbs_survey, service_a, agency_a
):
    from cxgov.surveys.services import survey_create, survey_publish
    from cxgov.testing.factories import cleared

    _import(thumbs_survey, THUMBS_FILE, "--service", "apply")
    exported = "".join(
        responses_csv_rows(
            survey=thumbs_survey, responses=responses_for_survey(survey=thumbs_survey)
        )
    )
    copy = survey_publish(
        actor=None,
        survey=cleared(
            survey_create(actor=None, agency=agency_a, template="a11_v2", services=[service_a])
        ),
    )
    report = responses_import(actor=None, survey=copy, data=exported, format="cxgov")
    assert report.errors == [] and report.responses.created == 8

    def shape(survey):
        return sorted(
            (a.question.key, a.value_int, a.value_text)
            for a in Answer.objects.filter(survey=survey).select_related("question")
        )

    assert shape(copy) == shape(thumbs_survey)
    again = responses_import(actor=None, survey=copy, data=exported, format="cxgov")
    assert vars(again.responses) == {"created": 0, "updated": 0, "unchanged": 8}


def test_cli_refuses_unknown_survey_and_half_a_quarter(thumbs_survey):
    with pytest.raises(CommandError, match="no survey"):
        call_command(
            "import_responses", str(THUMBS_FILE), "--survey", "999999", "--format", "cxgov"
        )
    with pytest.raises(CommandError, match="both"):
        call_command(
            "import_responses",
            str(THUMBS_FILE),
            "--survey",
            str(thumbs_survey.pk),
            "--format",
            "touchpoints-a11-v2",
            "--quarter",
            "2",
        )


CELL = st.one_of(
    st.sampled_from(["0", "1", "null", "", "2", "-1", "5", "yes", "ease", "=cmd()", "1,2"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20),
)
_bounded = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_bounded
@given(st.binary(max_size=300), st.sampled_from(IMPORT_FORMATS))
def test_hostile_bytes_never_crash_and_store_nothing_when_rejected(thumbs_survey, data, format):
    before = Response.objects.count()
    report = responses_import(
        actor=None, survey=thumbs_survey, data=data, format=format, period=PERIOD
    )
    if report.errors:
        assert Response.objects.count() == before
        assert all(e.reason for e in report.errors)


@_bounded
@given(st.lists(st.lists(CELL, min_size=17, max_size=17), min_size=1, max_size=5))
def test_hostile_a11_rows_get_row_and_column_errors_or_import_cleanly(thumbs_survey, rows):
    before = Response.objects.count()
    report = responses_import(
        actor=None,
        survey=thumbs_survey,
        data=_a11_file(rows),
        format="touchpoints-a11-v2",
        period=PERIOD,
    )
    if report.errors:
        assert Response.objects.count() == before
        for error in report.errors:
            assert error.reason and error.row >= 0
            assert error.row == 0 or error.column or "same id" in error.reason
    else:
        assert report.applied


@_bounded
@given(st.lists(st.lists(CELL, min_size=6, max_size=6), min_size=1, max_size=4))
def test_hostile_cli_input_ends_in_a_plain_error_or_success(thumbs_survey, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("hostile") / "rows.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["response_id", "submitted_at", "trust", "went_well", "went_poorly", "comments"]
    )
    writer.writerows(rows)
    path.write_text(buffer.getvalue())
    before = Response.objects.count()
    refusal = ""
    try:
        call_command(
            "import_responses",
            str(path),
            "--survey",
            str(thumbs_survey.pk),
            "--format",
            "cxgov",
            stdout=io.StringIO(),
        )
    except CommandError as error:
        refusal = str(error)
    if refusal:
        assert "rejected" in refusal
        assert Response.objects.count() == before
    else:
        assert Response.objects.count() <= before + len(rows)
