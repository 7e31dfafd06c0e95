"""Open data: the dataset list, a data dictionary per dataset, the DCAT-US 1.1 catalogue and
the A-11 quarterly results in the performance.gov layout.

The machine-readable files are in `urls_feeds` (one address in every language); the two pages
are in `urls` (English and /es/). See docs/open-data.md.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.a11.exporters_performance_gov import QuarterlyFilters, quarterly_records
from cxgov.a11.formats import PERFORMANCE_GOV_COLUMNS
from cxgov.core.models import Agency
from cxgov.core.tables import csv_response, dict_rows
from cxgov.public.open_data import BY_KEY, DATASETS, data_catalogue, file_url
from cxgov.registry.selectors import (
    agencies_public,
    agency_public,
    agency_public_by_name,
    services_catalogue,
    services_published,
)
from cxgov.reports.performance_feed import (
    PERFORMANCE_COLUMNS,
    performance_json_row,
    performance_rows,
)

JSON_TYPE = "application/json; charset=utf-8"


class QuarterlyFilterForm(forms.Form):
    """The filters of `/data/a11/quarterly.csv|.json`; all optional."""

    fiscal_year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={"invalid": gettext_lazy("Give a fiscal year as four digits, e.g. 2021.")},
    )
    quarter = forms.IntegerField(
        min_value=1,
        max_value=4,
        required=False,
        error_messages={"invalid": gettext_lazy("Give a quarter from 1 to 4.")},
    )
    agency = forms.CharField(max_length=60, required=False, strip=True)

    def clean_agency(self) -> tuple[Agency, ...] | None:
        name = self.cleaned_data["agency"]
        if not name:
            return None
        # A department's figures include its bureaus'.
        agencies = agency_public_by_name(name=name)
        if agencies is None:
            raise forms.ValidationError(
                _("No agency has the short name or abbreviation “%(name)s”.") % {"name": name}
            )
        return agencies


def _filters(request: HttpRequest) -> QuarterlyFilters | dict[str, list[str]]:
    """The request's filters, or the errors by parameter."""
    form = QuarterlyFilterForm(request.GET)
    if not form.is_valid():
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    data = form.cleaned_data
    return QuarterlyFilters(
        fiscal_year=data["fiscal_year"], quarter=data["quarter"], agencies=data["agency"]
    )


def a11_quarterly_csv(request: HttpRequest) -> HttpResponse:
    """The A-11 quarterly results with exactly the columns of performance.gov's CX CSV."""
    filters = _filters(request)
    if isinstance(filters, dict):
        lines = [f"{name}: {message}" for name, messages in filters.items() for message in messages]
        return HttpResponse(
            "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    return csv_response(
        PERFORMANCE_GOV_COLUMNS,
        (record.as_row() for record in quarterly_records(filters)),
        filename="a11-quarterly.csv",
        inline=True,
        line_end="\n",
    )


def a11_quarterly_json(request: HttpRequest) -> HttpResponse:
    """The same records as a JSON:API document, as the performance.gov CX API gives them."""
    filters = _filters(request)
    if isinstance(filters, dict):
        errors = [
            {"status": "400", "source": {"parameter": name}, "detail": message}
            for name, messages in filters.items()
            for message in messages
        ]
        return JsonResponse(
            {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    data = [record.as_json() for record in quarterly_records(filters)]
    return HttpResponse(json.dumps({"data": data}, ensure_ascii=False), content_type=JSON_TYPE)


def _performance_csv(rows: list[dict[str, Any]], filename: str) -> HttpResponse:
    return csv_response(
        PERFORMANCE_COLUMNS,
        dict_rows(PERFORMANCE_COLUMNS, rows),
        filename=filename,
        inline=True,
        line_end="\n",
    )


def _performance_json(rows: list[dict[str, Any]]) -> HttpResponse:
    document = {
        "columns": list(PERFORMANCE_COLUMNS),
        "figures": [performance_json_row(row) for row in rows],
    }
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type=JSON_TYPE)


def performance_csv(request: HttpRequest) -> HttpResponse:
    """Every published service's public performance figures, one row per figure, as CSV."""
    return _performance_csv(performance_rows(services=services_catalogue()), "performance.csv")


def performance_json(request: HttpRequest) -> HttpResponse:
    """The same figures as JSON."""
    return _performance_json(performance_rows(services=services_catalogue()))


def agency_performance_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One agency's published services' public performance figures as CSV."""
    agency = agency_public(slug=slug)
    rows = performance_rows(services=services_published(agency=agency).select_related("agency"))
    return _performance_csv(rows, f"{agency.slug}-performance.csv")


def agency_performance_json(request: HttpRequest, slug: str) -> HttpResponse:
    """One agency's published services' public performance figures as JSON."""
    agency = agency_public(slug=slug)
    rows = performance_rows(services=services_published(agency=agency).select_related("agency"))
    return _performance_json(rows)


def catalogue(request: HttpRequest) -> HttpResponse:
    """`/data.json`: every public dataset, DCAT-US 1.1 (Project Open Data) catalogue."""
    document = data_catalogue(request, list(agencies_public()))
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=1), content_type=JSON_TYPE)


def data_index(request: HttpRequest) -> HttpResponse:
    """The open datasets, their data dictionaries and files, for every agency and each one."""
    agencies = list(agencies_public())
    site_files = [
        (dataset, file_url(dataset.site, "csv"), file_url(dataset.site, "json"))
        for dataset in DATASETS
        if dataset.site is not None
    ]
    by_agency: list[tuple[Agency, list[tuple[Any, str, str]]]] = [
        (
            agency,
            [
                (d, file_url(d.agency, "csv", agency), file_url(d.agency, "json", agency))
                for d in DATASETS
                if d.agency is not None
            ],
        )
        for agency in agencies
    ]
    return render(
        request,
        "public/data/index.html",
        {
            "datasets": DATASETS,
            "site_files": site_files,
            "agency_datasets": [d for d in DATASETS if d.agency is not None],
            "by_agency": by_agency,
            "nav_section": "home",
        },
    )


def data_dictionary(request: HttpRequest, key: str) -> HttpResponse:
    """One dataset's fields: name, type and meaning; where its files are and how to filter."""
    dataset = BY_KEY.get(key)
    if dataset is None:
        raise Http404
    return render(
        request,
        "public/data/dictionary.html",
        {
            "dataset": dataset,
            "fields": dataset.fields(),
            "site_csv": file_url(dataset.site, "csv") if dataset.site else "",
            "site_json": file_url(dataset.site, "json") if dataset.site else "",
            "nav_section": "home",
        },
    )
