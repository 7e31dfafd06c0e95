"""The public datasets: what each feed holds, field by field, and the DCAT-US 1.1 catalogue.

`DATASETS` names every CSV/JSON feed the site serves (a new feed adds an entry here, so the
`/data/` list, its data dictionary page and `/data.json` show it). A dataset is served for all
agencies at once, for each agency, or both; `/data.json` lists each file set as a dataset with
its publisher: the agency, or `OPEN_DATA_PUBLISHER` for the files covering every agency.
See docs/open-data.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cxgov.a11.selectors import a11_public_updated_by_agency
from cxgov.complaints.selectors import complaints_updated_by_agency
from cxgov.core.models import Agency
from cxgov.standards.selectors import standards_posted

CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
SCHEMA = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"


@dataclass(frozen=True)
class Field:
    """One column of a feed: its name, its type and what it means."""

    name: str
    type: Promise | str
    meaning: Promise | str


TEXT, INTEGER, NUMBER = _("text"), _("whole number"), _("decimal number")
DATE, DATETIME = _("date (YYYY-MM-DD)"), _("date and time (ISO 8601, UTC)")


def _f(name: str, type_: Promise | str, meaning: Promise | str) -> Field:
    return Field(name, type_, meaning)


# Columns that mean the same in more than one feed, described once so the dictionaries agree.
AGENCY_SLUG = _f("agency", TEXT, _("The agency's short name in web addresses."))
PERIOD_START = _f("period_start", DATE, _("First day of the period."))
PERIOD_END = _f("period_end", DATE, _("Last day of the period."))


# --- A-11 quarterly results, performance.gov layout -----------------------------------------

TOPICS = {
    1: _("satisfaction"),
    2: _("trust"),
    3: _("effectiveness"),
    4: _("ease"),
    5: _("efficiency"),
    6: _("transparency"),
    7: _("employee helpfulness"),
}


def _slot_fields(slot: int) -> list[Field]:
    topic = TOPICS.get(slot, _("the agency's own question"))
    fields = [
        _f(
            f"attributes_q{slot}_text",
            TEXT,
            _("Question %(n)s (%(topic)s): its wording as fielded.") % {"n": slot, "topic": topic},
        )
    ]
    labels = {
        1: _("strongly disagree"),
        2: _("disagree"),
        3: _("neither agree nor disagree"),
        4: _("agree"),
        5: _("strongly agree"),
    }
    for value, label in labels.items():
        fields.append(
            _f(
                f"attributes_q{slot}_{value}",
                INTEGER,
                _(
                    "Question %(n)s: customers who answered %(value)s (%(label)s). Empty when "
                    "fewer people answered than the publication threshold."
                )
                % {"n": slot, "value": value, "label": label},
            )
        )
    fields.append(
        _f(
            f"attributes_q{slot}_point_scale",
            NUMBER,
            _(
                "Question %(n)s: the mean answer from 1 to 5 as published (A-11 point scale); "
                "empty when not published or withheld."
            )
            % {"n": slot},
        )
    )
    return fields


def a11_quarterly_fields() -> list[Field]:
    fields = [
        _f("id", TEXT, _("Record id: the performance.gov id of an imported record.")),
        _f("type", TEXT, _("Always omb_cx_reporting_collections, as in the performance.gov API.")),
        _f("attributes_organization_id", INTEGER, _("Department (cxgov's number).")),
        _f("attributes_organization_name", TEXT, _("Department name.")),
        _f("attributes_organization_abbreviation", TEXT, _("Department abbreviation.")),
        _f(
            "attributes_service_provider_id",
            INTEGER,
            _("High-impact service provider (cxgov's agency number)."),
        ),
        _f("attributes_service_provider_name", TEXT, _("High-impact service provider name.")),
        _f("attributes_collection_id", INTEGER, _("The quarterly report (cxgov's number).")),
        _f("attributes_collection_name", TEXT, _("Always “CX Quarterly Reporting”.")),
        _f("attributes_collection_year", INTEGER, _("Federal fiscal year (October to September).")),
        _f("attributes_collection_quarter", INTEGER, _("Fiscal quarter, 1 (October) to 4.")),
        _f("attributes_service_provided", TEXT, _("The service or survey reported on.")),
        _f("attributes_transaction_point", TEXT, _("When in the journey customers were asked.")),
        _f("attributes_channel", TEXT, _("Channel the survey was offered in, e.g. email.")),
        _f(
            "attributes_volume_of_customers",
            NUMBER,
            _("Customers served in the quarter (written 123.0, as performance.gov writes it)."),
        ),
        _f(
            "attributes_volume_of_customers_provided_survey_opportunity",
            NUMBER,
            _("Customers offered the survey (written 123.0, as performance.gov writes it)."),
        ),
        _f("attributes_volume_of_respondents", INTEGER, _("Customers who answered the survey.")),
        _f("attributes_omb_control_number", TEXT, _("The survey's OMB control number.")),
        _f("attributes_federal_register_url", TEXT, _("Not kept by cxgov: always empty.")),
    ]
    for slot in range(1, 12):
        fields.extend(_slot_fields(slot))
    fields += [
        _f("attributes_created_at", DATETIME, _("When the record was imported or created.")),
        _f("attributes_updated_at", DATETIME, _("When it was last changed or published.")),
        _f("attributes_operational_metrics", TEXT, _("Not kept by cxgov: always empty.")),
        _f("attributes_service_id", INTEGER, _("The service (cxgov's number).")),
        _f("attributes_service_name", TEXT, _("The service's name.")),
        _f("attributes_service_slug", TEXT, _("The service's short name in web addresses.")),
        _f("service_desc", TEXT, _("What the service is.")),
        _f("service_provider_desc", TEXT, _("The service provider's mission.")),
    ]
    return fields


def standards_fields() -> list[Field]:
    return [
        _f("service_id", TEXT, _("The service: its published id, else agency/service.")),
        _f("service_standard_id", TEXT, _("The standard: its published id, else cxgov's.")),
        _f("service_standard_en", TEXT, _("The standard as posted, in English.")),
        _f("type", TEXT, _("Kind of standard (Canada's codes: TML timeliness, ACS access, …).")),
        _f("channel", TEXT, _("Channel the standard applies to; empty for all.")),
        _f("target", NUMBER, _("Share of transactions that should meet it, 0 to 1.")),
        _f("volume_meeting_target", INTEGER, _("Transactions that met it in the period.")),
        _f("total_volume", INTEGER, _("Transactions counted in the period.")),
        _f("performance", NUMBER, _("Share that met it, 0 to 1.")),
        _f("target_met", TEXT, _("Y met, N not met, empty when not judged.")),
        _f("period", TEXT, _("The period, e.g. 2024-25 or FY2025 Q1.")),
        _f("service_standard_es", TEXT, _("The standard as posted, in Spanish.")),
        AGENCY_SLUG,
        PERIOD_START,
        PERIOD_END,
    ]


def complaints_fields() -> list[Field]:
    return [
        _f("Date received", DATE, _("The day the complaint arrived.")),
        _f("Product", TEXT, _("Category of the complaint.")),
        _f("Issue", TEXT, _("Subcategory of the complaint.")),
        _f("Service", TEXT, _("The service it is about.")),
        _f(
            "Consumer complaint narrative",
            TEXT,
            _("What happened, only when the person consented, with personal details removed."),
        ),
        _f("Company response to consumer", TEXT, _("How the agency answered.")),
        _f("Timely response?", TEXT, _("Yes or No: answered on time; empty while open.")),
        _f(
            "Consumer disputed?", TEXT, _("Yes, No or N/A: whether the person disputed the answer.")
        ),
        _f("Consumer consent provided?", TEXT, _("Whether the narrative may be published.")),
        _f("Submitted via", TEXT, _("Channel the complaint came through.")),
        _f("Status", TEXT, _("Where the complaint stands.")),
        _f("Complaint ID", TEXT, _("The complaint's number.")),
    ]


def performance_fields() -> list[Field]:
    return [
        AGENCY_SLUG,
        _f("service", TEXT, _("The service's short name in web addresses.")),
        _f("service_name", TEXT, _("The service's name.")),
        _f(
            "section",
            TEXT,
            _(
                "Part of the performance page: survey (trust and satisfaction), drivers (what "
                "went well or not), standards, complaints or channels."
            ),
        ),
        _f(
            "figure",
            TEXT,
            _(
                "The figure: trust, satisfaction, went_well, went_poorly, standard, received, "
                "on_time, median_days, channel_share or digital_share."
            ),
        ),
        _f(
            "item",
            TEXT,
            _(
                "The reason's code as the survey stores it, the standard's id or the "
                "channel's kind."
            ),
        ),
        _f("label", TEXT, _("The reason, standard or channel as the page names it.")),
        _f("period", TEXT, _("The period, e.g. FY2026 Q1; empty for yearly channel volumes.")),
        PERIOD_START,
        PERIOD_END,
        _f(
            "measure",
            TEXT,
            _("The measure of cxgov's measure registry the figure is (e.g. top_2_box)."),
        ),
        _f(
            "value",
            NUMBER,
            _(
                "The figure as published (a percentage, or days); empty when withheld "
                "because fewer answered than the publication threshold, or with no data."
            ),
        ),
        _f("unit", TEXT, _("percent or days.")),
        _f("ci_low", NUMBER, _("Lower end of the 95% confidence interval; empty when withheld.")),
        _f("ci_high", NUMBER, _("Upper end of the 95% confidence interval; empty when withheld.")),
        _f(
            "n",
            INTEGER,
            _(
                "Answers or cases the figure comes from; for channels, every transaction in a "
                "year (a count, not a sample, so no interval)."
            ),
        ),
        _f("count", INTEGER, _("Complaints received, or transactions a year in the channel.")),
        _f("suppressed", TEXT, _("yes when the value is withheld under the threshold, else no.")),
        _f(
            "status",
            TEXT,
            _("For a standard: met, not_met, unclear, too_few or no_data in its latest period."),
        ),
    ]


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Files:
    """Where a dataset's CSV and JSON are: URL names and how to fill them for an agency."""

    csv: str
    json: str
    agency_kwargs: Callable[[Agency], dict[str, str]] | None = None
    agency_query: Callable[[Agency], dict[str, str]] | None = None
    fixed_kwargs: Callable[[str], dict[str, str]] | None = None  # the format as a kwarg


@dataclass(frozen=True)
class Dataset:
    """A feed the site serves, for every agency (`site`), for each agency (`agency`), or both."""

    key: str
    title: Promise
    description: Promise
    json_shape: Promise
    keywords: tuple[str, ...]
    fields: Callable[[], list[Field]]
    site: Files | None
    agency: Files | None
    periodicity: str  # ISO 8601 repeating duration, DCAT-US accrualPeriodicity
    filters: Promise | None = None


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        key="a11-quarterly",
        title=_("A-11 quarterly customer experience results"),
        description=_(
            "OMB Circular A-11 Section 280 quarterly results per service and survey: volumes, "
            "answers to each question counted from 1 to 5 and the point scale, in the columns "
            "of performance.gov's CX data. Imported performance.gov figures and agencies' "
            "published reports; a question answered by fewer people than the publication "
            "threshold is withheld."
        ),
        json_shape=_(
            'A JSON:API document: {"data": [records]}; each record has id, type, an '
            "attributes object (the attributes_ columns without the prefix) and service_desc "
            'and service_provider_desc. pandas.json_normalize(data, sep="_") gives the CSV '
            "columns. Counts and volumes are numbers, or null when withheld or unknown."
        ),
        keywords=("customer experience", "A-11 Section 280", "performance.gov", "survey", "trust"),
        fields=a11_quarterly_fields,
        site=Files(csv="feeds:a11_quarterly_csv", json="feeds:a11_quarterly_json"),
        agency=Files(
            csv="feeds:a11_quarterly_csv",
            json="feeds:a11_quarterly_json",
            agency_query=lambda agency: {"agency": agency.slug},
        ),
        periodicity="R/P3M",
        filters=_(
            "fiscal_year (e.g. 2021), quarter (1 to 4) and agency (short name or abbreviation; "
            "a department includes its bureaus). A value that is not valid answers 400 with "
            "the reason."
        ),
    ),
    Dataset(
        key="standards",
        title=_("Service standards and results"),
        description=_(
            "Every posted service standard with its target and the result of each period, in "
            "the columns of the Government of Canada's service standards data."
        ),
        json_shape=_('An object: {"columns": [names], "standards": [rows as objects]}.'),
        keywords=("service standards", "customer experience", "timeliness"),
        fields=standards_fields,
        site=Files(csv="feeds:standards_csv", json="feeds:standards_json"),
        agency=Files(
            csv="feeds:agency_standards_csv",
            json="feeds:agency_standards_json",
            agency_kwargs=lambda agency: {"slug": agency.slug},
        ),
        periodicity="R/P1D",
    ),
    Dataset(
        key="complaints",
        title=_("Complaints"),
        description=_(
            "The agency's complaints without contact details, in columns like the Consumer "
            "Financial Protection Bureau's complaint database; the narrative only with consent."
        ),
        json_shape=_("A list of objects, one per complaint, with the CSV's column names."),
        keywords=("complaints", "customer experience"),
        fields=complaints_fields,
        site=None,
        agency=Files(
            csv="public:complaints_data",
            json="public:complaints_data",
            agency_kwargs=lambda agency: {"slug": agency.slug},
            fixed_kwargs=lambda fmt: {"fmt": fmt},
        ),
        periodicity="R/P1D",
    ),
    Dataset(
        key="service-performance",
        title=_("Service performance"),
        description=_(
            "Every figure of the services' public performance pages, one row per figure: trust "
            "and satisfaction by quarter for eight quarters, what went well and what did not, "
            "each posted standard's latest result, complaints received, answered on time and "
            "median days to answer, and the share of transactions by channel. Each figure has "
            "its n and 95% interval; only surveys whose results the agency publishes count, "
            "and a figure from fewer answers than the publication threshold is withheld."
        ),
        json_shape=_(
            'An object: {"columns": [names], "figures": [rows as objects]}; numbers are '
            "numbers, or null when withheld or unknown."
        ),
        keywords=("customer experience", "trust", "satisfaction", "service standards"),
        fields=performance_fields,
        site=Files(csv="feeds:performance_csv", json="feeds:performance_json"),
        agency=Files(
            csv="feeds:agency_performance_csv",
            json="feeds:agency_performance_json",
            agency_kwargs=lambda agency: {"slug": agency.slug},
        ),
        periodicity="R/P1D",
    ),
)
BY_KEY = {dataset.key: dataset for dataset in DATASETS}


def file_url(files: Files, fmt: str, agency: Agency | None = None) -> str:
    """The path of one file; machine-readable files never carry a language prefix."""
    kwargs: dict[str, str] = {}
    if agency is not None and files.agency_kwargs is not None:
        kwargs.update(files.agency_kwargs(agency))
    if files.fixed_kwargs is not None:
        kwargs.update(files.fixed_kwargs(fmt))
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(files.csv if fmt == "csv" else files.json, kwargs=kwargs)
    if agency is not None and files.agency_query is not None:
        path += "?" + urlencode(files.agency_query(agency))
    return path


# --- DCAT-US 1.1 ------------------------------------------------------------------------------


def _stamp(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _latest_by_agency() -> dict[str, dict[int | None, datetime]]:
    """When each dataset last changed, per agency (None: any agency)."""
    latest: dict[str, dict[int | None, datetime]] = {d.key: {} for d in DATASETS}

    def add(key: str, agency_id: int, when: datetime | None) -> None:
        if when is None:
            return
        for scope in (agency_id, None):
            known = latest[key].get(scope)
            latest[key][scope] = when if known is None or when > known else known

    for agency_id, when in a11_public_updated_by_agency():
        add("a11-quarterly", agency_id, when)
    posted = standards_posted().order_by()
    for row in posted.values("agency_id").annotate(m=Max("results_updated_at")):
        add("standards", row["agency_id"], row["m"])
    for agency_id, when in complaints_updated_by_agency():
        add("complaints", agency_id, when)
    return latest


def _publisher(agency: Agency | None) -> dict[str, Any]:
    if agency is None:
        return {"@type": "org:Organization", "name": settings.OPEN_DATA_PUBLISHER}
    publisher: dict[str, Any] = {"@type": "org:Organization", "name": agency.name}
    if agency.parent is not None:
        publisher["subOrganizationOf"] = {"@type": "org:Organization", "name": agency.parent.name}
    return publisher


def _codes(agency: Agency | None) -> tuple[str, str]:
    bureau = program = ""
    for holder in (agency, agency.parent if agency else None):
        if holder is not None:
            bureau = bureau or holder.omb_bureau_code
            program = program or holder.federal_program_code
    return (
        bureau or settings.OPEN_DATA_BUREAU_CODE,
        program or settings.OPEN_DATA_PROGRAM_CODE,
    )


def _entry(
    request: HttpRequest,
    dataset: Dataset,
    files: Files,
    agency: Agency | None,
    modified: datetime | None,
) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        dictionary = request.build_absolute_uri(
            reverse("public:data_dictionary", kwargs={"key": dataset.key})
        )
        title = str(dataset.title) + (f": {agency.name}" if agency else "")
        description = str(dataset.description)
    bureau, program = _codes(agency)
    csv_url = request.build_absolute_uri(file_url(files, "csv", agency))
    keywords = list(dataset.keywords) + (
        [agency.abbreviation] if agency and agency.abbreviation else []
    )
    return {
        "@type": "dcat:Dataset",
        "identifier": csv_url,
        "title": title,
        "description": description,
        "keyword": keywords,
        "modified": _stamp(modified) or dataset.periodicity,
        "publisher": _publisher(agency),
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": settings.OPEN_DATA_CONTACT_NAME,
            "hasEmail": f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}",
        },
        "accessLevel": "public",
        "bureauCode": [bureau],
        "programCode": [program],
        "license": settings.OPEN_DATA_LICENSE,
        "accrualPeriodicity": dataset.periodicity,
        "landingPage": dictionary,
        "describedBy": dictionary,
        "describedByType": "text/html",
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "downloadURL": request.build_absolute_uri(file_url(files, fmt, agency)),
                "mediaType": media,
                "format": fmt.upper(),
                "describedBy": dictionary,
                "describedByType": "text/html",
            }
            for fmt, media in (("csv", "text/csv"), ("json", "application/json"))
        ],
    }


def data_catalogue(request: HttpRequest, agencies: list[Agency]) -> dict[str, Any]:
    """The DCAT-US 1.1 catalogue: each dataset for every agency, then for each agency."""
    latest = _latest_by_agency()
    entries = []
    for dataset in DATASETS:
        if dataset.site is not None:
            entries.append(
                _entry(request, dataset, dataset.site, None, latest[dataset.key].get(None))
            )
        if dataset.agency is not None:
            for agency in agencies:
                entries.append(
                    _entry(
                        request,
                        dataset,
                        dataset.agency,
                        agency,
                        latest[dataset.key].get(agency.pk),
                    )
                )
    return {
        "@context": CONTEXT,
        "@id": request.build_absolute_uri(reverse("feeds:data_catalogue")),
        "@type": "dcat:Catalog",
        "conformsTo": CONFORMS_TO,
        "describedBy": SCHEMA,
        "dataset": entries,
    }
