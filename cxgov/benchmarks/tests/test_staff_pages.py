"""Staff benchmark pages: comparisons, own measures, choices, upload, oversight, CSV, 404."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cxgov.benchmarks import services
from cxgov.benchmarks.comparisons import service_comparisons
from cxgov.benchmarks.importers import ACSI_WORDING
from cxgov.benchmarks.measures import (
    ComparableMeasure,
    measure_provider_register,
    measure_provider_unregister,
    own_measures,
)
from cxgov.benchmarks.models import Observation, Selection, Series
from cxgov.core.models import Role
from cxgov.testing.data import SHARED_DATA, needs_shared
from cxgov.testing.factories import MembershipFactory, ServiceFactory, UserFactory
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db

CXGOV_FILE = Path(__file__).parent / "data" / "benchmarks-cxgov.csv"


def _library():
    source, _ = services.source_ensure(
        actor=None, agency=None, key="acsi-published", kind="acsi", name="ACSI"
    )
    rows = [
        ("fed", "U.S. federal government (aggregate)", "federal", True, "69.7", "1.0"),
        ("banks", "Banks", "private", False, "78", None),
        ("airlines", "Airlines", "private", False, "69", None),
    ]
    made = {}
    for key, entity, sector, aggregate, value, error in rows:
        series, _ = services.series_ensure(
            actor=None,
            source=source,
            key=key,
            name="ACSI",
            entity=entity,
            metric="acsi_index",
            scale="0-100",
            wording=ACSI_WORDING,
            sector=sector,
            is_aggregate=aggregate,
        )
        services.observation_record(
            actor=None,
            series=series,
            period="2024",
            year=2024,
            value=Decimal(value),
            standard_error=Decimal(error) if error else None,
            source_url="https://example.org/a",
        )
        made[key] = series
    trust, _ = services.series_ensure(
        actor=None,
        source=source,
        key="trust",
        name="trust",
        entity="Federal",
        metric="percent_satisfied",
        scale="percent",
        wording="Satisfied with the website?",
        sector="federal",
        is_aggregate=True,
    )
    services.observation_record(
        actor=None, series=trust, period="2024", year=2024, value=Decimal(60)
    )
    return made


@pytest.fixture
def service(agency_a):
    return ServiceFactory(agency=agency_a, name="Apply for benefits")


@pytest.fixture
def measured(service, analyst_a):
    library = _library()
    for period, value, error in [("2023", "70.0", "1.2"), ("2024", "74.0", "0.8")]:
        services.own_measure_record(
            actor=analyst_a,
            service=service,
            metric="acsi_index",
            scale="0-100",
            wording=ACSI_WORDING,
            period=period,
            year=int(period),
            value=Decimal(value),
            sample_size=500,
            standard_error=Decimal(error),
        )
    services.own_measure_record(
        actor=analyst_a,
        service=service,
        metric="percent_satisfied",
        scale="percent",
        wording="Satisfied with the call?",
        period="2024",
        year=2024,
        value=Decimal(80),
        sample_size=300,
        standard_error=None,
    )
    return library


def test_comparison_sets_own_measure_beside_best_private_federal_and_prior(service, measured):
    rows = service_comparisons(service=service, period="2024")
    acsi = next(r for r in rows if r.measure.metric == "acsi_index")
    assert acsi.best_private is not None and acsi.best_private.series == measured["banks"]
    assert acsi.best_private.gap.verdict == "unknown"  # no error published for banks
    assert acsi.federal_average.series == measured["fed"]
    assert acsi.federal_average.gap.difference == pytest.approx(4.3)
    assert acsi.federal_average.gap.verdict == "higher"
    assert acsi.prior.measure.period == "2023" and acsi.prior.gap.difference == pytest.approx(4.0)


def test_comparison_across_wordings_is_refused_with_the_reason(service, measured):
    rows = service_comparisons(service=service, period="2024")
    satisfied = next(r for r in rows if r.measure.metric == "percent_satisfied")
    assert satisfied.benchmarks() == []
    assert satisfied.refused[0].reason == "the questions are worded differently"


def test_service_page_shows_comparisons_refusals_and_csv(analyst_a_client, service, measured):
    url = f"/staff/agencies/alpha/benchmarks/services/{service.pk}/"
    response = prepared_get(analyst_a_client, url)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Best private sector" in body and "Federal average" in body and "Own prior period" in body
    )
    assert "Not comparable: the questions are worded differently" in body
    download = analyst_a_client.get(url + "?period=2024&download=comparisons")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][0] == "Own measure" and len(rows) >= 4
    assert analyst_a_client.get(url + "?download=nothing").status_code == 404


def test_analyst_enters_an_own_measure_by_hand(analyst_a_client, service):
    url = f"/staff/agencies/alpha/benchmarks/services/{service.pk}/measures/new/"
    response = analyst_a_client.post(
        url,
        {
            "metric": "a11_points",
            "scale": "1-5",
            "wording": "I trust the agency",
            "period": "2024-Q2",
            "value": "4.3",
            "sample_size": "250",
            "standard_error": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    measures = own_measures(service=service)
    assert [(m.metric, m.period, m.value, m.n) for m in measures] == [
        ("a11_points", "2024-Q2", 4.3, 250)
    ]


def test_own_measure_form_explains_each_bad_field(analyst_a_client, service):
    url = f"/staff/agencies/alpha/benchmarks/services/{service.pk}/measures/new/"
    response = analyst_a_client.post(
        url,
        {
            "metric": "percent_agree",
            "scale": "1-5",
            "wording": "",
            "period": "last year",
            "value": "9",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a period like 2024" in body
    assert "between 1 and 5" in body
    assert "Enter the question wording" in body
    assert "number of respondents or the standard error" in body
    assert Observation.objects.count() == 0


def test_best_in_business_choice_is_recorded_with_reason(analyst_a_client, service, measured):
    url = f"/staff/agencies/alpha/benchmarks/services/{service.pk}/choices/new/"
    response = analyst_a_client.post(
        url, {"series": measured["banks"].pk, "reason": "Closest peers"}
    )
    assert response.status_code == 302
    choice = Selection.objects.get()
    assert choice.reason == "Closest peers" and choice.service == service
    home = prepared_get(analyst_a_client, "/staff/agencies/alpha/benchmarks/").content.decode()
    assert "Closest peers" in home
    rows = service_comparisons(service=service, period="2024")
    assert rows[0].selected[0].series == measured["banks"]
    delete = analyst_a_client.post(f"/staff/agencies/alpha/benchmarks/choices/{choice.pk}/delete/")
    assert delete.status_code == 302 and not Selection.objects.exists()


def test_other_agency_gets_404_on_every_page(handler_b_client, service, measured):
    series = Series.objects.filter(agency__isnull=True).first()
    own = Series.objects.filter(agency__isnull=False).first()
    base = "/staff/agencies/alpha/benchmarks"
    for url in (
        f"{base}/",
        f"{base}/library/",
        f"{base}/library/{series.pk}/",
        f"{base}/import/",
        f"{base}/oversight/",
        f"{base}/services/{service.pk}/",
        f"{base}/services/{service.pk}/measures/new/",
        f"{base}/services/{service.pk}/choices/new/",
        f"/staff/agencies/bravo/benchmarks/library/{own.pk}/",
        f"/staff/agencies/bravo/benchmarks/services/{service.pk}/",
    ):
        assert handler_b_client.get(url).status_code == 404, url


def test_other_agency_cannot_remove_a_choice(handler_b_client, analyst_a, service, measured):
    choice = services.selection_save(
        actor=analyst_a, service=service, series=measured["banks"], reason="Peers"
    )
    for slug in ("alpha", "bravo"):
        url = f"/staff/agencies/{slug}/benchmarks/choices/{choice.pk}/delete/"
        assert handler_b_client.post(url).status_code == 404
    assert Selection.objects.filter(pk=choice.pk).exists()


def test_frontline_staff_read_but_cannot_enter_measures(agency_a, client, service):
    user = UserFactory()
    MembershipFactory(user=user, agency=agency_a, role=Role.FRONTLINE_EMPLOYEE)
    client.force_login(user)
    page = prepared_get(client, f"/staff/agencies/alpha/benchmarks/services/{service.pk}/")
    assert page.status_code == 200
    assert (
        client.get(
            f"/staff/agencies/alpha/benchmarks/services/{service.pk}/measures/new/"
        ).status_code
        == 404
    )


def test_upload_page_imports_into_the_agency_library(analyst_a_client, agency_a):
    def post(data: bytes, dry: bool = False):
        form = {
            "file": SimpleUploadedFile("b.csv", data, content_type="text/csv"),
            "format": "cxgov",
        }
        if dry:
            form["dry_run"] = "on"
        return analyst_a_client.post("/staff/agencies/alpha/benchmarks/import/", form)

    bad = post(CXGOV_FILE.read_bytes().replace(b",2023,81.5,", b",2023,abc,"))
    assert bad.status_code == 400
    assert "is not a number" in bad.content.decode() and Series.objects.count() == 0
    good = post(CXGOV_FILE.read_bytes())
    assert good.status_code == 200 and "Import finished" in good.content.decode()
    assert set(Series.objects.values_list("agency", flat=True)) == {agency_a.pk}
    library = analyst_a_client.get("/staff/agencies/alpha/benchmarks/library/").content.decode()
    assert "Peer Benefits Office" in library


def test_federal_chart_and_table_on_the_agency_page(analyst_a_client):
    source, _ = services.source_ensure(
        actor=None, agency=None, key="acsi-published", kind="acsi", name="ACSI"
    )
    series, _ = services.series_ensure(
        actor=None,
        source=source,
        key="federal_government|u.s. federal government (aggregate)|acsi citizen satisfaction",
        name="ACSI citizen satisfaction",
        entity="U.S. federal government (aggregate)",
        metric="acsi_index",
        scale="0-100",
        wording=ACSI_WORDING,
        sector="federal",
        is_aggregate=True,
    )
    for year, value in [(1999, "68.6"), (2024, "69.7")]:
        services.observation_record(
            actor=None,
            series=series,
            period=str(year),
            year=year,
            value=Decimal(value),
            source_url="https://example.org/x",
        )
    response = prepared_get(analyst_a_client, "/staff/agencies/alpha/benchmarks/")
    body = response.content.decode()
    assert 'role="img"' in body and "Federal government ACSI, 1999 to 2024" in body
    assert "<td>68.6</td>" in body
    download = analyst_a_client.get("/staff/agencies/alpha/benchmarks/?download=federal")
    assert "1999,68.6,No,https://example.org/x" in download.content.decode()


def test_oversight_reads_across_its_agencies_and_others_only_their_own(
    client, agency_a, agency_b, service, measured, analyst_a_client
):
    other = ServiceFactory(agency=agency_b, name="Bravo permits")
    services.own_measure_record(
        actor=None,
        service=other,
        metric="acsi_index",
        scale="0-100",
        wording=ACSI_WORDING,
        period="2024",
        year=2024,
        value=Decimal("81"),
        sample_size=100,
        standard_error=Decimal(2),
    )
    overseer = UserFactory()
    MembershipFactory(user=overseer, agency=agency_a, role=Role.OVERSIGHT)
    MembershipFactory(user=overseer, agency=agency_b, role=Role.OVERSIGHT)
    client.force_login(overseer)
    body = prepared_get(client, "/staff/agencies/alpha/benchmarks/oversight/").content.decode()
    assert body.index("Bravo permits") < body.index("Apply for benefits")
    ranked = prepared_get(client, "/staff/agencies/alpha/benchmarks/oversight/?download=agencies")
    lines = list(csv.reader(io.StringIO(ranked.content.decode())))
    assert lines[1][1:5] == ["1", "Agency Bravo", "1", "81.0"]
    assert lines[2][1:3] == ["2", "Agency Alpha"]
    analyst_view = prepared_get(
        analyst_a_client, "/staff/agencies/alpha/benchmarks/oversight/"
    ).content.decode()
    assert "Bravo permits" not in analyst_view and "Apply for benefits" in analyst_view


def test_measure_providers_plug_in(service):
    def provider(svc):
        yield ComparableMeasure("nps", "-100-100", "", "2024", 31.0, "Survey NPS", n=80)

    measure_provider_register("test.nps", provider)
    try:
        assert [m.metric for m in own_measures(service=service)] == ["nps"]
    finally:
        measure_provider_unregister("test.nps")


ACSI_FILE = SHARED_DATA / "acsi" / "acsi_published_scores.csv"


@needs_shared("acsi/acsi_published_scores.csv")
def test_imported_federal_series_1999_to_2024_draws_as_chart_with_table(analyst_a_client):
    from cxgov.benchmarks.importers import benchmarks_import

    benchmarks_import(actor=None, file=ACSI_FILE, format="acsi-published")
    with ACSI_FILE.open(encoding="utf-8", newline="") as handle:
        federal = [
            row
            for row in csv.DictReader(handle)
            if row["scope"] == "federal_government"
            and row["segment_or_metric"] == "ACSI citizen satisfaction"
        ]
    body = prepared_get(analyst_a_client, "/staff/agencies/alpha/benchmarks/").content.decode()
    assert "Federal government ACSI, 1999 to 2024" in body and 'role="img"' in body
    table = analyst_a_client.get("/staff/agencies/alpha/benchmarks/?download=federal")
    rows = list(csv.reader(io.StringIO(table.content.decode())))[1:]
    assert [row[0] for row in rows] == sorted(r["period"] for r in federal)
    assert {row[3] for row in rows} == {r["source_url"] for r in federal}


def test_oversight_reads_the_prepared_ranking_without_computing_it(
    analyst_a_client, service, measured, monkeypatch: pytest.MonkeyPatch
):
    from cxgov.benchmarks import prepared as benchmarks_prepared

    url = "/staff/agencies/alpha/benchmarks/oversight/"
    assert analyst_a_client.get(url).status_code == 202
    ready = prepared_get(analyst_a_client, url)
    assert ready.status_code == 200 and "Figures as of" in ready.content.decode()

    def boom(**_kwargs: object) -> object:
        raise AssertionError("ranking computed in the request")

    monkeypatch.setattr(benchmarks_prepared, "oversight_ranking", boom)
    page = analyst_a_client.get(url)
    assert page.status_code == 200 and "Apply for benefits" in page.content.decode()
    assert analyst_a_client.get(url + "?download=ranking").status_code == 200
