"""Staff benchmark pages: agency overview, library, service comparisons, upload, oversight.

Every table on these pages is also a CSV download: the same view answers `?download=<table>`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.benchmarks import services as benchmarks
from cxgov.benchmarks.comparisons import (
    VERDICT_LABELS,
    Benchmark,
    ComparisonRow,
    period_year,
    service_comparison,
    services_periods,
)
from cxgov.benchmarks.comparisons import (
    measure_labels as _labels,
)
from cxgov.benchmarks.comparisons import (
    number_text as _number,
)
from cxgov.benchmarks.forms import BenchmarkImportForm, OwnMeasureForm, SelectionForm
from cxgov.benchmarks.importers import benchmarks_import
from cxgov.benchmarks.models import Selection, Series
from cxgov.benchmarks.prepared import (
    OVERSIGHT_RANKING,
    OVERSIGHT_RANKING_MAX_AGE,
    oversight_params,
    prepared_measures,
    respondent_measures_request,
)
from cxgov.benchmarks.selectors import (
    access_selection,
    access_series,
    federal_acsi_series,
    observations_for_series,
    oversight_agencies,
    selections_for_agency,
    selections_for_service,
    series_visible,
)
from cxgov.core.models import Agency, PreparedFile
from cxgov.core.pages import agency_import_view, object_form_page
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency
from cxgov.core.tables import Link, Table
from cxgov.core.tables import tables_page as _page
from cxgov.core.views_prepared import prepared_page_data
from cxgov.insights.acsi import ComparableMeasure
from cxgov.insights.charts import line_svg
from cxgov.registry.models import Service
from cxgov.registry.selectors import access_service, services_for_agency


def _can_edit(request: HttpRequest, agency: Agency) -> bool:
    return user_can(user=request.user, agency=agency, need=Can.EDIT_BENCHMARKS)


_REFUSALS = {
    "metric": gettext_lazy("the metrics differ"),
    "wording_missing": gettext_lazy(
        "the question wording of one side is not recorded, so it cannot be checked"
    ),
    "wording": gettext_lazy("the questions are worded differently"),
    "scale": gettext_lazy("the scales differ and no documented conversion links them"),
}


def _refusal(benchmark: Benchmark) -> str:
    reason = _REFUSALS.get(benchmark.check.code)
    return str(reason) if reason is not None else benchmark.reason


def _verdict(benchmark: Benchmark | None) -> str:
    if benchmark is None or benchmark.gap is None:
        return ""
    return str(VERDICT_LABELS[benchmark.gap.verdict])


def _interval(benchmark: Benchmark | None) -> str:
    if benchmark is None or benchmark.gap is None or benchmark.gap.low is None:
        return ""
    return f"{benchmark.gap.low:.1f} {_('to')} {_number(benchmark.gap.high)}"


def _federal_chart() -> tuple[Table, str | None, Series | None]:
    series = federal_acsi_series()
    table = Table(
        "federal",
        _("Federal government ACSI score by year"),
        [_("Year"), _("Score (0-100)"), _("Derived"), _("Source")],
    )
    if series is None:
        return table, None, None
    observations = [o for o in observations_for_series(series=series) if 1999 <= o.year <= 2024]
    for observation in observations:
        table.rows.append(
            [
                observation.period,
                _number(float(observation.value)),
                _("Yes") if observation.derived else _("No"),
                Link(_("Source"), observation.source_url, csv_url=True)
                if observation.source_url
                else "",
            ]
        )
    chart = None
    if observations:
        values = [float(o.value) for o in observations]
        chart = line_svg(
            labels=[o.period for o in observations],
            values=values,
            title=_("Federal government ACSI, %(first)s to %(last)s")
            % {"first": observations[0].period, "last": observations[-1].period},
            value_label=_("ACSI score (0-100)"),
            description=_(
                "%(n)s published yearly scores from %(low)s to %(high)s; the table below gives "
                "each year. Years without a published score are skipped."
            )
            % {"n": len(values), "low": f"{min(values):.1f}", "high": f"{max(values):.1f}"},
            chart_id="federal",
            y_limits=(50, 80),
        )
    return table, chart, series


def _respondent_measures(
    request: HttpRequest, agency: Agency, *, title: str
) -> tuple[PreparedFile, dict[int, list[ComparableMeasure]]] | HttpResponse:
    """The respondent-level own measures of the agency's services as the worker prepared them
    (decision 0075), none while they are first prepared: the page shows the rest and says so
    in its services section. Else the response to a "Refresh" (call access_* first)."""
    prepared = prepared_page_data(
        request, **respondent_measures_request(agency=agency), title=title, whole_page=False
    )
    if isinstance(prepared, HttpResponse):
        return prepared
    if prepared.data is None:
        return prepared, {}
    return prepared, prepared_measures(data=prepared.data)


@login_required
def agency_home(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug)
    found = _respondent_measures(request, agency, title=_("Benchmarks"))
    if isinstance(found, HttpResponse):
        return found
    prepared, respondent_level = found
    services = Table(
        "services",
        _("Services and their benchmarks"),
        [_("Service"), _("Periods with own measures"), _("Best-in-business choices")],
    )
    chosen = list(selections_for_agency(agency=agency))
    choices = Counter(selection.service_id for selection in chosen)
    listed = list(services_for_agency(agency=agency))
    periods = services_periods(services=listed, prepared=respondent_level)
    for service in listed:
        services.rows.append(
            [
                Link(
                    service.name,
                    reverse(
                        "benchmarks:service",
                        kwargs={"slug": agency.slug, "service_id": service.pk},
                    ),
                ),
                ", ".join(periods[service.pk]) or _("None yet"),
                choices[service.pk],
            ]
        )
    selections = _selections_table(chosen)
    federal, chart, federal_series = _federal_chart()
    return _page(
        request,
        "benchmarks/agency.html",
        {
            "agency": agency,
            "chart": chart,
            "federal_series": federal_series,
            "can_edit": _can_edit(request, agency),
            "prepared": prepared,
        },
        tables=[services, selections, federal],
        filename=f"{agency.slug}-benchmarks",
    )


def _selections_table(chosen: list[Selection]) -> Table:
    table = Table(
        "selections",
        _("Best-in-business choices for the customer service plan"),
        [_("Service"), _("Benchmark"), _("Sector"), _("Why"), _("Chosen by")],
    )
    for selection in chosen:
        table.rows.append(
            [
                selection.service.name,
                str(selection.series),
                selection.series.get_sector_display(),
                selection.reason,
                selection.chosen_by,
            ]
        )
    return table


@login_required
def library(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug)
    table = Table(
        "series",
        _("Benchmark series"),
        [
            _("Series"),
            _("Organisation"),
            _("Metric"),
            _("Scale"),
            _("Sector"),
            _("Source"),
            _("Periods"),
        ],
    )
    for series in series_visible(agency=agency).filter(service__isnull=True):
        metric, scale = _labels(series.metric, series.scale)
        table.rows.append(
            [
                Link(
                    series.name,
                    reverse(
                        "benchmarks:series", kwargs={"slug": agency.slug, "series_id": series.pk}
                    ),
                ),
                series.entity,
                metric,
                scale,
                series.get_sector_display(),
                series.source.name,
                series.observation_count,  # type: ignore[attr-defined]
            ]
        )
    return _page(
        request,
        "benchmarks/library.html",
        {"agency": agency, "can_edit": _can_edit(request, agency)},
        tables=[table],
        filename=f"{agency.slug}-benchmark-library",
    )


@login_required
def series_detail(request: HttpRequest, slug: str, series_id: int) -> HttpResponse:
    series = access_series(user=request.user, agency_slug=slug, series_id=series_id)
    agency = access_agency(user=request.user, agency_slug=slug)
    observations = list(observations_for_series(series=series))
    table = Table(
        "observations",
        _("Values by period"),
        [_("Period"), _("Value"), _("Sample size"), _("Standard error"), _("Derived"), _("Source")],
    )
    for observation in observations:
        table.rows.append(
            [
                observation.period,
                _number(float(observation.value)),
                observation.sample_size or "",
                observation.standard_error if observation.standard_error is not None else "",
                _("Yes") if observation.derived else _("No"),
                Link(_("Source"), observation.source_url, csv_url=True)
                if observation.source_url
                else "",
            ]
        )
    chart = None
    if len(observations) >= 2:
        values = [float(o.value) for o in observations]
        chart = line_svg(
            labels=[o.period for o in observations],
            values=values,
            title=str(series),
            value_label=_labels(series.metric, series.scale)[1],
            description=_("%(n)s values from %(first)s to %(last)s; the table gives each one.")
            % {"n": len(values), "first": observations[0].period, "last": observations[-1].period},
            chart_id="series",
        )
    metric, scale = _labels(series.metric, series.scale)
    return _page(
        request,
        "benchmarks/series.html",
        {"agency": agency, "series": series, "chart": chart, "metric": metric, "scale": scale},
        tables=[table],
        filename=f"benchmark-series-{series.pk}",
    )


def _comparison_table(rows: list[ComparisonRow]) -> tuple[Table, Table]:
    table = Table(
        "comparisons",
        _("Own measures beside their benchmarks"),
        [
            _("Own measure"),
            _("Metric"),
            _("Period"),
            _("Value"),
            _("n"),
            _("Compared with"),
            _("Benchmark"),
            _("Benchmark value"),
            _("Gap"),
            _("95% interval of the gap"),
            _("Verdict"),
            _("Note"),
        ],
    )
    refused = Table(
        "refused",
        _("Benchmarks not compared, and why"),
        [_("Own measure"), _("Benchmark"), _("Reason")],
    )
    roles = {
        "private": _("Best private sector"),
        "federal": _("Federal average"),
        "prior": _("Own prior period"),
        "selected": _("Chosen best in business"),
    }
    for row in rows:
        own = row.measure
        metric, _scale = _labels(own.metric, own.scale)
        own_cells = [own.label, metric, own.period, _number(own.value), own.n or ""]
        found = [
            ("private", row.best_private),
            ("federal", row.federal_average),
            ("prior", row.prior),
            *[("selected", benchmark) for benchmark in row.selected],
        ]
        shown = [(role, benchmark) for role, benchmark in found if benchmark is not None]
        if not shown:
            table.rows.append([*own_cells, _("Nothing comparable"), "", "", "", "", "", ""])
        for role, benchmark in shown:
            assert benchmark is not None  # noqa: S101 - filtered above
            note = []
            if benchmark.check.conversion is not None and benchmark.check.conversion.approximate:
                note.append(
                    _("Approximate: converted with %(formula)s")
                    % {"formula": benchmark.check.conversion.formula}
                )
            if benchmark.observation is not None and benchmark.observation.derived:
                note.append(_("Derived figure"))
            if benchmark.stale and benchmark.observation is not None:
                note.append(
                    _(
                        "Published for %(year)s, %(years)s years before this measure: "
                        "customers' expectations may have changed since"
                    )
                    % {"year": benchmark.observation.year, "years": benchmark.years_older}
                )
            table.rows.append(
                [
                    *own_cells,
                    roles[role],
                    f"{benchmark.label} ({benchmark.measure.period})",
                    _number(benchmark.measure.value),
                    _number(benchmark.gap.difference) if benchmark.gap else "",
                    _interval(benchmark),
                    _verdict(benchmark),
                    "; ".join(note),
                ]
            )
        for benchmark in row.refused[:20]:
            refused.rows.append(
                [
                    f"{own.label} ({own.period})",
                    f"{benchmark.label} ({benchmark.measure.period})",
                    _("Not comparable: %(reason)s") % {"reason": _refusal(benchmark)},
                ]
            )
    return table, refused


@login_required
def service_page(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    service = access_service(user=request.user, agency_slug=slug, service_id=service_id)
    found = _respondent_measures(
        request,
        service.agency,
        title=_("Benchmarks for %(name)s") % {"name": service.name},
    )
    if isinstance(found, HttpResponse):
        return found
    prepared, respondent_level = found
    shown = service_comparison(
        service=service, period=request.GET.get("period"), prepared=respondent_level
    )
    comparisons, refused = _comparison_table(shown.rows)
    selections = Table(
        "selections",
        _("Chosen best in business"),
        [_("Benchmark"), _("Sector"), _("Why"), _("Chosen by")],
    )
    chosen = list(selections_for_service(service=service))
    for selection in chosen:
        selections.rows.append(
            [
                str(selection.series),
                selection.series.get_sector_display(),
                selection.reason,
                selection.chosen_by,
            ]
        )
    can_edit = _can_edit(request, service.agency)
    return _page(
        request,
        "benchmarks/service.html",
        {
            "agency": service.agency,
            "service": service,
            "periods": shown.periods,
            "period": shown.period,
            "chosen": chosen,
            "can_edit": can_edit,
            "prepared": prepared,
            "measure_form": OwnMeasureForm() if can_edit else None,
            "selection_form": _selection_form(service) if can_edit else None,
        },
        tables=[comparisons, refused, selections],
        filename=f"{service.agency.slug}-service-{service.pk}-benchmarks",
    )


def _selection_form(service: Service, data: Any = None) -> SelectionForm:
    return SelectionForm(
        data, series=series_visible(agency=service.agency).filter(service__isnull=True)
    )


def _service_form_page(request: HttpRequest, service: Service, **page: Any) -> HttpResponse:
    """A benchmarks form about one service that returns to the service's benchmarks page."""
    service_url = reverse(
        "benchmarks:service", kwargs={"slug": service.agency.slug, "service_id": service.pk}
    )
    return object_form_page(
        request, service, name="service", section="benchmarks", back_url=service_url, **page
    )


@login_required
def measure_create(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    service = access_service(
        user=request.user, agency_slug=slug, service_id=service_id, need=Can.EDIT_BENCHMARKS
    )

    def save(data: dict[str, Any]) -> None:
        year = period_year(data["period"])
        assert year is not None  # noqa: S101 - the form checked the period
        benchmarks.own_measure_record(
            actor=request.user,
            service=service,
            metric=data["metric"],
            scale=data["scale"],
            wording=data["wording"],
            period=data["period"],
            year=year,
            value=data["value"],
            sample_size=data["sample_size"],
            standard_error=data["standard_error"],
            note=data["note"],
        )

    return _service_form_page(
        request,
        service,
        form=OwnMeasureForm(request.POST or None),
        save=save,
        title=_("Enter an own measure"),
        done=_("Own measure saved."),
    )


@login_required
def selection_create(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    service = access_service(
        user=request.user, agency_slug=slug, service_id=service_id, need=Can.EDIT_BENCHMARKS
    )
    return _service_form_page(
        request,
        service,
        form=_selection_form(service, request.POST or None),
        save=lambda data: benchmarks.selection_save(
            actor=request.user, service=service, series=data["series"], reason=data["reason"]
        ),
        title=_("Choose a best-in-business benchmark"),
        done=_("Best-in-business choice saved."),
    )


@login_required
@require_POST
def selection_delete(request: HttpRequest, slug: str, selection_id: int) -> HttpResponse:
    selection = access_selection(user=request.user, agency_slug=slug, selection_id=selection_id)
    service_id = selection.service_id
    benchmarks.selection_remove(actor=request.user, selection=selection)
    messages.success(request, _("Best-in-business choice removed."))
    return redirect("benchmarks:service", slug=slug, service_id=service_id)


# Upload benchmark figures into the agency's own library; all-or-nothing per file.
upload = agency_import_view(
    "benchmarks/upload.html",
    form_class=BenchmarkImportForm,
    importer=benchmarks_import,
    need=Can.EDIT_BENCHMARKS,
)


@login_required
def oversight(request: HttpRequest, slug: str) -> HttpResponse:
    """Agencies and services ranked on comparable measures, best first, from the ranking the
    worker prepared for the agencies this person covers (decision 0063)."""
    agency = access_agency(user=request.user, agency_slug=slug)
    agencies = oversight_agencies(user=request.user, agency=agency)
    prepared = prepared_page_data(
        request,
        kind=OVERSIGHT_RANKING,
        agency=agency,
        params=oversight_params(agencies=agencies, language=get_language() or "en"),
        max_age=OVERSIGHT_RANKING_MAX_AGE,
        title=_("Ranking on comparable measures"),
    )
    if isinstance(prepared, HttpResponse):
        return prepared
    return _page(
        request,
        "benchmarks/oversight.html",
        {"agency": agency, "agencies": agencies, "prepared": prepared},
        tables=[Table.from_json(table) for table in prepared.data["tables"]],
        filename=f"{agency.slug}-benchmark-ranking",
    )
