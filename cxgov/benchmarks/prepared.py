"""What the benchmark pages read as the worker prepared it (decision 0063).

- The oversight ranking: ranking every service of the agencies a person covers reads every own
  measure, survey-derived ones included, which is too slow for a page request.
- The respondent-level own measures of an agency's services (the ACSI-style index needs each
  respondent's three answers together, which no rollup keeps): the agency and service pages
  read the rest of the own measures in the request and these from here (decision 0075).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from cxgov.benchmarks.comparisons import (
    RankedMeasure,
    measure_labels,
    number_text,
    oversight_ranking,
)
from cxgov.benchmarks.measures import ComparableMeasure, respondent_measures_by_service
from cxgov.benchmarks.selectors import services_for_agencies
from cxgov.core.models import Agency
from cxgov.core.prepared import BuiltData, prepared_builder
from cxgov.core.tables import Table
from cxgov.registry.models import Service

OVERSIGHT_RANKING = "benchmarks.oversight_ranking"
# Own measures change when staff record them and when survey responses arrive, with no cheap
# version: a ranking finished longer ago than this is built again when the page is read (the
# page shows the older one, with its time, meanwhile).
OVERSIGHT_RANKING_MAX_AGE = timedelta(minutes=15)

RESPONDENT_MEASURES = "benchmarks.respondent_measures"
# As the ranking: new responses come in with the age limit or the page's "Refresh" button.
RESPONDENT_MEASURES_MAX_AGE = timedelta(minutes=15)


def respondent_measures_request(*, agency: Agency) -> dict[str, Any]:
    """What to ask `prepared_file_request` for to get the agency's respondent-level own
    measures (the pages and the comparisons API ask alike)."""
    return {
        "kind": RESPONDENT_MEASURES,
        "agency": agency,
        "params": {},
        "max_age": RESPONDENT_MEASURES_MAX_AGE,
    }


def oversight_params(*, agencies: QuerySet[Agency], language: str) -> dict[str, Any]:
    """The builder's parameters: the agencies the page covers (already access-checked by the
    view, which is why they are named here rather than found again) and the language."""
    return {"agencies": sorted(agencies.values_list("pk", flat=True)), "language": language}


@prepared_builder(OVERSIGHT_RANKING)
def oversight_ranking_build(agency: Agency, params: Mapping[str, Any], version: str) -> BuiltData:
    """The two ranking tables of the agencies named in `params`."""
    agencies = Agency.objects.filter(pk__in=params["agencies"])
    with translation.override(str(params["language"])):
        tables = oversight_tables(services=services_for_agencies(agencies=agencies))
    return BuiltData({"tables": [table.to_json() for table in tables]})


@prepared_builder(RESPONDENT_MEASURES)
def respondent_measures_build(agency: Agency, params: Mapping[str, Any], version: str) -> BuiltData:
    """The respondent-level own measures of every service of the agency, by service id."""
    services = services_for_agencies(agencies=Agency.objects.filter(pk=agency.pk))
    found = respondent_measures_by_service(services=services)
    return BuiltData(
        {
            "measures": {
                str(service_id): [asdict(measure) for measure in measures]
                for service_id, measures in found.items()
            }
        }
    )


def prepared_measures(*, data: Mapping[str, Any]) -> dict[int, list[ComparableMeasure]]:
    """The measures `respondent_measures_build` stored, by service id."""
    return {
        int(service_id): [ComparableMeasure(**fields) for fields in measures]
        for service_id, measures in data["measures"].items()
    }


def oversight_tables(*, services: Iterable[Service]) -> list[Table]:
    """Agencies, then services, ranked on each comparable measure, best first."""
    by_agency = Table(
        "agencies",
        _("Agencies ranked on comparable measures"),
        [
            _("Measure"),
            _("Rank"),
            _("Agency"),
            _("Services measured"),
            _("Mean of its services (weighted by n)"),
            _("Respondents (n)"),
        ],
    )
    table = Table(
        "ranking",
        _("Services ranked on comparable measures"),
        [
            _("Measure"),
            _("Rank"),
            _("Agency"),
            _("Service"),
            _("Period"),
            _("Value"),
            _("n"),
            _("Standard error"),
        ],
    )
    for (metric, scale, wording), rows in oversight_ranking(services=services):
        metric_label, scale_label = measure_labels(metric, scale)
        shown = rows[0].measure.wording if rows else wording
        measure = f"{metric_label}, {scale_label}" + (f": {shown}" if shown else "")
        for rank, (name, count, mean, total) in enumerate(
            _agency_means(rows, shortest_first=metric == "time_to_serve"), start=1
        ):
            by_agency.rows.append([measure, rank, name, count, number_text(mean), total or ""])
        for rank, row in enumerate(rows, start=1):
            error = row.measure.error()
            table.rows.append(
                [
                    measure,
                    rank,
                    row.agency.name,
                    row.service.name,
                    row.measure.period,
                    number_text(row.measure.value),
                    row.measure.n or "",
                    number_text(error, 2),
                ]
            )
    return [by_agency, table]


def _agency_means(
    rows: list[RankedMeasure], *, shortest_first: bool
) -> list[tuple[str, int, float, int]]:
    """Per agency: services measured, their mean weighted by n (plain mean if any n is
    unknown), and the respondents behind it; best first."""
    grouped: dict[str, list[RankedMeasure]] = {}
    for row in rows:
        grouped.setdefault(row.agency.name, []).append(row)
    found = []
    for name, members in grouped.items():
        weights = [row.measure.n for row in members]
        if all(weights):
            total = sum(w or 0 for w in weights)
            mean = sum(row.measure.value * (row.measure.n or 0) for row in members) / total
        else:
            total = 0
            mean = sum(row.measure.value for row in members) / len(members)
        found.append((name, len(members), mean, total))
    found.sort(key=lambda item: item[2], reverse=not shortest_first)
    return found
