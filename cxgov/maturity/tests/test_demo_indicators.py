"""The maturity indicators of the demo agency, recomputed here from the raw records: survey
responses rather than rollups, each complaint and action one by one."""

from __future__ import annotations

from statistics import median

import pytest

from cxgov.actions.models import ActionItem
from cxgov.complaints.models import Complaint
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.maturity.indicators import indicators_for, year_span
from cxgov.registry.models import Channel, Service
from cxgov.standards.models import Standard
from cxgov.surveys.models import Response

pytestmark = pytest.mark.django_db


def _expected(agency: Agency, fiscal_year: int) -> dict[str, tuple[float | None, int]]:
    span = year_span(agency=agency, fiscal_year=fiscal_year)
    calendar = agency_calendar(agency=agency)

    def in_year(moment) -> bool:
        return span.first <= calendar.local_date(moment) <= span.last

    expected: dict[str, tuple[float | None, int]] = {}
    published = [s for s in Service.objects.filter(agency=agency) if s.status == "published"]
    live = 0
    for service in published:
        for standard in Standard.objects.filter(service=service, status="posted"):
            days = standard.rollups.filter(day__gte=span.first, day__lte=span.last, total__gt=0)
            reported = [
                r
                for r in standard.reported.all()
                if r.period_start <= span.last and r.period_end >= span.first and r.total_volume
            ]
            if days.exists() or reported:
                live += 1
                break
    expected["standards_live"] = (live / len(published) if published else None, len(published))

    answered = {
        (r.service_id, r.channel)
        for r in Response.objects.filter(survey__agency=agency, survey__audience="customer")
        if r.status == "valid" and r.service_id and r.channel and in_year(r.submitted_at)
    }
    offered = {
        (c.service_id, c.kind)
        for c in Channel.objects.filter(service__agency=agency).select_related("service")
        if c.service.status != "archived"
    }
    for kind in {kind for _s, kind in offered}:
        pairs = [pair for pair in offered if pair[1] == kind]
        covered = sum(pair in answered for pair in pairs)
        expected[f"feedback_{kind}"] = (covered / len(pairs), len(pairs))

    for key, followups in (("loop_low_scores", True), ("loop_complaints", False)):
        days = [
            (c.responded_at - c.received_at).total_seconds() / 86400
            for c in Complaint.objects.filter(agency=agency)
            if in_year(c.received_at)
            and c.status not in ("duplicate", "withdrawn")
            and (c.channel == "survey_followup") == followups
            and c.responded_at is not None
        ]
        expected[key] = (round(median(days), 1) if days else None, len(days))

    due = [
        a
        for a in ActionItem.objects.filter(agency=agency)
        if span.first <= a.due_date <= span.last and a.status != "dropped"
    ]
    done = sum(a.status == "done" for a in due)
    expected["actions_done"] = (done / len(due) if due else None, len(due))
    return expected


def test_the_demo_agencys_indicators_match_a_recount_of_its_records(demo_data):
    agency = Agency.objects.get(slug="fba")
    this_year = agency_calendar(agency=agency).fiscal_year(agency_calendar(agency=agency).today())
    measured_any = False
    for fiscal_year in (this_year - 1, this_year):
        found = {i.key: i for i in indicators_for(agency=agency, fiscal_year=fiscal_year)}
        for key, (value, n) in _expected(agency, fiscal_year).items():
            assert key in found, key
            assert found[key].n == n, (fiscal_year, key)
            if value is None:
                assert not found[key].measured, (fiscal_year, key)
            else:
                assert found[key].value == pytest.approx(value), (fiscal_year, key)
                measured_any = True
    assert measured_any, "the demo should give the indicators something to measure"
