"""Staff pages for A-11 quarterly reporting: the quarter's services, a report with its
checklist, the workflow buttons, oversight's view and ratings, imports and exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cxgov.a11 import services as a11
from cxgov.a11.exporters import TOUCHPOINTS_LINE_END, export_filename, export_table
from cxgov.a11.formats import EXPORT_FORMATS
from cxgov.a11.forms import (
    CollectionForm,
    ExportForm,
    NotReportedForm,
    QuarterForm,
    RatingForm,
    ResponseImportForm,
)
from cxgov.a11.importers import responses_import
from cxgov.a11.selectors import (
    access_collection,
    access_collection_for_oversight,
    collection_checklist,
    export_need,
    quarter_rows,
    reporting_quarter,
    respondents,
    respondents_by_collection,
    responses_counted,
)
from cxgov.benchmarks.selectors import oversight_agencies
from cxgov.core.models import Agency
from cxgov.core.pages import import_page, post_action
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency
from cxgov.core.tables import csv_response, csv_stream_response
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.selectors import access_service


def _period(request: HttpRequest) -> FiscalQuarter:
    """The quarter asked for in the query string, else the one most recently ended."""
    form = QuarterForm(request.GET if "fiscal_year" in request.GET else None)
    if form.is_bound and form.is_valid():
        return FiscalQuarter(form.cleaned_data["fiscal_year"], form.cleaned_data["quarter"])
    return reporting_quarter()


def _quarter_url(name: str, slug: str, period: FiscalQuarter) -> str:
    return (
        reverse(name, kwargs={"slug": slug})
        + f"?fiscal_year={period.year}&quarter={period.quarter}"
    )


def _collection_url(slug: str, collection_id: int) -> str:
    return reverse("a11:collection", kwargs={"slug": slug, "collection_id": collection_id})


@login_required
def collection_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every service of the agency in a quarter, with its report's status."""
    agency = access_agency(user=request.user, agency_slug=slug)
    period = _period(request)
    rows = quarter_rows(agencies=[agency], period=period)
    return render(
        request,
        "a11/collection_list.html",
        {
            "agency": agency,
            "period": period,
            "rows": rows,
            "quarter_form": QuarterForm(
                initial={"fiscal_year": period.year, "quarter": period.quarter}
            ),
            "previous": period.previous(),
            "next": period.next(),
            "can_edit": user_can(user=request.user, agency=agency, need=Can.EDIT_A11_REPORTS),
            "can_import": bool(_import_formats(request.user, agency)),
            "is_oversight": user_can(user=request.user, agency=agency, need=Can.OVERSEE_AGENCIES),
            "nav_section": "staff",
        },
    )


@login_required
@require_POST
def collection_start(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    service = access_service(
        user=request.user, agency_slug=slug, service_id=service_id, need=Can.EDIT_A11_REPORTS
    )
    form = QuarterForm(request.POST)
    if not form.is_valid():
        raise Http404
    year, quarter = form.cleaned_data["fiscal_year"], form.cleaned_data["quarter"]
    return post_action(
        request,
        lambda: a11.collection_create(
            actor=request.user, service=service, fiscal_year=year, quarter=quarter
        ),
        done=_("Report started. Enter the volumes, then submit it."),
        next_url=lambda collection: _collection_url(slug, collection.pk),
        failed_url=_quarter_url("a11:collection_list", slug, FiscalQuarter(year, quarter)),
    )


@login_required
def collection_detail(request: HttpRequest, slug: str, collection_id: int) -> HttpResponse:
    """A report: its details form while a draft, its checklist and the workflow buttons."""
    collection = access_collection(user=request.user, agency_slug=slug, collection_id=collection_id)
    agency = collection.agency
    can_edit = (
        user_can(user=request.user, agency=agency, need=Can.EDIT_A11_REPORTS)
        and collection.editable
    )
    form = None
    status = 200
    if can_edit:
        form = CollectionForm(request.POST or None, instance=collection, agency=agency)
        if request.method == "POST":
            if form.is_valid():
                data = {name: form.cleaned_data[name] for name in a11.EDITABLE_FIELDS}
                try:
                    a11.collection_update(
                        actor=request.user,
                        collection=collection,
                        surveys=form.cleaned_data["surveys"],
                        **data,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Report saved."))
                    return redirect("a11:collection", slug=slug, collection_id=collection.pk)
            status = 400
            collection.refresh_from_db()
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "a11/collection_detail.html",
        {
            "agency": agency,
            "collection": collection,
            "period": collection.period,
            "form": form,
            "checklist": collection_checklist(collection=collection),
            "responses_counted": responses_counted(collection=collection),
            "respondents": respondents(collection=collection),
            "can_edit": can_edit,
            "review_url": reverse(
                "core:approval_detail",
                kwargs={"slug": slug, "kind": a11.APPROVAL_KIND, "object_id": collection.pk},
            ),
            "not_reported_form": NotReportedForm() if can_edit else None,
            "nav_section": "staff",
        },
        status=status,
    )


def _transition_view(
    change: Callable[..., Any], *, need: Can, done: str | Promise, posted: tuple[str, ...] = ()
) -> Callable[[HttpRequest, str, int], HttpResponse]:
    """A button on a collection's page for holders of `need`: `change` is the service, called
    with `actor=`, `collection=` and each `posted` field of the form; then back to the page."""

    @login_required
    @require_POST
    def view(request: HttpRequest, slug: str, collection_id: int) -> HttpResponse:
        collection = access_collection(
            user=request.user, agency_slug=slug, collection_id=collection_id, need=need
        )
        fields = {name: request.POST.get(name, "") for name in posted}
        return post_action(
            request,
            lambda: change(actor=request.user, collection=collection, **fields),
            done=str(done),
            next_url=_collection_url(slug, collection.pk),
        )

    return view


# Submitting and publishing go through the report's review (`core.approvals`).
collection_not_reported = _transition_view(
    a11.collection_mark_not_reported,
    need=Can.EDIT_A11_REPORTS,
    done=_lazy("Marked as not reported this quarter."),
    posted=("reason",),
)


@login_required
@require_POST
def collection_rate(request: HttpRequest, slug: str, collection_id: int) -> HttpResponse:
    collection = access_collection_for_oversight(
        user=request.user, agency_slug=slug, collection_id=collection_id
    )
    form = RatingForm(request.POST)
    back = _quarter_url("a11:oversight", slug, collection.period)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(back)
    return post_action(
        request,
        lambda: a11.collection_rate(
            actor=request.user,
            collection=collection,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        ),
        done=_("Rating saved for %(service)s.") % {"service": collection.service.name},
        next_url=back,
    )


@login_required
def oversight(request: HttpRequest, slug: str) -> HttpResponse:
    """Which services of which agencies reported in a quarter, with ratings; also as CSV."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.OVERSEE_AGENCIES)
    agencies = oversight_agencies(user=request.user, agency=agency)
    period = _period(request)
    rows = quarter_rows(agencies=agencies, period=period)
    header = [
        _("Agency"),
        _("Service"),
        _("Fiscal year"),
        _("Quarter"),
        _("Status"),
        _("Submitted"),
        _("Respondents"),
        _("Rating"),
        _("Rating comment"),
    ]
    counted = respondents_by_collection(collections=[r.collection for r in rows if r.collection])
    table = []
    for row in rows:
        c = row.collection
        table.append(
            [
                row.service.agency.name,
                row.service.name,
                period.year,
                period.quarter,
                c.get_status_display() if c else _("Not started"),
                c.submitted_at.date().isoformat() if c and c.submitted_at else "",
                counted[c.pk] if c else "",
                c.get_rating_display() if c and c.rating else "",
                c.rating_comment if c else "",
            ]
        )
    if request.GET.get("download") == "csv":
        return csv_response(
            header, table, filename=f"a11-oversight-fy{period.year}-q{period.quarter}.csv"
        )
    reported = sum(
        1 for r in rows if r.collection and r.collection.status in ("submitted", "published")
    )
    return render(
        request,
        "a11/oversight.html",
        {
            "agency": agency,
            "agencies": agencies,
            "period": period,
            "rows": list(zip(rows, table, strict=True)),
            "reported": reported,
            "quarter_form": QuarterForm(
                initial={"fiscal_year": period.year, "quarter": period.quarter}
            ),
            "rating_form": RatingForm(),
            "nav_section": "staff",
        },
    )


def _import_formats(user: Any, agency: Agency) -> list[tuple[str, Any]]:
    """Response files for those who may import into the agency's surveys; the legacy quarterly
    file, which creates and updates agencies site-wide, only with the site-wide grant."""
    formats: list[tuple[str, Any]] = []
    if user_can(user=user, agency=agency, need=Can.IMPORT_RESPONSES):
        formats += [
            ("touchpoints-a11-v2", _("Touchpoints A-11 v2 responses (17 columns)")),
            ("touchpoints-form", _("Touchpoints form responses (a column per question)")),
            ("cxgov", _("cxgov responses CSV (our own export)")),
        ]
    if (
        user_can(user=user, agency=None, need=Can.IMPORT_GOVERNMENT_DATA)
        and _quarterly_importer() is not None
    ):
        formats.append(
            (
                "performance-gov-quarterly",
                _("performance.gov A-11 quarterly file (legacy, aggregate)"),
            )
        )
    return formats


def _quarterly_importer() -> Any:
    """The importer of the performance.gov quarterly file (aggregate counts), when installed."""
    try:
        from cxgov.a11.importers_performance_gov import a11_quarterly_import
    except ImportError:
        return None
    return a11_quarterly_import


@login_required
def response_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a response file into a survey, or the legacy quarterly file; all or nothing."""
    agency: Agency = access_agency(user=request.user, agency_slug=slug)
    formats = _import_formats(request.user, agency)
    if not formats:
        raise Http404

    def run(data: dict[str, Any]) -> Any:
        if data["format"] == "performance-gov-quarterly":
            return _quarterly_importer()(
                actor=request.user, text=data["file"], dry_run=data["dry_run"]
            )
        year, quarter = data.get("fiscal_year"), data.get("quarter")
        return responses_import(
            actor=request.user,
            survey=data["survey"],
            data=data["file"],
            format=data["format"],
            dry_run=data["dry_run"],
            period=FiscalQuarter(year, quarter) if year and quarter else None,
            service=data.get("service") or "",
        )

    return import_page(
        request,
        "a11/upload.html",
        form=ResponseImportForm(
            request.POST or None, request.FILES or None, agency=agency, formats=formats
        ),
        run=run,
        agency=agency,
    )


@login_required
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a quarter and a file; the download itself is `export_download`."""
    agency = access_agency(user=request.user, agency_slug=slug)
    period = _period(request)
    form = ExportForm(
        request.GET if "format" in request.GET else None,
        initial={"fiscal_year": period.year, "quarter": period.quarter},
        formats=[
            fmt
            for fmt in EXPORT_FORMATS
            if user_can(user=request.user, agency=agency, need=export_need(format=fmt))
        ],
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return redirect(
            reverse("a11:export_download", kwargs={"slug": slug, "format": data["format"]})
            + f"?fiscal_year={data['fiscal_year']}&quarter={data['quarter']}"
        )
    return render(
        request,
        "a11/export.html",
        {"agency": agency, "form": form, "nav_section": "staff"},
        status=400 if form.is_bound else 200,
    )


@login_required
def export_download(request: HttpRequest, slug: str, format: str) -> StreamingHttpResponse:
    if format not in EXPORT_FORMATS:
        raise Http404
    agency = access_agency(user=request.user, agency_slug=slug, need=export_need(format=format))
    form = QuarterForm(request.GET)
    if not form.is_valid():
        raise Http404
    period = FiscalQuarter(form.cleaned_data["fiscal_year"], form.cleaned_data["quarter"])
    header, rows = export_table(format=format, agencies=[agency], period=period)
    filename = export_filename(format=format, period=period, scope=agency.slug)
    return csv_stream_response(header, rows, filename=filename, line_end=TOUCHPOINTS_LINE_END)
