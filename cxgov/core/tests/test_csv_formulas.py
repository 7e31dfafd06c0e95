"""Every CSV the project offers, staff and public, holds no live spreadsheet formula.

The demo is loaded, every free-text column of every cxgov model is overwritten with a payload that
a spreadsheet would run (`=HYPERLINK(...)`, `+1`, `-1`, `@SUM(1)`, a leading tab), and every CSV
endpoint is downloaded (tables offered on a page are followed from its `download=` links, zips
are opened). No cell may start with a formula character unless it is a plain signed number.
A view that can answer with CSV but is missing from `CSV_ENDPOINTS` fails the completeness test.
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Left
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cxgov.a11.formats import EXPORT_FORMATS
from cxgov.core.models import User
from cxgov.core.services import token_create
from cxgov.core.tables import csv_cell
from cxgov.insights.fiscal import fiscal_quarter
from cxgov.reports.selectors import report_periods
from cxgov.surveys.models import Answer, Response
from cxgov.testing.prepared import prepared_get

PAYLOADS = ('=HYPERLINK("http://x")', "+1", "-1", "@SUM(1)", "\tx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text columns that are not free text: codes the pages parse, so a payload there would only
# break the page before it reaches a CSV.
NOT_FREE_TEXT = {"language", "languages", "time_zone", "password", "key", "public_id"}
# Models that refuse updates; nothing from them is downloaded as CSV.
APPEND_ONLY = {"core.AuditEvent", "core.ApprovalStep"}
AGENCY = "fba"
STAFF = "admin@fba.example.gov"
OVERSIGHT = "oversight@omb.example.gov"


@dataclass(frozen=True)
class Endpoint:
    """A URL name that answers with CSV, who may fetch it, and the addresses to fetch."""

    name: str
    urls: Callable[[], list[str]]
    user: str | None = STAFF
    follow_downloads: bool = False
    # The form a POST sends, for a CSV that answers a POST (codes made on request).
    post: dict[str, str] | None = None


def _quarter_query() -> str:
    latest = Response.objects.order_by("-submitted_at").first()
    assert latest is not None
    period = fiscal_quarter(latest.submitted_at.date())
    return f"fiscal_year={period.year}&quarter={period.quarter}"


def _surveys() -> list[int]:
    return list(Response.objects.order_by().values_list("survey_id", flat=True).distinct())


def _employee_surveys() -> list[int]:
    from cxgov.surveys.models import Survey

    return list(Survey.objects.filter(audience="employee").values_list("pk", flat=True))


def _periods() -> list[str]:
    from cxgov.core.models import Agency

    rows = report_periods(agency=Agency.objects.get(slug=AGENCY))
    return [row.period.slug for row in rows]


def _series() -> list[int]:
    from cxgov.benchmarks.models import Series

    return list(Series.objects.values_list("pk", flat=True))


def _benchmark_services() -> list[int]:
    from cxgov.benchmarks.models import Selection

    return list(Selection.objects.values_list("service_id", flat=True).distinct())


def _url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


CSV_ENDPOINTS = [
    Endpoint("feeds:standards_csv", lambda: [_url("feeds:standards_csv")], user=None),
    Endpoint("feeds:a11_quarterly_csv", lambda: [_url("feeds:a11_quarterly_csv")], user=None),
    Endpoint("feeds:performance_csv", lambda: [_url("feeds:performance_csv")], user=None),
    Endpoint(
        "feeds:agency_performance_csv",
        lambda: [_url("feeds:agency_performance_csv", slug=AGENCY)],
        user=None,
    ),
    Endpoint(
        "feeds:agency_standards_csv",
        lambda: [_url("feeds:agency_standards_csv", slug=AGENCY)],
        user=None,
    ),
    Endpoint(
        "public:complaints_data",
        lambda: [_url("public:complaints_data", slug=AGENCY, fmt="csv")],
        user=None,
    ),
    Endpoint(
        "registry:service_export", lambda: [_url("registry:service_export", slug=AGENCY, fmt="csv")]
    ),
    Endpoint("registry:agency_export", lambda: [_url("registry:agency_export", slug=AGENCY)]),
    Endpoint(
        "actions:action_list", lambda: [_url("actions:action_list", slug=AGENCY) + "?format=csv"]
    ),
    Endpoint(
        "a11:oversight",
        lambda: [_url("a11:oversight", slug=AGENCY) + f"?{_quarter_query()}&download=csv"],
        user=OVERSIGHT,
    ),
    Endpoint(
        "a11:export_download",
        lambda: [
            _url("a11:export_download", slug=AGENCY, format=f) + f"?{_quarter_query()}"
            for f in EXPORT_FORMATS
        ],
    ),
    Endpoint(
        "surveys:invitation_export",
        lambda: [_url("surveys:invitation_export", slug=AGENCY, survey_id=s) for s in _surveys()],
    ),
    Endpoint(
        "surveys:access_codes_issue",
        lambda: [
            _url("surveys:access_codes_issue", slug=AGENCY, survey_id=s)
            for s in _employee_surveys()
        ],
        post={"count": "3"},
    ),
    Endpoint(
        "surveys:response_export",
        lambda: [_url("surveys:response_export", slug=AGENCY, survey_id=s) for s in _surveys()],
    ),
    # The R file: a zip of the responses as CSV and the script that labels them.
    Endpoint(
        "surveys:response_research_export",
        lambda: [
            _url("surveys:response_research_export", slug=AGENCY, survey_id=s, fmt="r")
            for s in _surveys()
        ],
    ),
    Endpoint(
        "core:member_list",
        lambda: [_url("core:member_list", slug=AGENCY)],
        follow_downloads=True,
    ),
    Endpoint(
        "survey_results:index",
        lambda: [_url("survey_results:index", slug=AGENCY)],
        follow_downloads=True,
    ),
    Endpoint(
        "survey_results:oversight",
        lambda: [_url("survey_results:oversight", slug=AGENCY)],
        user=OVERSIGHT,
        follow_downloads=True,
    ),
    Endpoint(
        "survey_results:survey",
        lambda: [_url("survey_results:survey", slug=AGENCY, survey_id=s) for s in _surveys()],
        follow_downloads=True,
    ),
    Endpoint(
        "survey_results:drivers",
        lambda: [_url("survey_results:drivers", slug=AGENCY, survey_id=s) for s in _surveys()],
        follow_downloads=True,
    ),
    Endpoint(
        "benchmarks:agency", lambda: [_url("benchmarks:agency", slug=AGENCY)], follow_downloads=True
    ),
    Endpoint(
        "benchmarks:library",
        lambda: [_url("benchmarks:library", slug=AGENCY)],
        follow_downloads=True,
    ),
    Endpoint(
        "benchmarks:series",
        lambda: [_url("benchmarks:series", slug=AGENCY, series_id=s) for s in _series()],
        follow_downloads=True,
    ),
    Endpoint(
        "benchmarks:oversight",
        lambda: [_url("benchmarks:oversight", slug=AGENCY)],
        user=OVERSIGHT,
        follow_downloads=True,
    ),
    Endpoint(
        "benchmarks:service",
        lambda: [
            _url("benchmarks:service", slug=AGENCY, service_id=s) for s in _benchmark_services()
        ],
        follow_downloads=True,
    ),
    Endpoint(
        "reports:report",
        lambda: [_url("reports:report", slug=AGENCY, period=p) for p in _periods()],
        follow_downloads=True,
    ),
    Endpoint(
        "reports:tables_zip",
        lambda: [_url("reports:tables_zip", slug=AGENCY, period=p) for p in _periods()],
    ),
    Endpoint(
        "reports:scorecard",
        lambda: [_url("reports:scorecard", slug=AGENCY) + f"?{_quarter_query()}&format=csv"],
    ),
]

# Functions whose answer is a CSV (or a zip of CSVs); a view that reaches one answers with CSV.
CSV_MAKERS = {
    "csv_response",
    "csv_stream_response",
    "table_csv_response",
    "tables_page",
    "tables_zip",
    "agency_export_write",
}


def _names_used(node: ast.AST) -> set[str]:
    used = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            used.add(child.id)
        elif isinstance(child, ast.Attribute):
            used.add(child.attr)
    return used


def _csv_functions(module: ModuleType) -> set[str]:
    """Functions of a module that reach a CSV maker, directly or through the module's own."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    aliases = {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }
    functions = {
        node.name: {aliases.get(name, name) for name in _names_used(node)}
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    reaching = {name for name, used in functions.items() if used & CSV_MAKERS}
    while True:
        more = {name for name, used in functions.items() if used & reaching} - reaching
        if not more:
            return reaching
        reaching |= more


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", inspect.unwrap(pattern.callback)


def _csv_views() -> set[str]:
    found = set()
    for name, view in _patterns(get_resolver()):
        module = inspect.getmodule(view)
        if module is None or not module.__name__.startswith("cxgov."):
            continue
        if view.__name__ in _csv_functions(module):
            found.add(name)
    return found


def test_every_view_that_answers_with_csv_is_in_the_formula_walk():
    listed = {endpoint.name for endpoint in CSV_ENDPOINTS}
    assert _csv_views() - listed == set(), "add these views to CSV_ENDPOINTS"


def test_csv_is_written_only_by_core_tables():
    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"csv\.(writer|DictWriter)\(|content_type=\"text/csv")
    # The A-11 API route streams `a11.exporters.csv_lines`, which is `core.tables.csv_lines`.
    allowed = {root / "core" / "tables.py", root / "api" / "routers" / "a11.py"}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path not in allowed and writers.search(path.read_text())
    ]
    assert offenders == []


def _referenced(expressions: Any) -> set[str]:
    """The field names an expression-based constraint reads (F("x"), Coalesce("x", 0), ...)."""
    names: set[str] = set()
    for expression in expressions:
        if isinstance(expression, F):
            names.add(expression.name)
        elif isinstance(expression, str):
            names.add(expression)
        elif hasattr(expression, "get_source_expressions"):
            names.update(_referenced(expression.get_source_expressions()))
    return names


def _unique_together(model: type[models.Model]) -> set[str]:
    """Fields in a multi-column unique constraint: a cut payload could make two rows equal."""
    names = {name for group in model._meta.unique_together for name in group}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
            names.update(_referenced(constraint.expressions))
    return names


def _poison_free_text() -> None:
    """Every free-text column of every cxgov model, in every row, starts with a payload."""
    n = 0
    for model in apps.get_models():
        if not model.__module__.startswith("cxgov.") or model._meta.label in APPEND_ONLY:
            continue
        keyed = _unique_together(model)
        for field in model._meta.concrete_fields:
            if (
                type(field) not in (models.CharField, models.TextField)
                or field.choices
                or field.unique
                or field.name in keyed
                or field.primary_key
                or field.name in NOT_FREE_TEXT
            ):
                continue
            payload = PAYLOADS[n % len(PAYLOADS)]
            n += 1
            # Prefixing keeps each value unique where a constraint asks for it.
            value: Any = Concat(Value(f"{payload} "), F(field.name), output_field=field)
            if field.max_length:
                value = Left(value, field.max_length)
            model._default_manager.exclude(**{field.name: ""}).update(**{field.name: value})


def _keep_a_few_responses() -> None:
    """A few responses per survey: every column is still there, the walk stays quick."""
    keep = [
        pk
        for survey_id in Response.objects.order_by().values_list("survey_id", flat=True).distinct()
        for pk in Response.objects.filter(survey_id=survey_id)
        .order_by("-submitted_at")
        .values_list("pk", flat=True)[:25]
    ]
    Answer.objects.exclude(response_id__in=keep).delete()
    Response.objects.exclude(pk__in=keep).delete()


def _client(email: str | None) -> Client:
    client = Client()
    if email is not None:
        client.force_login(User.objects.get(email=email))
    return client


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv_files(response: Any) -> Iterator[tuple[str, str]]:
    body = _body(response)
    if response["Content-Type"].startswith("application/zip"):
        archive = zipfile.ZipFile(io.BytesIO(body))
        for name in archive.namelist():
            if name.endswith(".csv"):
                yield name, archive.read(name).decode("utf-8-sig")
    else:
        yield response.request["PATH_INFO"], body.decode("utf-8-sig")


def _live_formulas(text: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.startswith(FORMULA_START) and csv_cell(cell) != cell
    ]


def _download_links(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="(\?[^"]*download=[^"]+)"', html)))


def test_no_csv_download_holds_a_live_formula(demo_data: None, settings: Any, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the prepared export's file
    _poison_free_text()
    _token, raw = token_create(user=User.objects.get(email=STAFF), name="csv walk")
    fetched: dict[str, int] = {}
    live: dict[str, list[str]] = {}
    guarded = 0

    def check(client: Client, url: str, post: dict[str, str] | None = None) -> None:
        nonlocal guarded
        response = prepared_get(client, url) if post is None else client.post(url, post)
        assert response.status_code == 200, url
        for name, text in _csv_files(response):
            fetched[name] = fetched.get(name, 0) + 1
            guarded += text.count("'=HYPERLINK")
            if found := _live_formulas(text):
                live[f"{url} {name}"] = found[:3]

    for endpoint in CSV_ENDPOINTS:
        import time

        print(endpoint.name, time.time(), flush=True)
        client = _client(endpoint.user)
        urls = endpoint.urls()
        assert urls, f"{endpoint.name}: the demo has nothing to download"
        for url in urls:
            if not endpoint.follow_downloads:
                check(client, url, endpoint.post)
                continue
            page = prepared_get(client, url)
            assert page.status_code == 200, url
            for link in _download_links(page.content.decode()):
                check(client, url + link.replace("&amp;", "&"))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for export_format in EXPORT_FORMATS:
        check(api, f"/api/v1/a11/exports/{export_format}?{_quarter_query()}&agency={AGENCY}")
    assert live == {}
    assert guarded > 0, "no payload reached any CSV: the walk tests nothing"
