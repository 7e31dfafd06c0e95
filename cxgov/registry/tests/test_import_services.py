"""Importing service inventories: Canada's SI, a GSA Touchpoints export and our cxgov CSV.

The Canada file is the real one CI keeps beside the repository, at ../shared/data/canada/.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency, AuditEvent
from cxgov.registry.importers import (
    CXGOV_COLUMNS,
    FORMATS,
    hours_format,
    hours_parse,
    services_import,
)
from cxgov.registry.models import Channel, ChannelKind, CustomerSegment, Service, ServiceStatus
from cxgov.registry.services import (
    channel_create,
    channel_hours_set,
    segment_create,
    service_create,
)
from cxgov.testing.data import REPOSITORY, shared_path

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
TOUCHPOINTS = DATA / "touchpoints_services.csv"
CXGOV = DATA / "services_cxgov.csv"

# (channel kind, applications column, enquiries or visits column) as the importer maps them.
CANADA_VOLUMES = [
    ("phone", "num_applications_by_phone", "num_phone_enquiries"),
    ("website", "num_applications_online", "num_website_visits"),
    ("in_person", "num_applications_in_person", None),
    ("postal_mail", "num_applications_by_mail", None),
    ("email", "num_applications_by_email", None),
    ("fax", "num_applications_by_fax", None),
    ("other", "num_applications_by_other", None),
]


def run(*args: object) -> str:
    """Run the command and return what it printed."""
    out = io.StringIO()
    call_command("import_services", *(str(arg) for arg in args), stdout=out)
    return out.getvalue()


def run_rejected(*args: object) -> str:
    """Run the command expecting it to refuse the file; return what it printed."""
    out = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_services", *(str(arg) for arg in args), stdout=out)
    return out.getvalue()


def canada_si() -> Path:
    return shared_path("canada/si_2024_two_departments.csv")


def canada_table() -> tuple[list[str], list[list[str]]]:
    with canada_si().open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def canada_dicts() -> list[dict[str, str]]:
    with canada_si().open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def numeric_sum(rows: list[dict[str, str]], column: str) -> int:
    return sum(int(row[column]) for row in rows if row[column].strip().isdigit())


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def corrupted_canada(tmp_path: Path, **cells: str) -> tuple[Path, dict[int, str]]:
    """A copy of the Canada file with cells changed, by data-row index: {index: value}.

    Returns the file and the spreadsheet row number of each changed row.
    """
    header, rows = canada_table()
    column = header.index("num_phone_enquiries")
    numbers = {}
    for key, value in cells.items():
        index = int(key.removeprefix("row"))
        rows[index][column] = value
        numbers[index + 2] = value  # the header is row 1
    return write_csv(tmp_path / "si.csv", header, rows), numbers


def cxgov_file(*rows: dict[str, str], columns: tuple[str, ...] = CXGOV_COLUMNS) -> io.StringIO:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    buffer.seek(0)
    return buffer


def counts() -> tuple[int, ...]:
    return (
        Agency.objects.count(),
        Service.objects.count(),
        Channel.objects.count(),
        CustomerSegment.objects.count(),
        AuditEvent.objects.count(),
    )


# --- Canada's Service Inventory ------------------------------------------------------------


def test_canada_import_creates_two_agencies_and_one_service_per_row():
    out = run(canada_si(), "--format", "canada-si", "--create-agencies")

    rows = canada_dicts()
    assert len(rows) == 83
    assert "agencies: 2 created, 0 updated, 0 unchanged" in out
    assert "services: 83 created, 0 updated, 0 unchanged" in out
    assert "rows rejected: 0" in out
    services = Service.objects.filter(source="canada-si")
    assert sorted(services.values_list("source_id", flat=True)) == sorted(
        row["service_id"] for row in rows
    )
    assert set(services.values_list("status", flat=True)) == {ServiceStatus.PUBLISHED}
    agencies = {a.slug: a for a in Agency.objects.all()}
    assert set(agencies) == {"aafc-aac", "cra-arc"}
    assert agencies["cra-arc"].name == "Canada Revenue Agency"
    assert agencies["cra-arc"].source == "canada-si"
    assert agencies["cra-arc"].source_id == "cra-arc"
    per_agency = Counter(services.values_list("agency__slug", flat=True))
    assert per_agency == Counter(row["owner_org"] for row in rows)


def test_canada_channel_volumes_add_up_to_the_file_totals():
    run(canada_si(), "--format", "canada-si", "--create-agencies")

    rows = canada_dicts()
    for kind, volume_column, enquiries_column in CANADA_VOLUMES:
        channels = Channel.objects.filter(kind=kind, service__source="canada-si")
        totals = channels.aggregate(volume=Sum("annual_volume"), enquiries=Sum("annual_enquiries"))
        assert (totals["volume"] or 0) == numeric_sum(rows, volume_column), volume_column
        columns = [volume_column]
        if enquiries_column:
            columns.append(enquiries_column)
            assert (totals["enquiries"] or 0) == numeric_sum(rows, enquiries_column)
        with_numbers = [r for r in rows if any(r[c].strip().isdigit() for c in columns)]
        assert channels.count() == len(with_numbers), kind


def test_canada_channel_is_absent_where_the_file_says_na():
    run(canada_si(), "--format", "canada-si", "--create-agencies")

    for row in canada_dicts():
        kinds = set(
            Channel.objects.filter(service__source_id=row["service_id"]).values_list(
                "kind", flat=True
            )
        )
        assert ("in_person" in kinds) == row["num_applications_in_person"].isdigit()


def test_canada_client_groups_become_segments_linked_to_each_service():
    run(canada_si(), "--format", "canada-si", "--create-agencies")

    rows = canada_dicts()
    for row in rows:
        service = Service.objects.get(source="canada-si", source_id=row["service_id"])
        codes = set(row["client_target_groups"].split(","))
        assert set(service.segments.values_list("source_id", flat=True)) == codes
        assert set(service.segments.values_list("agency__slug", flat=True)) == {row["owner_org"]}
    expected = {
        (row["owner_org"], c) for row in rows for c in row["client_target_groups"].split(",")
    }
    assert set(CustomerSegment.objects.values_list("agency__slug", "source_id")) == expected
    persons = CustomerSegment.objects.filter(source_id="PERSON").first()
    assert persons is not None
    assert (persons.name, persons.name_es) == ("Persons", "Personas")


def test_canada_details_keep_online_interaction_points_and_program():
    run(canada_si(), "--format", "canada-si", "--create-agencies")

    row = canada_dicts()[0]
    service = Service.objects.get(source_id=row["service_id"])
    points = service.details["online_interaction_points"]
    assert points["os_application"] == row["os_application"]
    assert set(points) == {
        "os_account_registration",
        "os_authentication",
        "os_application",
        "os_decision",
        "os_issuance",
        "os_issue_resolution_feedback",
    }
    assert service.details["fiscal_yr"] == "2023-2024"
    assert service.details["program_name_en"] == row["program_name_en"]
    assert service.details["service_uri_en"] == row["service_uri_en"]
    assert service.name == row["service_name_en"]
    assert service.kind  # the service_type labels, e.g. "Grants and Contributions; Resources"


def test_canada_reimport_changes_nothing():
    run(canada_si(), "--format", "canada-si", "--create-agencies")
    before = counts()

    out = run(canada_si(), "--format", "canada-si", "--create-agencies")

    assert counts() == before  # no new records and no new audit events
    assert "agencies: 0 created, 0 updated, 2 unchanged" in out
    assert "services: 0 created, 0 updated, 83 unchanged" in out
    assert f"channels: 0 created, 0 updated, {Channel.objects.count()} unchanged" in out
    assert "segments: 0 created, 0 updated, 8 unchanged" in out


def test_canada_corrupted_row_rejects_the_file_naming_row_and_column(tmp_path):
    path, numbers = corrupted_canada(tmp_path, row16="lots")
    (number,) = numbers

    out = run_rejected(path, "--format", "canada-si", "--create-agencies")

    assert f'row {number}, column num_phone_enquiries: "lots" is not a whole number' in out
    assert "rows rejected: 1" in out
    assert counts() == (0, 0, 0, 0, 0)


def test_canada_row_numbers_count_spreadsheet_rows_not_lines(tmp_path):
    # The first data row has a description with line breaks; row 3 is still row 3.
    path, _numbers = corrupted_canada(tmp_path, row1="12x")
    assert "\n" in canada_dicts()[0]["service_description_en"]

    out = run_rejected(path, "--format", "canada-si", "--create-agencies")

    assert 'row 3, column num_phone_enquiries: "12x" is not a whole number' in out


def test_dry_run_reports_the_counts_and_writes_nothing():
    out = run(canada_si(), "--format", "canada-si", "--create-agencies", "--dry-run")

    assert "services: 83 created, 0 updated, 0 unchanged" in out
    assert "dry run: nothing was written" in out
    assert counts() == (0, 0, 0, 0, 0)


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(tmp_path):
    path, numbers = corrupted_canada(tmp_path, row5="-3", row40="many")

    out = run(path, "--format", "canada-si", "--create-agencies", "--skip-invalid")

    assert "services: 81 created, 0 updated, 0 unchanged" in out
    assert "rows rejected: 2" in out
    first, second = sorted(numbers)
    assert f'row {first}, column num_phone_enquiries: "-3" is negative; it must be 0 or more' in out
    assert f'row {second}, column num_phone_enquiries: "many" is not a whole number' in out
    assert Service.objects.count() == 81


def test_missing_create_agencies_names_the_agency_and_writes_nothing():
    out = run_rejected(canada_si(), "--format", "canada-si")

    assert 'the agency "cra-arc" (Canada Revenue Agency) does not exist' in out
    assert "--create-agencies" in out
    assert counts() == (0, 0, 0, 0, 0)


def test_agency_option_puts_every_row_in_that_agency(agency_a):
    out = run(canada_si(), "--format", "canada-si", "--agency", agency_a.slug)

    assert "agencies: 0 created, 0 updated, 0 unchanged" in out
    assert "services: 83 created" in out
    assert Agency.objects.count() == 1
    assert agency_a.services.count() == 83
    assert set(CustomerSegment.objects.values_list("agency", flat=True)) == {agency_a.pk}


def test_agency_option_with_an_unknown_slug_is_a_clean_error():
    with pytest.raises(CommandError, match='no agency has the short name "nowhere"'):
        call_command(
            "import_services", str(canada_si()), "--format", "canada-si", "--agency", "nowhere"
        )


def test_duplicate_service_id_in_one_fiscal_year_is_rejected_naming_the_first_row(tmp_path):
    header, rows = canada_table()
    path = write_csv(tmp_path / "twice.csv", header, [rows[0], rows[1], rows[0]])

    out = run_rejected(path, "--format", "canada-si", "--create-agencies")

    service_id = rows[0][header.index("service_id")]
    assert f'row 4, column service_id: "{service_id}" is already on row 2' in out
    assert "same fiscal year" in out


def test_several_fiscal_years_keep_the_latest_on_the_service_and_every_year_as_history(
    tmp_path,
):
    header, rows = canada_table()
    year, phone = header.index("fiscal_yr"), header.index("num_phone_enquiries")
    name = header.index("service_name_en")
    latest = next(r for r in rows if r[phone].isdigit())
    older = list(latest)
    older[year], older[phone], older[name] = "2022-2023", "7", "An older name"
    path = write_csv(tmp_path / "years.csv", header, [older, latest, rows[1]])

    out = run(path, "--format", "canada-si", "--create-agencies")

    assert "rows rejected: 0" in out
    service = Service.objects.get(source_id=latest[header.index("service_id")])
    assert service.name == latest[name]
    assert service.details["fiscal_yr"] == latest[year]
    phone_channel = service.channels.get(kind=ChannelKind.PHONE)
    assert phone_channel.annual_enquiries == int(latest[phone])
    history = dict(phone_channel.volumes.values_list("fiscal_year", "annual_enquiries"))
    assert history == {"2022-2023": 7, latest[year]: int(latest[phone])}


def test_import_writes_an_audit_event_for_every_write():
    run(canada_si(), "--format", "canada-si", "--create-agencies")

    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["agency.create"] == 2
    assert actions["service.create"] == 83
    assert actions["segment.create"] == CustomerSegment.objects.count() == 8
    assert actions["channel.create"] == Channel.objects.count()
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) == {"system"}


@pytest.mark.parametrize("skip", [False, True])
def test_database_refusal_becomes_a_row_error(tmp_path, agency_a, skip):
    # Renaming the imported "PERSON" segment to its label would clash with another segment.
    segment_create(actor=None, agency=agency_a, name="People", source_id="PERSON")
    segment_create(actor=None, agency=agency_a, name="Persons")
    header, rows = canada_table()
    groups = header.index("client_target_groups")
    with_person = next(r for r in rows if "PERSON" in r[groups].split(","))
    without = next(r for r in rows if "PERSON" not in r[groups].split(","))
    path = write_csv(tmp_path / "si.csv", header, [with_person, without])
    before = counts()

    report = services_import(
        actor=None, file=path, format="canada-si", agency=agency_a, keep_valid=skip
    )

    (error,) = report.errors
    assert error.row == 2
    assert "already exists" in error.reason
    assert report.rejected is not skip
    assert report.applied is skip
    assert Service.objects.count() == (1 if skip else 0)
    if not skip:
        assert counts() == before
        assert report.services.created == 0


# --- GSA Touchpoints -----------------------------------------------------------------------


def test_touchpoints_export_imports_agencies_services_and_channels():
    out = run(TOUCHPOINTS, "--format", "touchpoints", "--create-agencies")

    assert "agencies: 3 created" in out
    assert "services: 5 created" in out
    va = Agency.objects.get(slug="va")
    assert (va.name, va.abbreviation, va.source, va.source_id) == (
        "Department of Veterans Affairs",
        "VA",
        "touchpoints",
        "2129",
    )
    outpatient = Service.objects.get(source="touchpoints", source_id="2")
    assert outpatient.is_hisp
    assert not outpatient.designated_for_improvement
    assert outpatient.status == ServiceStatus.PUBLISHED
    assert outpatient.details["service_provider_slug"] == "va-vha"
    assert list(outpatient.channels.values_list("kind", flat=True)) == [
        "in_person",
        "phone",
        "computer",
    ]
    computer = outpatient.channels.get(kind="computer")
    assert computer.url == "https://www.va.gov/health-care/"
    assert computer.source_id == "touchpoints:2:computer"
    retirement = Service.objects.get(source_id="14")
    assert retirement.designated_for_improvement
    assert retirement.kind == "benefits, administrative"
    assert set(retirement.channels.values_list("kind", flat=True)) == {
        "phone",
        "computer",
        "in_person",
    }


def test_touchpoints_empty_channels_fall_back_to_the_available_flags():
    run(TOUCHPOINTS, "--format", "touchpoints", "--create-agencies")

    card = Service.objects.get(source="touchpoints", source_id="27")
    assert list(card.channels.values_list("kind", flat=True)) == ["in_person", "website"]
    assert card.channels.get(kind="website").url == "https://www.ssa.gov/number-card"


def test_touchpoints_unknown_channel_becomes_other_keeping_its_name():
    run(TOUCHPOINTS, "--format", "touchpoints", "--create-agencies")

    loans = Service.objects.get(source="touchpoints", source_id="31")
    other = loans.channels.get(kind=ChannelKind.OTHER)
    assert other.name == "Drive-through window"


def test_touchpoints_archived_state_archives_the_service(tmp_path):
    run(TOUCHPOINTS, "--format", "touchpoints", "--create-agencies")
    assert Service.objects.get(source_id="45").status == ServiceStatus.ARCHIVED

    text = TOUCHPOINTS.read_text(encoding="utf-8").replace("\n2,published,", "\n2,archived,")
    (tmp_path / "tp.csv").write_text(text, encoding="utf-8")
    out = run(tmp_path / "tp.csv", "--format", "touchpoints", "--create-agencies")

    assert "services: 0 created, 1 updated, 4 unchanged" in out
    assert Service.objects.get(source_id="2").status == ServiceStatus.ARCHIVED
    assert AuditEvent.objects.filter(action="service.archived").count() == 1


def test_touchpoints_reimport_changes_nothing():
    run(TOUCHPOINTS, "--format", "touchpoints", "--create-agencies")
    before = counts()

    out = run(TOUCHPOINTS, "--format", "touchpoints", "--create-agencies")

    assert counts() == before
    assert "agencies: 0 created, 0 updated, 3 unchanged" in out
    assert "channels: 0 created, 0 updated, 11 unchanged" in out


# --- the cxgov format ----------------------------------------------------------------------


def test_cxgov_file_imports_services_channels_hours_and_segments():
    out = run(CXGOV, "--format", "cxgov", "--create-agencies")

    assert "agencies: 1 created" in out
    assert "services: 2 created" in out
    assert "channels: 3 created" in out
    assert "segments: 2 created" in out
    agency = Agency.objects.get(slug="example-benefits")
    assert agency.name == "Example Benefits Administration"
    service = agency.services.get(source_id="EB-001")
    assert service.source == "cxgov"
    assert (service.name_es, service.is_hisp, service.designated_for_improvement) == (
        "Solicitar beneficios por discapacidad",
        True,
        True,
    )
    assert service.estimated_annual_customers == 250000
    assert service.status == ServiceStatus.PUBLISHED
    assert set(service.segments.values_list("name", flat=True)) == {
        "Veterans",
        "People with disabilities",
    }
    phone = service.channels.get(kind="phone")
    assert (phone.phone, phone.tty, phone.languages) == ("1-800-555-0100", "711", ["en", "es"])
    assert (phone.annual_volume, phone.annual_enquiries) == (120000, 480000)
    assert str(phone.cost_per_transaction) == "12.50"
    hours = list(phone.hours.values_list("weekday", "opens", "closes"))
    assert hours == [(day, time(8), time(19)) for day in range(5)] + [(5, time(9), time(12))]
    website = service.channels.get(kind="website")
    assert website.always_open
    assert website.is_digital  # blank channel_is_digital: from the kind
    office = service.channels.get(source_id="office-springfield")
    assert office.address == "100 Main St\nSpringfield, IL 62701"
    assert office.hours.count() == 6
    assert agency.services.get(source_id="EB-002").status == ServiceStatus.DRAFT


def test_cxgov_reimport_changes_nothing():
    run(CXGOV, "--format", "cxgov", "--create-agencies")
    before = counts()

    out = run(CXGOV, "--format", "cxgov", "--create-agencies")

    assert counts() == before
    assert "services: 0 created, 0 updated, 2 unchanged" in out
    assert "channels: 0 created, 0 updated, 3 unchanged" in out


def test_cxgov_changed_cells_update_the_records(agency_a):
    row = {
        "service_id": "A-1",
        "service_name": "Renew a permit",
        "channel_kind": "phone",
        "channel_hours": "Mon-Fri 09:00-17:00",
    }
    services_import(actor=None, file=cxgov_file(row), format="cxgov", agency=agency_a)

    changed = {**row, "service_name": "Renew your permit", "channel_hours": "Mon 09:00-12:00"}
    report = services_import(actor=None, file=cxgov_file(changed), format="cxgov", agency=agency_a)

    assert (report.services.updated, report.channels.updated) == (1, 1)
    service = agency_a.services.get(source_id="A-1")
    assert service.name == "Renew your permit"
    assert [str(h) for h in service.channels.get().hours.all()] == ["Monday 09:00-12:00"]
    assert AuditEvent.objects.filter(action="channel.hours").count() == 2


def test_cxgov_file_exported_without_ids_imports_back_onto_the_same_records(agency_a):
    # An export names services made on the site `cxgov-<id>` and writes no channel ids.
    service = service_create(actor=None, agency=agency_a, name="Get a fishing license")
    phone = channel_create(actor=None, service=service, kind="phone", name="Phone line")
    channel_hours_set(actor=None, channel=phone, weekly_hours={0: [(time(9), time(17))]})
    before = counts()
    row = {
        "agency_slug": agency_a.slug,
        "service_id": f"cxgov-{service.pk}",
        "service_name": "Get a fishing license",
        "status": "draft",
        "channel_kind": "phone",
        "channel_name": "Phone line",
        "channel_hours": "Mon 09:00-17:00",
        "channel_is_digital": "no",
        "channel_always_open": "no",
    }

    report = services_import(actor=None, file=cxgov_file(row), format="cxgov")

    assert report.applied
    assert (report.services.unchanged, report.channels.unchanged) == (1, 1)
    assert counts() == before


@pytest.mark.parametrize(
    ("hours", "reason"),
    [
        ("Mon-Fri 8am-5pm", '"8am-5pm" is not a time range like 08:00-17:00'),
        ("Mox 08:00-17:00", '"Mox" is not a day (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)'),
        ("Mon 08:00-08:00", "closes when it opens"),
        ("Fri 22:00-06:00, 23:00-23:30", "Fri has overlapping hours"),
        ("Mon 08:00-24:00", "use 23:59 for midnight"),
        ("Mon 08:00-12:00, 11:00-13:00", "Mon has overlapping hours"),
        ("08:00-17:00", "is not days and times like"),
        ("Tue 25:00-26:00", "25:00 is not a time of day"),
    ],
)
def test_cxgov_bad_hours_syntax_is_a_row_error(agency_a, hours, reason):
    row = {"service_id": "A-1", "service_name": "Renew", "channel_kind": "phone"}
    file = cxgov_file(row, {**row, "channel_kind": "email", "channel_hours": hours})

    report = services_import(actor=None, file=file, format="cxgov", agency=agency_a)

    assert report.rejected
    assert not report.applied
    (error, sibling) = sorted(report.errors, key=lambda e: e.row, reverse=True)
    assert (error.row, error.column) == (3, "channel_hours")
    assert reason in error.reason
    assert sibling.row == 2
    assert "not imported because row 3 of the same service has errors" in sibling.reason
    assert Service.objects.count() == 0


def test_cxgov_file_with_an_overnight_shift_imports(agency_a):
    row = {
        "service_id": "A-1",
        "service_name": "Crisis line",
        "channel_kind": "phone",
        "channel_hours": "Mon-Fri 08:00-17:00; Fri-Sat 22:00-06:00",
        "channel_languages": "en; es; asl",
    }

    report = services_import(actor=None, file=cxgov_file(row), format="cxgov", agency=agency_a)

    assert report.applied
    assert not report.errors
    channel = Channel.objects.get(service__agency=agency_a)
    assert channel.languages == ["en", "es", "asl"]
    assert list(
        channel.hours.filter(weekday__in=(4, 5)).values_list("weekday", "opens", "closes")
    ) == [
        (4, time(8), time(17)),
        (4, time(22), time(6)),
        (5, time(22), time(6)),
    ]


def test_cxgov_bad_hours_through_the_command_prints_row_and_column(tmp_path):
    header = ["agency_slug", "agency_name", "service_id", "service_name", "channel_kind"]
    path = write_csv(
        tmp_path / "s.csv",
        [*header, "channel_hours"],
        [["dmv", "Motor Vehicles", "R1", "Renew a license", "in_person", "Mon-Fri 9-5"]],
    )

    out = run_rejected(path, "--format", "cxgov", "--create-agencies")

    assert 'row 2, column channel_hours: "9-5" is not a time range like 08:00-17:00' in out
    assert counts() == (0, 0, 0, 0, 0)


def test_cxgov_row_contradicting_its_service_is_rejected(agency_a):
    row = {"service_id": "A-1", "service_name": "Renew", "channel_kind": "phone"}
    other = {**row, "service_name": "Replace", "channel_kind": "email"}

    report = services_import(
        actor=None, file=cxgov_file(row, other), format="cxgov", agency=agency_a
    )

    assert report.rejected
    assert any(
        (e.row, e.column) == (3, "service_name") and "differs from row 2" in e.reason
        for e in report.errors
    )


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("estimated_annual_customers", "12x", '"12x" is not a whole number'),
        ("estimated_annual_customers", "99999999999999999999", "is too large"),
        ("hisp", "maybe", '"maybe" is not yes or no'),
        ("status", "live", '"live" is not draft, published or archived'),
        ("channel_kind", "pigeon", '"pigeon" is not a kind of channel'),
        ("channel_url", "benefits.example.gov", "is not a web address"),
        ("channel_cost_per_transaction", "1.234", "has more than 2 decimal places"),
        ("channel_languages", "english", '"english" is not a language code'),
        ("channel_languages", "en; xx", '"xx" is not a language code'),
        ("channel_phone", "5" * 41, "is too long: 41 characters, at most 40"),
    ],
)
def test_cxgov_bad_cells_are_row_errors_naming_the_column(agency_a, column, value, reason):
    row = {"service_id": "A-1", "service_name": "Renew", "channel_kind": "phone", column: value}

    report = services_import(actor=None, file=cxgov_file(row), format="cxgov", agency=agency_a)

    assert report.rejected
    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert reason in report.errors[0].reason
    assert Service.objects.count() == 0


def test_cxgov_columns_are_all_documented():
    doc = (REPOSITORY / "docs" / "formats" / "services-cxgov.md").read_text(encoding="utf-8")
    assert [column for column in CXGOV_COLUMNS if f"`{column}`" not in doc] == []


def test_cxgov_unknown_agency_without_create_agencies_is_an_error_naming_it():
    row = {"agency_slug": "nowhere", "service_id": "1", "service_name": "Renew"}

    report = services_import(actor=None, file=cxgov_file(row), format="cxgov")

    assert [(e.row, e.column) for e in report.errors] == [(2, "agency_slug")]
    assert '"nowhere" does not exist' in report.errors[0].reason


def test_cxgov_new_agency_needs_a_name():
    row = {"agency_slug": "nowhere", "service_id": "1", "service_name": "Renew"}

    report = services_import(actor=None, file=cxgov_file(row), format="cxgov", create_agencies=True)

    assert [(e.row, e.column) for e in report.errors] == [(2, "agency_name")]
    assert Agency.objects.count() == 0


# --- opening hours syntax ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("Mon 09:00-17:00", {0: [(time(9), time(17))]}),
        ("Sat-Sun 10:00-14:00", {5: [(time(10), time(14))], 6: [(time(10), time(14))]}),
        ("Fri-Mon 8:00-9:30", {d: [(time(8), time(9, 30))] for d in (4, 5, 6, 0)}),
        (
            "monday, Wednesday 08:00-12:00, 13:00-17:00",
            {d: [(time(8), time(12)), (time(13), time(17))] for d in (0, 2)},
        ),
        (
            "Mon-Fri 08:00-17:00; Sat 09:00-12:00;",
            {
                **{d: [(time(8), time(17))] for d in range(5)},
                5: [(time(9), time(12))],
            },
        ),
    ],
)
def test_hours_parse_reads_the_documented_syntax(text, expected):
    assert hours_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri 22:00-06:00", {4: [(time(22), time(6))]}),
        ("Mon 06:00-12:00, 22:00-02:00", {0: [(time(6), time(12)), (time(22), time(2))]}),
    ],
)
def test_hours_parse_reads_overnight_shifts_as_the_staff_form_does(text, expected):
    assert hours_parse(text) == expected


_interval = st.tuples(st.integers(0, 23 * 60 + 58), st.integers(1, 120)).map(
    lambda pair: (
        time(*divmod(pair[0], 60)),
        time(*divmod(min(pair[0] + pair[1], 23 * 60 + 59), 60)),
    )
)


@settings(max_examples=50)
@given(st.dictionaries(st.integers(0, 6), st.lists(_interval, min_size=1, max_size=3)))
def test_hours_format_reads_back_as_the_same_hours(weekly):
    # Overlapping intervals are refused by the parser, so keep only disjoint ones.
    disjoint = {}
    for day, intervals in weekly.items():
        kept: list[tuple[time, time]] = []
        for opens, closes in sorted(intervals):
            if not kept or opens >= kept[-1][1]:
                kept.append((opens, closes))
        disjoint[day] = kept

    assert hours_parse(hours_format(disjoint)) == disjoint


def test_long_free_text_is_a_warning_and_kept_in_full(agency_a):
    long_name = "x" * 301
    row = {"service_id": "A-1", "service_name": long_name, "channel_kind": "phone"}

    report = services_import(actor=None, file=cxgov_file(row), format="cxgov", agency=agency_a)

    assert report.applied and not report.errors
    assert [(w.row, w.column) for w in report.warnings] == [(2, "service_name")]
    service = Service.objects.get(source_id="A-1")
    assert service.details["full_text"]["service_name"] == long_name


@pytest.mark.parametrize(
    "data",
    [
        "service_id,service_name\nA,Caf\xe9\n".encode("latin-1"),
        "service_id,service_name\nA,Caf\xe9\n".encode("utf-16"),
        b"service_id;service_name\r\nA;Caf\xc3\xa9\r\n",
        b"service_id\tservice_name\nA\tCaf\xc3\xa9\n",
    ],
)
def test_other_encodings_and_delimiters_import(agency_a, data):
    report = services_import(actor=None, file=io.BytesIO(data), format="cxgov", agency=agency_a)

    assert report.applied, report.errors
    assert Service.objects.get(source_id="A").name == "Caf\xe9"


# --- files that are not what they should be ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty"),
        (b"  \r\n", "The file is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        ("service_id,service_name\n".encode("utf-16"), "header but no data rows"),
        (b"service_id,service_name\n", "header but no data rows"),
        (b"name,description\nA,B\n", "missing required columns: service_id, service_name"),
        (b"service_id,service_name\nA,B\x00\n", "NUL characters"),
        (b'service_id,service_name\nA,B\n"C,D\n', 'row 3 or after it is never closed (a " is'),
        (b'service_id,service_name\n"A"B,C\n', "a closing quote is followed by more text"),
        (b"service_id,service_name,service_id\nA,B,C\n", "appears more than once"),
    ],
)
def test_bad_files_are_rejected_with_a_plain_reason(agency_a, data, reason):
    report = services_import(actor=None, file=io.BytesIO(data), format="cxgov", agency=agency_a)

    assert report.rejected
    assert not report.applied
    assert [error.row for error in report.errors] == [0]
    assert reason in report.errors[0].reason
    assert Service.objects.count() == 0


def test_missing_columns_are_all_named():
    report = services_import(actor=None, file=io.StringIO("fiscal_yr\n2024\n"), format="canada-si")

    assert report.errors[0].reason.startswith(
        "The file is missing required columns: "
        "service_id, service_name_en, owner_org, owner_org_title"
    )


def test_unknown_format_is_a_file_error():
    report = services_import(actor=None, file=io.StringIO("a\n1\n"), format="excel")

    assert report.rejected
    assert '"excel" is not a format' in report.errors[0].reason


def test_missing_file_is_a_clean_command_error(tmp_path):
    out = run_rejected(tmp_path / "nope.csv", "--format", "cxgov")

    assert "file: The file cannot be read (No such file or directory)." in out


def test_file_with_byte_order_mark_and_extra_blank_lines_imports(agency_a):
    data = "\ufeffservice_id,service_name\r\nA-1,Renew a permit\r\n\r\n,\r\n".encode()

    report = services_import(actor=None, file=io.BytesIO(data), format="cxgov", agency=agency_a)

    assert report.applied
    assert report.rows_read == 1
    assert agency_a.services.get().name == "Renew a permit"


def test_uploaded_file_imports_with_the_staff_member_as_actor(admin_a, agency_a):
    upload = SimpleUploadedFile("services.csv", CXGOV.read_bytes(), content_type="text/csv")
    upload.read()  # as a form check might have done

    report = services_import(actor=admin_a, file=upload, format="cxgov", agency=agency_a)

    assert report.applied
    assert agency_a.services.count() == 2
    creates = AuditEvent.objects.filter(action="service.create")
    assert set(creates.values_list("actor", flat=True)) == {admin_a.pk}
    assert set(creates.values_list("agency", flat=True)) == {agency_a.pk}


# --- hostile input -------------------------------------------------------------------------

HOSTILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _import_in_savepoint(**kwargs: object) -> None:
    """Import, check the report's promises, then undo, so examples do not see each other."""
    with transaction.atomic():
        before = counts()
        report = services_import(actor=None, **kwargs)  # type: ignore[arg-type]
        event("applied" if report.applied else "rejected" if report.rejected else "dry run")
        assert report.rows_rejected <= report.rows_read
        if not report.applied:
            assert counts() == before
        if report.rejected:
            assert report.errors
            assert not report.applied
        else:
            assert Service.objects.count() == before[1] + report.services.created
        for error in report.errors:
            assert error.reason
            assert str(error).startswith(("row ", "file"))
        transaction.set_rollback(True)


@HOSTILE
@given(data=st.binary(max_size=400), fmt=st.sampled_from(FORMATS))
def test_random_bytes_never_raise(data, fmt):
    _import_in_savepoint(file=io.BytesIO(data), format=fmt, create_agencies=True)


@HOSTILE
@given(text=st.text(max_size=400), fmt=st.sampled_from(FORMATS))
def test_random_text_never_raises(text, fmt):
    _import_in_savepoint(file=io.StringIO(text), format=fmt, create_agencies=True)


_COLUMNS = {
    "cxgov": list(CXGOV_COLUMNS),
    "touchpoints": [
        "id",
        "name",
        "description",
        "organization_id",
        "organization_abbreviation",
        "organization_name",
        "hisp",
        "kind",
        "channels",
        "available_in_person",
        "available_digitally",
        "available_via_phone",
        "url",
        "designated_for_improvement_a11_280",
        "aasm_state",
    ],
    "canada-si": [
        "service_id",
        "service_name_en",
        "owner_org",
        "owner_org_title",
        "service_type",
        "client_target_groups",
        "os_application",
        "service_fee",
        "service_uri_en",
        *(column for _kind, v, e in CANADA_VOLUMES for column in (v, e) if column),
    ],
}
_CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "1",
            "0",
            "NA",
            "ND",
            "12x",
            "-4",
            "yes",
            "Y",
            "true",
            "phone",
            "in_person",
            '["phone", "fax"]',
            "PERSON,NGO",
            "GNC,RES",
            "Mon-Fri 08:00-17:00",
            "Mon 25:00-26:00",
            "https://example.gov",
            "alpha",
            "Agency X | Agence X",
            "archived",
            "published",
            "x" * 320,
            "en; es",
        ]
    ),
    st.text(max_size=20),
)


_REQUIRED = {
    "cxgov": ["agency_slug", "service_id", "service_name"],
    "touchpoints": ["id", "name", "organization_id", "organization_name"],
    "canada-si": ["service_id", "service_name_en", "owner_org", "owner_org_title"],
}


@HOSTILE
@given(data=st.data(), fmt=st.sampled_from(FORMATS), skip=st.booleans())
def test_random_cells_never_raise_and_rejected_files_write_nothing(agency_a, data, fmt, skip):
    # The required columns are always there, so that many examples get past the header.
    others = [column for column in _COLUMNS[fmt] if column not in _REQUIRED[fmt]]
    extra = data.draw(st.lists(st.sampled_from(others), unique=True), label="extra columns")
    columns = data.draw(st.permutations(_REQUIRED[fmt] + extra), label="columns")
    rows = data.draw(
        st.lists(st.lists(_CELL, min_size=len(columns), max_size=len(columns)), max_size=4),
        label="rows",
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    target = data.draw(st.sampled_from([None, agency_a]), label="agency")

    _import_in_savepoint(
        file=io.BytesIO(buffer.getvalue().encode()),
        format=fmt,
        agency=target,
        create_agencies=True,
        keep_valid=skip,
    )
