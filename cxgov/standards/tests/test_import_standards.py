"""Canada's service standards file, and the oversight indicators computed from it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cxgov.standards.models import ReportedResult, Standard
from cxgov.testing.data import SHARED_DATA, shared_path

CANADA = SHARED_DATA / "canada"


def _load_canada() -> None:
    call_command(
        "import_services",
        str(shared_path("canada/si_2024_two_departments.csv")),
        "--format",
        "canada-si",
        "--create-agencies",
        stdout=io.StringIO(),
    )
    call_command(
        "import_standards",
        str(shared_path("canada/ss_2024_two_departments.csv")),
        "--format",
        "canada-ss",
        stdout=io.StringIO(),
    )


@pytest.mark.django_db
def test_canada_share_of_standards_met_matches_a_direct_count() -> None:
    _load_canada()
    out = io.StringIO()
    call_command("standards_indicators", "--format", "csv", stdout=out)
    printed = {row["agency"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    frame = pd.read_csv(shared_path("canada/ss_2024_two_departments.csv"), dtype=str)
    for department, rows in frame.groupby("owner_org"):
        judged = rows["target_met"].isin(["Y", "N"]).sum()
        expected = (rows["target_met"] == "Y").sum() / judged
        assert float(printed[department]["share_standards_met"]) == pytest.approx(
            expected, abs=1e-4
        )
        assert int(printed[department]["standards_judged"]) == judged


@pytest.mark.django_db
def test_canada_standards_match_services_by_inventory_id() -> None:
    _load_canada()
    frame = pd.read_csv(shared_path("canada/ss_2024_two_departments.csv"), dtype=str)
    assert Standard.objects.count() == len(frame)
    standard = Standard.objects.get(source_id="3261")
    assert standard.service.source == "canada-si"
    assert standard.service.source_id == "2224"
    assert standard.channel_code == "TEL"


@pytest.mark.django_db
def test_reimporting_canada_changes_nothing() -> None:
    _load_canada()
    _load_canada()
    frame = pd.read_csv(shared_path("canada/ss_2024_two_departments.csv"), dtype=str)
    assert Standard.objects.count() == len(frame)
    assert ReportedResult.objects.count() == len(frame)


@pytest.mark.django_db
def test_standards_without_their_services_are_rejected_whole(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command(
            "import_standards",
            str(shared_path("canada/ss_2024_two_departments.csv")),
            "--format",
            "canada-ss",
            "--create-agencies",
            stdout=io.StringIO(),
        )
    assert Standard.objects.count() == 0


@pytest.mark.django_db
def test_bad_rows_name_row_column_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "ss.csv"
    path.write_text(
        "fiscal_yr,service_id,service_standard_id,service_standard_en,type,channel,target,"
        "volume_meeting_target,total_volume,target_met,owner_org,owner_org_title\n"
        "2023-24,1,9,Answer fast,ZZZ,TEL,2.5,10,5,maybe,x,X\n"
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_standards", str(path), "--format", "canada-ss", stdout=out)
    text = out.getvalue()
    assert "row 2, column fiscal_yr" in text
    assert "row 2, column type" in text
    assert "row 2, column target" in text
    assert "row 2, column volume_meeting_target: is more than total_volume" in text
    assert "row 2, column target_met" in text
