"""Importing performance.gov A-11 quarterly figures: faithful, idempotent, all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.a11.importers_performance_gov import a11_quarterly_import
from cxgov.a11.models import ImportedQuarter
from cxgov.a11.summary import a11_summary_rows
from cxgov.core.models import Agency, AuditEvent, Membership, Role, User
from cxgov.registry.models import Service
from cxgov.surveys.models import AnswerRollup, ResponseRollup, Survey
from cxgov.surveys.results import ResultFilters, response_counts
from cxgov.surveys.tests.results_factories import quarters_in_step
from cxgov.testing.data import SHARED_DATA, needs_shared

pytestmark = pytest.mark.django_db


FILE = SHARED_DATA / "performance_gov/hisp_cx_quarterly_fy2021.csv"
TEXT = FILE.read_text(encoding="utf-8-sig") if FILE.exists() else ""
needs_file = needs_shared("performance_gov/hisp_cx_quarterly_fy2021.csv")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def as_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def government_importer() -> User:
    """A person holding the site-wide grant the performance.gov import needs."""
    user = User.objects.create_user("importer@omb.example.gov", "pw-9f3k2m1x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="core", codename="import_government_data")
    )
    return user


def nothing_stored() -> bool:
    return not (
        Agency.objects.exists()
        or Survey.objects.exists()
        or AnswerRollup.objects.exists()
        or ImportedQuarter.objects.exists()
    )


def _clean(text: str) -> str:
    return " ".join(text.split())


@needs_file
@override_settings(SURVEY_SUPPRESSION_THRESHOLD=5)
def test_every_published_point_scale_is_reproduced_from_imported_counts() -> None:
    report = a11_quarterly_import(actor=None, text=TEXT)
    assert report.applied and not report.errors
    assert report.rows_read == 188 and report.quarters.created == 188
    assert ImportedQuarter.objects.count() == 188
    summary = a11_summary_rows(fiscal_year=2021, quarter=None, agencies=Agency.objects.all())
    by_key = {
        (r["agency"], r["survey"], r["channel"], r["quarter"], r["question_key"]): r
        for r in summary
    }
    keys = ["satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency"]
    keys += ["employee", "q8", "q9", "q10", "q11"]
    checked = small = 0
    for row in rows_of(TEXT):
        for slot, key in enumerate(keys, start=1):
            published = row[f"attributes_q{slot}_point_scale"]
            if not published:
                continue
            counts = {k: int(row[f"attributes_q{slot}_{k}"]) for k in range(1, 6)}
            found = by_key[
                (
                    _clean(row["attributes_organization_name"]),
                    _clean(row["attributes_service_provided"]),
                    row["attributes_channel"],
                    int(row["attributes_collection_quarter"]),
                    key,
                )
            ]
            assert found["n"] == sum(counts.values())
            # Every customer cell is published, however small, as performance.gov does.
            assert not found["suppressed"]
            assert [found[f"count_{k}"] for k in range(1, 6)] == [counts[k] for k in range(1, 6)]
            # Published to one or two places and rounded half up: the export gives exactly
            # the published figure at that precision (354/80 = 4.425 is 4.43, not 4.42).
            exponent = Decimal(published).as_tuple().exponent
            assert isinstance(exponent, int) and exponent >= -2
            step = Decimal(1).scaleb(exponent)
            assert Decimal(str(found["mean"])).quantize(step, ROUND_HALF_UP) == Decimal(published)
            if exponent == -2:
                assert Decimal(str(found["mean"])) == Decimal(published)
            small += found["n"] < 5
            checked += 1
    assert checked == 1142 and small > 0
    assert not [n for n in report.notes if "point scale" in n.reason]


@needs_file
def test_reimport_changes_nothing_and_a_changed_row_replaces_its_quarter() -> None:
    a11_quarterly_import(actor=None, text=TEXT)
    before = AnswerRollup.objects.count(), ResponseRollup.objects.count(), Survey.objects.count()
    again = a11_quarterly_import(actor=None, text=TEXT)
    assert again.quarters.unchanged == 188 and again.agencies.created == 0
    assert (AnswerRollup.objects.count(), ResponseRollup.objects.count()) == before[:2]
    assert Survey.objects.count() == before[2]
    rows = rows_of(TEXT)
    header = list(rows[0])
    rows[0]["attributes_q1_5"] = "249587"
    rows[0]["attributes_volume_of_respondents"] = "320980"
    changed = a11_quarterly_import(actor=None, text=as_csv(header, rows))
    assert (changed.quarters.updated, changed.quarters.unchanged) == (1, 187)
    survey = Survey.objects.get(title=_clean(rows[0]["attributes_service_provided"]))
    # Row 2 is FY2021 Q2, stored on the quarter's first day.
    satisfaction = AnswerRollup.objects.get(
        survey=survey, question__key="satisfaction", value_key="5", day=date(2021, 1, 1)
    )
    assert satisfaction.count == 249587
    q2 = ResultFilters(fiscal_year=2021, quarter=2)
    assert response_counts(survey=survey, filters=q2) == 320980
    assert quarters_in_step(survey)
    assert ImportedQuarter.objects.filter(survey=survey, quarter=2).count() == 1


@needs_file
def test_imported_survey_is_a_closed_a11_v1_survey_with_the_fielded_wording() -> None:
    a11_quarterly_import(actor=None, text=TEXT)
    va = Agency.objects.get(abbreviation="VA")
    assert va.name == "Department of Veterans Affairs"
    survey = Survey.objects.get(agency=va, title="Outpatient Services")
    assert (survey.template, survey.status) == ("a11_v1", "closed")
    assert list(survey.services.values_list("name", flat=True)) == ["Receiving outpatient services"]
    trust = survey.questions.get(key="trust")
    assert trust.text == "I trust VA to fulfill our country’s commitment to Veterans"
    quarter = ImportedQuarter.objects.get(survey=survey, quarter=2)
    assert quarter.volume_of_customers == 9707552
    assert quarter.volume_offered_survey == 1774363
    assert quarter.volume_of_respondents == 320979
    assert quarter.published_point_scale["satisfaction"] == "4.7"
    assert AuditEvent.objects.filter(action="survey.a11_quarter_import").count() == 188


@needs_file
def test_dry_run_reports_and_stores_nothing() -> None:
    report = a11_quarterly_import(actor=None, text=TEXT, dry_run=True)
    assert report.quarters.created == 188 and not report.applied
    assert nothing_stored()


def small_file() -> tuple[list[str], list[dict[str, str]]]:
    rows = rows_of(TEXT)
    return list(rows[0]), rows[:3]


@needs_file
def test_columns_without_the_attributes_prefix_are_read() -> None:
    header, rows = small_file()
    plain = [h.removeprefix("attributes_") for h in header]
    renamed = [{h.removeprefix("attributes_"): v for h, v in row.items()} for row in rows]
    report = a11_quarterly_import(actor=None, text=as_csv(plain, renamed))
    assert report.applied and report.quarters.created == 3


BAD_CELLS = {
    "attributes_q1_3": ["-4", "abc", "1e5", "1.5", "NaN", "99999999999999999"],
    "attributes_q2_5": ["-1", "x"],
    "attributes_collection_quarter": ["5", "0", "", "two"],
    "attributes_collection_year": ["", "21", "-2021"],
    "attributes_volume_of_respondents": ["-10", "lots"],
    "attributes_q3_point_scale": ["7", "abc", "-1", "Infinity"],
    "attributes_organization_name": ["", "  "],
    "attributes_service_provided": [""],
}


@needs_file
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cell=st.sampled_from(sorted(BAD_CELLS)).flatmap(
        lambda column: st.tuples(st.just(column), st.sampled_from(BAD_CELLS[column]))
    ),
    row_index=st.integers(0, 2),
)
def test_a_bad_cell_names_its_row_and_column_and_stores_nothing(
    cell: tuple[str, str], row_index: int
) -> None:
    column, value = cell
    header, rows = small_file()
    rows[row_index][column] = value
    report = a11_quarterly_import(actor=None, text=as_csv(header, rows))
    assert report.rejected and not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(row_index + 2, column)]
    assert report.errors[0].reason
    assert nothing_stored()


@needs_file
@pytest.mark.parametrize(
    "column", ["attributes_organization_name", "attributes_collection_quarter", "attributes_q1_1"]
)
def test_a_missing_column_rejects_the_file(column: str) -> None:
    header, rows = small_file()
    header.remove(column)
    for row in rows:
        del row[column]
    report = a11_quarterly_import(actor=None, text=as_csv(header, rows))
    assert report.rejected
    assert report.errors[0].row == 0 and "columns" in report.errors[0].reason
    assert nothing_stored()


@needs_file
def test_an_incomplete_question_and_a_repeated_quarter_are_refused() -> None:
    header, rows = small_file()
    rows.append(dict(rows[0]))
    report = a11_quarterly_import(actor=None, text=as_csv(header, rows))
    assert [(e.row, e.column) for e in report.errors] == [(5, "")]
    assert "Row 2 already gives" in report.errors[0].reason
    header.remove("attributes_q9_4")
    for row in rows:
        del row["attributes_q9_4"]
    report = a11_quarterly_import(actor=None, text=as_csv(header, rows[:1]))
    assert "attributes_q9_4" in report.errors[0].reason
    assert nothing_stored()


@pytest.mark.parametrize(
    "text",
    ["", "just,a,header\n", "\x00\x01binary", 'organization_name,"unclosed\n1,2'],
)
def test_files_that_are_not_the_layout_are_refused_as_a_whole(text: str) -> None:
    report = a11_quarterly_import(actor=None, text=text)
    assert report.rejected and report.errors[0].row == 0
    assert nothing_stored()


@needs_file
def test_command_imports_and_dry_run_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], government_importer: User
) -> None:
    header, rows = small_file()
    path = tmp_path / "a11.csv"
    path.write_text(as_csv(header, rows), encoding="utf-8")
    call_command(
        "import_a11_quarterly",
        str(path),
        "--format",
        "performance-gov",
        "--as",
        government_importer.email,
        "--dry-run",
    )
    assert "quarters: 3 created" in capsys.readouterr().out
    assert nothing_stored()
    call_command(
        "import_a11_quarterly",
        str(path),
        "--format",
        "performance-gov",
        "--as",
        "IMPORTER@omb.example.gov",
    )
    assert "import finished" in capsys.readouterr().out
    assert ImportedQuarter.objects.count() == 3
    assert Service.objects.filter(is_hisp=True).exists()


def test_command_refuses_a_rejected_file(tmp_path: Path, government_importer: User) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="rejected"):
        call_command(
            "import_a11_quarterly",
            str(path),
            "--format",
            "performance-gov",
            "--as",
            government_importer.email,
        )


def test_command_refuses_an_agency_role_without_the_site_wide_grant(
    tmp_path: Path, agency_a: Agency
) -> None:
    oversight = User.objects.create_user("oversight@alpha.example.gov", "pw-9f3k2m1x")
    Membership.objects.create(user=oversight, agency=agency_a, role=Role.OVERSIGHT)
    Membership.objects.create(user=oversight, agency=agency_a, role=Role.AGENCY_ADMIN)
    path = tmp_path / "a11.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="may not import government data"):
        call_command(
            "import_a11_quarterly",
            str(path),
            "--format",
            "performance-gov",
            "--as",
            oversight.email,
        )
    assert list(Agency.objects.all()) == [agency_a]
    assert not ImportedQuarter.objects.exists()


@needs_file
def test_report_renders_in_the_shared_import_report_block() -> None:
    from django.template.loader import render_to_string

    header, rows = small_file()
    rows[1]["attributes_q2_5"] = "-3"
    report = a11_quarterly_import(actor=None, text=as_csv(header, rows))
    with translation.override("en"):
        html = render_to_string("includes/import_report.html", {"report": report})
    assert "Nothing was imported" in html
    assert "Survey quarters" in html
    assert "attributes_q2_5" in html and "<td>3</td>" in html
