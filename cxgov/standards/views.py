"""Staff pages for service standards: list, edit, post, feed events, enter results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.models import Agency
from cxgov.core.pages import (
    agency_list_view,
    button_view,
    form_page,
    form_page_save,
    object_page,
    status_view,
)
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency
from cxgov.standards import services
from cxgov.standards.forms import EventUploadForm, ReportedResultForm, StandardForm
from cxgov.standards.importers import events_import
from cxgov.standards.models import Standard
from cxgov.standards.selectors import (
    access_miss,
    access_standard,
    misses_open,
    standard_latest,
    standard_results,
    standards_for_agency,
)


def _standard_rows(*, agency: Agency) -> list[tuple[Standard, Any]]:
    return [
        (standard, standard_latest(standard=standard))
        for standard in standards_for_agency(agency=agency)
    ]


# The agency's standards with their latest results, and missed periods to look at.
standard_list = agency_list_view(
    "standards/standard_list.html",
    edit=Can.EDIT_STANDARDS,
    rows=_standard_rows,
    misses=misses_open,
)


def _editable_standard(request: HttpRequest, slug: str, standard_id: int) -> Standard:
    return access_standard(
        user=request.user, agency_slug=slug, standard_id=standard_id, need=Can.EDIT_STANDARDS
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


@object_page(access_standard, "standards/standard_detail.html")
def standard_detail(request: HttpRequest, standard: Standard) -> dict[str, Any]:
    return {
        "results": list(reversed(standard_results(standard=standard))),
        "versions": standard.versions.all()[:20],
        "can_edit": user_can(user=request.user, agency=standard.agency, need=Can.EDIT_STANDARDS),
    }


@login_required
def standard_edit(request: HttpRequest, slug: str, standard_id: int) -> HttpResponse:
    standard = _editable_standard(request, slug, standard_id)
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


# Posting goes through the standard's review (`core.approvals`), never a button of its own.
_STATUS_ACTIONS = {
    "retire": (services.standard_retire, "Standard retired."),
}


standard_status = status_view(
    access_standard, need=Can.EDIT_STANDARDS, actions=_STATUS_ACTIONS, next_url=_detail_url
)


@login_required
def events_upload(request: HttpRequest, slug: str, standard_id: int) -> HttpResponse:
    """Upload an events file; all or nothing unless the good rows are kept, problems by row."""
    standard = _editable_standard(request, slug, standard_id)
    form = EventUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = events_import(
            actor=request.user,
            standard=standard,
            file=upload,
            mapping=form.cleaned_data["mapping"],
            source=upload.name[:100],
            dry_run=form.cleaned_data["dry_run"],
            keep_valid=form.cleaned_data["keep_valid"],
        )
    rejected = request.method == "POST" and (
        bool(form.errors) or (report is not None and not report.applied and bool(report.errors))
    )
    return render(
        request,
        "standards/events_upload.html",
        {
            "agency": standard.agency,
            "standard": standard,
            "form": form,
            "report": report,
            "nav_section": "staff",
        },
        status=400 if rejected else 200,
    )


@login_required
def result_add(request: HttpRequest, slug: str, standard_id: int) -> HttpResponse:
    """Enter a period's result for a standard without an event feed."""
    standard = _editable_standard(request, slug, standard_id)
    form = ReportedResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reported_result_record(
                actor=request.user, standard=standard, **form.cleaned_data
            )
        except (ValueError, ValidationError) as error:
            form.add_error(None, str(error))
        else:
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


miss_acknowledge = button_view(
    access_miss,
    act=services.missed_period_acknowledge,
    done=gettext_lazy("Marked as seen."),
    next_url=lambda miss: reverse(
        "standards:standard_list", kwargs={"slug": miss.standard.agency.slug}
    ),
)
