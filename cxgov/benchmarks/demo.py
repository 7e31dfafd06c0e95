"""Demo benchmarks: a small sample of published ACSI scores, an own measure and a choice.

SAMPLE DATA, clearly labelled: a dozen figures copied from the published ACSI scores file
(../shared/data/acsi/acsi_published_scores.csv), each with the source URL it was published at.
The full file is not part of the product; load it with
`cxgov import_benchmarks FILE --format acsi-published`. The own measures of the demo service
are invented for the demo.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from cxgov.benchmarks import services
from cxgov.benchmarks.importers import ACSI_SOURCE_KEY, ACSI_WORDING
from cxgov.benchmarks.models import Selection
from cxgov.registry.models import Service

_FEDERAL_URL_2024 = (
    "https://theacsi.org/news-and-resources/press-releases/2024/11/12/"
    "press-release-federal-government-study-2024/"
)
_FEDERAL_URL_2022 = (
    "https://theacsi.org/news-and-resources/press-releases/2023/01/31/"
    "press-release-federal-government-study-2022/"
)
_FEDERAL_URL_2018 = (
    "https://d3f5buclv39urb.cloudfront.net/articles/"
    "customer-satisfaction-declines-across-federal-agencies/"
)
_NEXTGOV_2015 = (
    "https://nextgov.com/digital-government/2016/01/"
    "satisfaction-federal-government-drops-third-consecutive-year/125373/"
)
_FUTURUM_2021 = (
    "https://futurumgroup.com/news/"
    "citizen-satisfaction-with-federal-government-services-drops-to-all-time-low-acsi-data/"
)
_POLITICO_2013 = "https://www.politico.com/story/2014/01/government-satisfaction-report-102706"
_WAPO_2008 = (
    "http://voices.washingtonpost.com/federal-eye/2008/12/citizens_satisfaction_with_the.html"
)
_ACSI_GOV = "https://www.theacsi.org/industries/government/"

# (scope, entity, segment, sector, aggregate, period, score, derived, source URL)
SAMPLE_ACSI = [
    (
        "federal_government",
        "U.S. federal government (aggregate)",
        "ACSI citizen satisfaction",
        "federal",
        True,
        "2015",
        "63.9",
        False,
        _NEXTGOV_2015,
    ),
    (
        "federal_government",
        "U.S. federal government (aggregate)",
        "ACSI citizen satisfaction",
        "federal",
        True,
        "2018",
        "68.9",
        False,
        _FEDERAL_URL_2018,
    ),
    (
        "federal_government",
        "U.S. federal government (aggregate)",
        "ACSI citizen satisfaction",
        "federal",
        True,
        "2021",
        "63.4",
        False,
        _FUTURUM_2021,
    ),
    (
        "federal_government",
        "U.S. federal government (aggregate)",
        "ACSI citizen satisfaction",
        "federal",
        True,
        "2022",
        "66.3",
        False,
        _FEDERAL_URL_2022,
    ),
    (
        "federal_government",
        "U.S. federal government (aggregate)",
        "ACSI citizen satisfaction",
        "federal",
        True,
        "2024",
        "69.7",
        False,
        _FEDERAL_URL_2024,
    ),
    (
        "private_sector",
        "Private sector (ACSI)",
        "ACSI",
        "private",
        False,
        "2008",
        "75",
        False,
        _WAPO_2008,
    ),
    (
        "private_sector",
        "Airlines",
        "ACSI industry",
        "private",
        False,
        "2013",
        "69",
        False,
        _POLITICO_2013,
    ),
    (
        "private_sector",
        "Subscription TV",
        "ACSI industry",
        "private",
        False,
        "2013",
        "68",
        False,
        _POLITICO_2013,
    ),
    (
        "national",
        "National ACSI (all public and private sector)",
        "ACSI",
        "national",
        True,
        "2015",
        "73.8",
        False,
        _NEXTGOV_2015,
    ),
    (
        "agency",
        "Pension Benefit Guaranty Corporation",
        "Retirees",
        "federal",
        False,
        "2021",
        "88",
        False,
        _ACSI_GOV,
    ),
]

DEMO_SERVICE = ("fba", "apply-for-retirement-benefits")
# Invented own measures of the demo service: ACSI-style index with n and standard error.
DEMO_OWN = [("2023", "70.2", 412, "1.1"), ("2024", "72.5", 530, "0.9")]


@transaction.atomic
def demo_load() -> None:
    """Load the sample library, the demo service's own measures and its choice once."""
    source, _ = services.source_ensure(
        actor=None,
        agency=None,
        key=ACSI_SOURCE_KEY,
        kind="acsi",
        name="American Customer Satisfaction Index (published scores)",
        url="https://www.theacsi.org/",
        description="Demo sample: a few published ACSI scores, each with its source URL.",
    )
    chosen = None
    for scope, entity, segment, sector, aggregate, period, score, derived, url in SAMPLE_ACSI:
        population = "" if segment.upper().startswith("ACSI") else segment
        series, _ = services.series_ensure(
            actor=None,
            source=source,
            key=f"{scope}|{entity}|{segment}".lower(),
            name=segment,
            entity=entity,
            metric="acsi_index",
            scale="0-100",
            wording=ACSI_WORDING,
            mode="",
            population=population,
            sector=sector,
            industry=entity if sector == "private" else "",
            is_aggregate=aggregate,
            url="",
        )
        services.observation_record(
            actor=None,
            series=series,
            period=period,
            year=int(period[:4]),
            value=Decimal(score),
            source_url=url,
            derived=derived,
        )
        if entity == "Pension Benefit Guaranty Corporation":
            chosen = series
    service = Service.objects.filter(agency__slug=DEMO_SERVICE[0], slug=DEMO_SERVICE[1]).first()
    if service is None:
        return
    for period, value, n, error in DEMO_OWN:
        services.own_measure_record(
            actor=None,
            service=service,
            metric="acsi_index",
            scale="0-100",
            wording=ACSI_WORDING,
            period=period,
            year=int(period),
            value=Decimal(value),
            sample_size=n,
            standard_error=Decimal(error),
            note="Demo figure, invented.",
        )
    if chosen is not None and not Selection.objects.filter(service=service).exists():
        services.selection_save(
            actor=None,
            service=service,
            series=chosen,
            reason=(
                "PBGC serves retirees with a comparable benefit claim and scores highest on the "
                "ACSI among benefit programs; demo choice."
            ),
        )
