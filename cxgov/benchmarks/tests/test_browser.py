"""Benchmark pages in Chromium with axe-core, in English and Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.benchmarks.models import Series
from cxgov.registry.models import Service
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analyst(demo_data, page, live_server):
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    return live_server.url


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_benchmark_pages_have_no_axe_violations(page, analyst, prefix):
    service = Service.objects.get(agency__slug="fba", slug="apply-for-retirement-benefits")
    series = Series.objects.filter(agency__isnull=True, is_aggregate=True, sector="federal").first()
    base = f"{analyst}{prefix}/staff/agencies/fba/benchmarks"
    for path in (
        "/",
        "/library/",
        f"/library/{series.pk}/",
        f"/services/{service.pk}/",
        f"/services/{service.pk}/measures/new/",
        "/import/",
        "/oversight/",
    ):
        page.goto(base + path)
        assert_no_axe_violations(page)


def test_analyst_enters_a_measure_and_sees_it_compared(page, analyst):
    service = Service.objects.get(agency__slug="fba", slug="apply-for-retirement-benefits")
    page.goto(f"{analyst}/staff/agencies/fba/benchmarks/services/{service.pk}/measures/new/")
    page.get_by_label("Metric").select_option("percent_satisfied")
    page.get_by_label("Scale").select_option("percent")
    page.get_by_label("Question wording").fill("Were you satisfied with the call?")
    page.get_by_label("Period").fill("2025")
    page.get_by_label("Value").fill("81")
    page.get_by_label("Number of respondents (n)").fill("300")
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Own measure saved")).to_be_visible()
    assert_no_axe_violations(page)
