"""Open data: the performance.gov-shaped A-11 feed, the DCAT-US 1.1 catalogue, the dictionaries."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import jsonschema
import pandas as pd
import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.a11 import services as a11
from cxgov.a11.formats import PERFORMANCE_GOV_COLUMNS
from cxgov.a11.importers_performance_gov import a11_quarterly_import
from cxgov.a11.tests.factories import PERIOD
from cxgov.complaints.exports import COLUMNS as COMPLAINT_COLUMNS
from cxgov.core.models import Agency
from cxgov.public.open_data import (
    DATASETS,
    a11_quarterly_fields,
    complaints_fields,
    performance_fields,
    standards_fields,
)
from cxgov.public.tests.dcat_us import CATALOG_SCHEMA
from cxgov.registry.models import Service
from cxgov.reports.performance_feed import PERFORMANCE_COLUMNS
from cxgov.standards.selectors import FEED_COLUMNS as STANDARD_COLUMNS
from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    survey_create,
    survey_publish,
)
from cxgov.testing.data import SHARED_DATA, needs_shared
from cxgov.testing.factories import ServiceFactory, cleared

pytestmark = pytest.mark.django_db

FILE = "performance_gov/hisp_cx_quarterly_fy2021.csv"
needs_file = needs_shared(FILE)
COUNTS = [f"attributes_q{s}_{k}" for s in range(1, 12) for k in range(1, 6)]
SCALES = [f"attributes_q{s}_point_scale" for s in range(1, 12)]
VOLUMES = [
    "attributes_volume_of_customers",
    "attributes_volume_of_customers_provided_survey_opportunity",
    "attributes_volume_of_respondents",
]


def _file_text() -> str:
    return (SHARED_DATA / FILE).read_text(encoding="utf-8-sig")


def _imported() -> pd.DataFrame:
    text = _file_text()
    report = a11_quarterly_import(actor=None, text=text)
    assert report.applied and not report.errors
    return pd.read_csv(io.StringIO(text), dtype={"id": str}).set_index("id").sort_index()


def _feed_csv(client: Client, query: str = "") -> pd.DataFrame:
    response = client.get("/data/a11/quarterly.csv" + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return pd.read_csv(io.BytesIO(response.content), dtype={"id": str})


def _feed_json(client: Client, query: str = "") -> pd.DataFrame:
    response = client.get("/data/a11/quarterly.json" + query)
    assert response.status_code == 200
    return pd.json_normalize(response.json()["data"], sep="_")


# --- the performance.gov-shaped feed ---------------------------------------------------------


@needs_file
def test_performance_gov_feed_read_by_pandas_equals_the_imported_fy2021_file_row_for_row(
    client: Client,
) -> None:
    published = _imported()
    feed = _feed_csv(client)
    assert tuple(feed.columns) == PERFORMANCE_GOV_COLUMNS
    feed = feed.set_index("id").sort_index()
    assert list(feed.index) == list(published.index) and len(feed) == 188
    # Every count and every published point scale, small cells included: already public.
    for column in COUNTS + SCALES + VOLUMES:
        pd.testing.assert_series_equal(feed[column], published[column], check_dtype=False)
    for column in ("type", "attributes_collection_year", "attributes_collection_quarter"):
        pd.testing.assert_series_equal(feed[column], published[column])

    # The JSON is the API's JSON:API document and flattens to the same columns and values.
    body = client.get("/data/a11/quarterly.json").json()
    record = body["data"][0]
    assert set(record) == {"id", "type", "attributes", "service_desc", "service_provider_desc"}
    assert record["type"] == "omb_cx_reporting_collections"
    assert isinstance(record["attributes"]["q1_1"], int)
    flat = pd.json_normalize(body["data"], sep="_")
    assert sorted(flat.columns) == sorted(PERFORMANCE_GOV_COLUMNS)
    flat = flat.set_index("id").sort_index()
    for column in COUNTS + SCALES:
        values = flat[column].astype("float64")  # null (withheld or unpublished) reads as NaN
        pd.testing.assert_series_equal(values, published[column], check_dtype=False)


def _first_rows(count: int) -> str:
    text = _file_text()
    return "".join(text.splitlines(keepends=True)[: count + 1])


@needs_file
def test_csv_values_are_written_as_the_published_file_writes_them(client: Client) -> None:
    text = _first_rows(3)
    a11_quarterly_import(actor=None, text=text)
    theirs = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    response = client.get("/data/a11/quarterly.csv")
    assert response.content.decode().splitlines()[0] == ",".join(PERFORMANCE_GOV_COLUMNS)
    ours = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    ours, theirs = ours.set_index("id").sort_index(), theirs.set_index("id").sort_index()
    for column in [*COUNTS, *SCALES, *VOLUMES, "attributes_channel", "type"]:
        assert list(ours[column]) == list(theirs[column]), column
    assert ours.loc["1", "attributes_volume_of_customers"] == "9707552.0"
    assert ours.loc["1", "attributes_q1_point_scale"] == "4.7"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ours.loc["1", "attributes_created_at"]
    )


@needs_file
def test_filters_narrow_by_fiscal_year_quarter_and_agency(client: Client) -> None:
    text = _first_rows(30)
    a11_quarterly_import(actor=None, text=text)
    published = pd.read_csv(io.StringIO(text))
    q2 = _feed_csv(client, "?fiscal_year=2021&quarter=2")
    assert len(q2) == (published["attributes_collection_quarter"] == 2).sum() > 0
    assert set(q2["attributes_collection_quarter"]) == {2}
    va = _feed_json(client, "?agency=va")  # an abbreviation, in any case
    assert len(va) == (published["attributes_organization_abbreviation"] == "VA").sum() > 0
    slug = Agency.objects.get(abbreviation="VA").slug
    assert len(_feed_csv(client, f"?agency={slug}&quarter=2")) == len(
        published[
            (published["attributes_organization_abbreviation"] == "VA")
            & (published["attributes_collection_quarter"] == 2)
        ]
    )
    assert _feed_csv(client, "?fiscal_year=2020").empty


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?fiscal_year=twenty", "fiscal_year"),
        ("?fiscal_year=1999", "fiscal_year"),
        ("?quarter=5", "quarter"),
        ("?quarter=0", "quarter"),
        ("?agency=no-such-agency", "agency"),
        ("?agency=" + "x" * 61, "agency"),
    ],
)
def test_a_bad_filter_answers_400_naming_the_parameter(
    client: Client, query: str, parameter: str
) -> None:
    as_csv = client.get("/data/a11/quarterly.csv" + query)
    assert as_csv.status_code == 400
    assert as_csv.content.decode().startswith(f"{parameter}: ")
    as_json = client.get("/data/a11/quarterly.json" + query)
    assert as_json.status_code == 400
    (error,) = as_json.json()["errors"]
    assert error["source"] == {"parameter": parameter} and error["detail"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["fiscal_year", "quarter", "agency", "page"]),
    value=st.text(max_size=80),
)
def test_any_filter_value_answers_200_or_400_never_500(
    client: Client, name: str, value: str
) -> None:
    for fmt in ("csv", "json"):
        response = client.get(f"/data/a11/quarterly.{fmt}", {name: value})
        assert response.status_code in (200, 400)


# --- agency reports --------------------------------------------------------------------------


def _likert_trust(survey: Survey, service: Service, values: list[int]) -> None:
    start = datetime.combine(PERIOD.start, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    rows = [
        BulkResponse(
            answers={"trust": str(value), "went_well": ["ease"]},
            submitted_at=start + timedelta(days=i),
            context=SubmissionContext(source="import", service=service.slug),
            submission_id=f"l-{service.pk}-{i}",
        )
        for i, value in enumerate(values)
    ]
    response_bulk_create(actor=None, survey=survey, rows=rows)
    rollups_fold_due()


def _report(agency: Agency, values: list[int]):
    service = ServiceFactory(agency=agency, name="Apply for benefits", slug="apply")
    survey = survey_create(
        actor=None,
        agency=agency,
        template="a11_v2_likert",
        services=[service],
        omb_control_number="1234-5678",
        omb_expiration_date=datetime(2029, 12, 31).date(),
    )
    survey_publish(actor=None, survey=cleared(survey))
    _likert_trust(survey, service, values)
    collection = a11.collection_create(
        actor=None, service=service, fiscal_year=PERIOD.year, quarter=PERIOD.quarter
    )
    return a11.collection_update(
        actor=None,
        collection=collection,
        surveys=[survey],
        volume_of_customers=5000,
        volume_offered=400,
        channel="website",
    )


def _records(client: Client) -> list[dict]:
    return client.get("/data/a11/quarterly.json").json()["data"]


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=5)
def test_an_agency_report_is_served_only_once_published(client: Client, agency_a: Agency) -> None:
    collection = _report(agency_a, [5, 5, 4, 4, 4, 3, 2, 5])
    assert _records(client) == []
    collection = a11.collection_submit(actor=None, collection=collection)
    assert _records(client) == []
    a11.collection_publish(actor=None, collection=collection)
    (record,) = _records(client)
    attributes = record["attributes"]
    assert record["id"] == f"cxgov-{collection.pk}"
    assert (attributes["collection_year"], attributes["collection_quarter"]) == (2026, 2)
    assert [attributes[f"q2_{k}"] for k in range(1, 6)] == [0, 1, 1, 3, 3]
    assert attributes["q2_point_scale"] == 4.0
    assert attributes["volume_of_customers"] == 5000 and attributes["volume_of_respondents"] == 8
    # A-11 v2 asks no satisfaction question: its slot is empty, as performance.gov leaves it.
    assert attributes["q1_text"] == "" and attributes["q1_1"] == 0
    assert attributes["q1_point_scale"] is None
    row = _feed_csv(client).iloc[0]
    assert row["attributes_q2_point_scale"] == 4.0 and row["attributes_q2_4"] == 3


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=5)
def test_a_question_answered_by_too_few_is_withheld_in_both_files(
    client: Client, agency_a: Agency
) -> None:
    collection = _report(agency_a, [5, 4, 1])
    collection = a11.collection_submit(actor=None, collection=collection)
    a11.collection_publish(actor=None, collection=collection)
    (record,) = _records(client)
    attributes = record["attributes"]
    assert attributes["q2_text"]  # the wording stays
    assert [attributes[f"q2_{k}"] for k in range(1, 6)] == [None] * 5
    assert attributes["q2_point_scale"] is None
    row = client.get("/data/a11/quarterly.csv").content.decode().splitlines()[1].split(",")
    start = PERFORMANCE_GOV_COLUMNS.index("attributes_q2_1")
    assert row[start : start + 6] == [""] * 6


# --- the catalogue -----------------------------------------------------------------------------


def _feed_names() -> set[str]:
    """Every machine-readable file the URLconf serves: the feeds and the agencies' complaints."""
    names = set()
    for pattern in get_resolver("cxgov.public.urls_feeds").url_patterns:
        assert isinstance(pattern, URLPattern)
        names.add(f"feeds:{pattern.name}")
    names.discard("feeds:data_catalogue")
    return names | {"public:complaints_data"}


def test_every_feed_is_a_dataset_of_the_catalogue() -> None:
    served = {
        name
        for dataset in DATASETS
        for files in (dataset.site, dataset.agency)
        if files is not None
        for name in (files.csv, files.json)
    }
    assert served == _feed_names()


def test_each_dictionary_names_exactly_its_feed_columns() -> None:
    assert tuple(f.name for f in a11_quarterly_fields()) == PERFORMANCE_GOV_COLUMNS
    assert tuple(f.name for f in standards_fields()) == STANDARD_COLUMNS
    assert [f.name for f in complaints_fields()] == list(COMPLAINT_COLUMNS)
    assert tuple(f.name for f in performance_fields()) == PERFORMANCE_COLUMNS


@override_settings(ALLOWED_HOSTS=["testserver", "data.example.gov"])
def test_data_json_validates_against_dcat_us_1_1_and_lists_every_file(
    client: Client, agency_a: Agency, agency_b: Agency
) -> None:
    agency_a.omb_bureau_code, agency_a.federal_program_code = "015:11", "015:001"
    agency_a.save()
    response = client.get("/data.json", HTTP_HOST="data.example.gov")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    catalogue = response.json()
    jsonschema.Draft4Validator(CATALOG_SCHEMA).validate(catalogue)
    assert catalogue["@id"] == "http://data.example.gov/data.json"
    datasets = catalogue["dataset"]
    urls = {d["downloadURL"] for entry in datasets for d in entry["distribution"]}
    for url in urls | {entry["describedBy"] for entry in datasets}:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", "data.example.gov")
        assert (
            client.get(parts.path + ("?" + parts.query if parts.query else "")).status_code == 200
        )
    paths = {
        urlsplit(u).path + ("?" + urlsplit(u).query if urlsplit(u).query else "") for u in urls
    }
    assert {
        "/data/a11/quarterly.csv",
        "/data/a11/quarterly.json",
        f"/data/a11/quarterly.csv?agency={agency_a.slug}",
        "/standards.csv",
        f"/agencies/{agency_b.slug}/standards.json",
        f"/agencies/{agency_a.slug}/complaints.csv",
        f"/agencies/{agency_b.slug}/complaints.json",
        "/data/performance.csv",
        f"/agencies/{agency_a.slug}/performance.json",
    } <= paths
    by_title = {entry["title"]: entry for entry in datasets}
    complaints_a = by_title[f"Complaints: {agency_a.name}"]
    assert complaints_a["publisher"]["name"] == agency_a.name
    assert (complaints_a["bureauCode"], complaints_a["programCode"]) == (["015:11"], ["015:001"])
    assert by_title[f"Complaints: {agency_b.name}"]["bureauCode"] == ["000:00"]
    assert complaints_a["accessLevel"] == "public" and complaints_a["license"]
    assert complaints_a["contactPoint"]["hasEmail"].startswith("mailto:")
    media = {d["mediaType"] for entry in datasets for d in entry["distribution"]}
    assert media == {"text/csv", "application/json"}


def test_the_schema_in_the_tests_refuses_what_dcat_us_refuses() -> None:
    validator = jsonschema.Draft4Validator(CATALOG_SCHEMA)
    good = {
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "dataset": [
            {
                "title": "T",
                "description": "D",
                "keyword": ["k"],
                "modified": "2024-01-31",
                "publisher": {"name": "P"},
                "contactPoint": {"fn": "C", "hasEmail": "mailto:c@example.gov"},
                "identifier": "i",
                "accessLevel": "public",
                "bureauCode": ["015:11"],
                "programCode": ["015:001"],
            }
        ],
    }
    validator.validate(good)
    dataset = good["dataset"][0]
    for change in (
        {"accessLevel": "open"},
        {"bureauCode": ["15:11"]},
        {"modified": "yesterday"},
        {"contactPoint": {"fn": "C", "hasEmail": "c@example.gov"}},
        {"keyword": []},
        {"distribution": [{"downloadURL": "https://x.example.gov/a.csv"}]},  # no mediaType
    ):
        bad = {**good, "dataset": [{**dataset, **change}]}
        assert not validator.is_valid(bad), change
    missing = {k: v for k, v in dataset.items() if k != "publisher"}
    assert not validator.is_valid({**good, "dataset": [missing]})


# --- the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_data_dictionary_lists_every_field_with_its_type_and_meaning(
    client: Client, prefix: str
) -> None:
    page = client.get(f"{prefix}/data/a11-quarterly/")
    assert page.status_code == 200
    html = page.content.decode()
    for column in PERFORMANCE_GOV_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert ("número entero" if prefix else "whole number") in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_dataset_list_links_every_dictionary_and_file(client: Client, agency_a: Agency) -> None:
    html = client.get("/data/").content.decode()
    for dataset in DATASETS:
        assert f'href="/data/{dataset.key}/"' in html
    assert 'href="/data/a11/quarterly.csv"' in html
    assert f'href="/agencies/{agency_a.slug}/complaints.csv"' in html
    assert 'href="/data.json"' in html
    spanish = client.get("/es/data/").content.decode()
    assert 'href="/es/data/a11-quarterly/"' in spanish
    assert 'href="/data/a11/quarterly.csv"' in spanish  # files keep one address


def test_an_unknown_dictionary_is_not_found(client: Client) -> None:
    assert client.get("/data/no-such-dataset/").status_code == 404
    assert json.loads(client.get("/data.json").content)["dataset"]
