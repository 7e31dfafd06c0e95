"""A fiscal year's measured indicators, prepared by the worker (decision 0063, the storage that
decision 0050 named): each indicator counts the agency's own records over a year, and the year
page shows two years of them beside the self-assessment, which it reads itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.utils import translation

from cxgov.core.models import Agency
from cxgov.core.prepared import BuiltData, prepared_builder
from cxgov.maturity.indicators import Indicator, indicators_for

MATURITY_INDICATORS = "maturity.indicators"
# Standards, feedback, actions and complaints change all year with no cheap version: figures
# finished longer ago than this are built again when the page is read (the page shows the older
# ones, with their time, meanwhile).
MATURITY_INDICATORS_MAX_AGE = timedelta(minutes=15)


def indicators_params(*, fiscal_year: int, language: str) -> dict[str, Any]:
    """The builder's parameters: the fiscal year the page shows (and the one before) and the
    language of the labels."""
    return {"fiscal_year": fiscal_year, "language": language}


def _dump(items: list[Indicator]) -> list[dict[str, Any]]:
    return [
        {**asdict(item), "label": str(item.label), "definition": str(item.definition)}
        for item in items
    ]


@prepared_builder(MATURITY_INDICATORS)
def maturity_indicators_build(agency: Agency, params: Mapping[str, Any], version: str) -> BuiltData:
    """The indicators of the fiscal year and of the year before, labels in the language."""
    fiscal_year = int(params["fiscal_year"])
    with translation.override(str(params["language"])):
        return BuiltData(
            {
                "current": _dump(indicators_for(agency=agency, fiscal_year=fiscal_year)),
                "previous": _dump(indicators_for(agency=agency, fiscal_year=fiscal_year - 1)),
            }
        )


def indicator_rows(value: Mapping[str, Any]) -> list[dict[str, Indicator | None]]:
    """The page's rows from prepared indicators: each indicator of the year beside the same
    indicator the year before (None when that year did not have it)."""
    previous = {item["key"]: Indicator(**item) for item in value["previous"]}
    return [
        {"current": Indicator(**item), "previous": previous.get(item["key"])}
        for item in value["current"]
    ]
