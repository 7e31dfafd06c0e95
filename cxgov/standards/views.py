"""Staff pages for service standards: list, edit, post, feed events, enter results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.core.models import Agency
from cxgov.core.pages import form_page, form_page_save
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency
from cxgov.standards import services
from cxgov.standards.forms import EventUploadForm, ReportedResultForm, StandardForm
from cxgov.standards.ingest import IngestError, events_parse, table_read
from cxgov.standards.models import Standard
from cxgov.standards.selectors import (
    access_miss,
    access_standard,
    misses_open,
    standard_latest,
    standard_results,
    standards_for_agency,
)


def _can_edit(request: HttpRequest, agency: Agency) -> bool:
    return user_can(user=request.user, agency=agency, need=Can.EDIT_STANDARDS)


@login_required
def standard_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's standards with their latest results, and missed periods to look at."""
    agency = access_agency(user=request.user, agency_slug=slug)
    standards = list(standards_for_agency(agency=agency))
    rows = [(standard, standard_latest(standard=standard)) for standard in standards]
    return render(
        request,
        "standards/standard_list.html",
        {
            "agency": agency,
            "rows": rows,
            "misses": misses_open(agency=agency),
            "can_edit": _can_edit(request, agency),
            "nav_section": "staff",
        },
    )


def _detail_url(standard: Standard) -> str:
    return reverse(
        "standards:standard_detail",
        kwargs={"slug": standard.agency.slug, "standard_id": standard.pk},
    )


@login_required
def standard_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_STANDARDS)
    form = StandardForm(request.POST or None, agency=agency)
    return form_page_save(
        request,
        section="standards",
        form=form,
        save=lambda _data: services.standard_create(actor=request.user, **form.values()),
        success_url=_detail_url,
        success_message=_("Standard saved as a draft."),
        page={"agency": agency, "title": _("Add a standard")},
    )


@login_required
def standard_detail(request: HttpRequest, slug: str, standard_id: int) -> HttpResponse:
    standard = access_standard(user=request.user, agency_slug=slug, standard_id=standard_id)
    return render(
        request,
        "standards/standard_detail.html",
        {
            "agency": standard.agency,
            "standard": standard,
            "results": list(reversed(standard_results(standard=standard))),
            "versions": standard.versions.all()[:20],
            "can_edit": _can_edit(request, standard.agency),
            "nav_section": "staff",
        },
    )


@login_required
def standard_edit(request: HttpRequest, slug: str, standard_id: int) -> HttpResponse:
    standard = access_standard(
        user=request.user, agency_slug=slug, standard_id=standard_id, need=Can.EDIT_STANDARDS
    )
    form = StandardForm(request.POST or None, instance=standard, agency=standard.agency)
    return form_page_save(
        request,
        section="standards",
        form=form,
        save=lambda _data: services.standard_update(
            actor=request.user, standard=standard, **form.values()
        ),
        success_url=_detail_url(standard),
        success_message=_("Standard changed. The earlier version is kept."),
        page={"agency": standard.agency, "standard": standard, "title": _("Change the standard")},
    )


_STATUS_ACTIONS = {
    "post": (services.standard_post, "Standard posted: the public can see it now."),
    "retire": (services.standard_retire, "Standard retired."),
}


@login_required
@require_POST
def standard_status(request: HttpRequest, slug: str, standard_id: int, action: str) -> HttpResponse:
    standard = access_standard(
        user=request.user, agency_slug=slug, standard_id=standard_id, need=Can.EDIT_STANDARDS
    )
    if action not in _STATUS_ACTIONS:
        raise Http404
    change, message = _STATUS_ACTIONS[action]
    change(actor=request.user, standard=standard)
    messages.success(request, _(message))
    return redirect("standards:standard_detail", slug=slug, standard_id=standard.pk)


@login_required
def events_upload(request: HttpRequest, slug: str, standard_id: int) -> HttpResponse:
    """Upload an events file; bad rows are listed with row number and reason."""
    standard = access_standard(
        user=request.user, agency_slug=slug, standard_id=standard_id, need=Can.EDIT_STANDARDS
    )
    form = EventUploadForm(request.POST or None, request.FILES or None)
    summary = None
    batch = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = events_parse(
                table_read(upload, name=upload.name),
                standard=standard,
                mapping=form.cleaned_data["mapping"],
            )
        except IngestError as error:
            form.add_error("file", str(error))
        else:
            summary = services.events_ingest(
                actor=request.user, standard=standard, batch=batch, source=upload.name[:100]
            )
            services.standard_misses_check(actor=request.user, standard=standard)
    return render(
        request,
        "standards/events_upload.html",
        {
            "agency": standard.agency,
            "standard": standard,
            "form": form,
            "summary": summary,
            "errors": batch.errors if batch else [],
            "more_errors": (batch.error_count - len(batch.errors)) if batch else 0,
            "nav_section": "staff",
        },
        status=400 if form.errors else 200,
    )


@login_required
def result_add(request: HttpRequest, slug: str, standard_id: int) -> HttpResponse:
    """Enter a period's result for a standard without an event feed."""
    standard = access_standard(
        user=request.user, agency_slug=slug, standard_id=standard_id, need=Can.EDIT_STANDARDS
    )
    form = ReportedResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reported_result_record(
                actor=request.user, standard=standard, **form.cleaned_data
            )
        except (ValueError, ValidationError) as error:
            form.add_error(None, str(error))
        else:
            services.standard_misses_check(actor=request.user, standard=standard)
            messages.success(request, _("Result saved."))
            return redirect("standards:standard_detail", slug=slug, standard_id=standard.pk)
    return form_page(
        request,
        section="standards",
        agency=standard.agency,
        standard=standard,
        form=form,
        title=_("Enter a period's result"),
    )


@login_required
@require_POST
def miss_acknowledge(request: HttpRequest, slug: str, miss_id: int) -> HttpResponse:
    miss = access_miss(user=request.user, agency_slug=slug, miss_id=miss_id)
    services.missed_period_acknowledge(actor=request.user, miss=miss)
    messages.success(request, _("Marked as seen."))
    return redirect("standards:standard_list", slug=slug)
