"""Staff pages of Paperwork Reduction Act clearances: the register, each clearance's burden
ledger, and the form. Any member reads them; administrators and CX analysts change them
(`Can.MANAGE_CLEARANCES`) and download each instrument's request package (PDF and JSON). Also
the staff home's clearance notices."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cxgov.core.models import User
from cxgov.core.notices import StaffNotice
from cxgov.core.pages import form_page_save, object_form_page, object_page
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency, agencies_for_user, fresh_copy
from cxgov.core.tables import file_response
from cxgov.reports.pdf import html_to_pdf
from cxgov.surveys import services as surveys
from cxgov.surveys.forms import BurdenEstimateForm, ClearanceForm
from cxgov.surveys.models import Clearance
from cxgov.surveys.request_package import request_package
from cxgov.surveys.selectors import (
    BurdenLedger,
    access_clearance,
    access_survey,
    clearance_ledger,
    clearance_ledgers,
    clearances_needing_attention,
)


def _detail_url(clearance: Clearance) -> str:
    return access_clearance.url("surveys:clearance_detail", clearance)


def _list_url(slug: str) -> str:
    return reverse("surveys:clearance_list", kwargs={"slug": slug})


def ledger_warnings(ledger: BurdenLedger) -> list[str]:
    """The ledger's warnings as sentences, most pressing first."""
    clearance = ledger.clearance
    found = []
    if ledger.expired:
        found.append(_("Expired on %(day)s.") % {"day": clearance.expiry})
    elif ledger.expiry_warning:
        found.append(
            _("Expires in %(days)s days, on %(day)s.")
            % {"days": ledger.days_to_expiry, "day": clearance.expiry}
        )
    if ledger.over_burden:
        found.append(
            _("All approved burden hours are used for fiscal year %(year)s (%(percent)s%%).")
            % {"year": ledger.year, "percent": ledger.percent_used}
        )
    elif ledger.burden_warning:
        found.append(
            _("%(percent)s%% of the approved burden hours are used for fiscal year %(year)s.")
            % {"year": ledger.year, "percent": ledger.percent_used}
        )
    return found


def clearance_notices(user: User) -> list[StaffNotice]:
    """Staff home: clearances near their burden cap or expiry, for those who manage them."""
    agencies = list(agencies_for_user(user=user, need=Can.MANAGE_CLEARANCES))
    return [
        StaffNotice(
            agency=ledger.clearance.agency,
            key="surveys.clearance",
            text=f"{ledger.clearance}: {' '.join(ledger_warnings(ledger))}",
            url=_detail_url(ledger.clearance),
        )
        for ledger in clearances_needing_attention(agencies=agencies)
    ]


@login_required
def clearance_list(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug)
    ledgers = clearance_ledgers(agency=agency)
    return render(
        request,
        "surveys/clearance_list.html",
        {
            "agency": agency,
            "rows": [(ledger, ledger_warnings(ledger)) for ledger in ledgers],
            "can_edit": user_can(user=request.user, agency=agency, need=Can.MANAGE_CLEARANCES),
            "nav_section": "staff",
        },
    )


@object_page(access_clearance, "surveys/clearance_detail.html")
def clearance_detail(request: HttpRequest, clearance: Clearance) -> dict[str, Any]:
    ledger = clearance_ledger(clearance=clearance)
    return {
        "ledger": ledger,
        "warnings": ledger_warnings(ledger),
        "fast_tracks": clearance.fast_tracks.order_by("title", "id"),
        "can_edit": user_can(
            user=request.user, agency=clearance.agency, need=Can.MANAGE_CLEARANCES
        ),
    }


def _save_page(
    request: HttpRequest,
    *,
    form: ClearanceForm,
    save: Any,
    clearance: Clearance | None,
    title: str,
    cancel_url: str,
    done: str,
) -> HttpResponse:
    return form_page_save(
        request,
        section="clearances",
        form=form,
        save=save,
        success_url=_detail_url,
        success_message=done,
        page={
            "agency": form.instance.agency,
            "clearance": clearance,
            "title": title,
            "cancel_url": cancel_url,
        },
    )


@login_required
def clearance_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_CLEARANCES)
    return _save_page(
        request,
        form=ClearanceForm(request.POST or None, agency=agency),
        save=lambda data: surveys.clearance_create(actor=request.user, agency=agency, **data),
        clearance=None,
        title=_("Record a clearance"),
        cancel_url=_list_url(slug),
        done=_("Clearance recorded."),
    )


@login_required
def clearance_edit(request: HttpRequest, slug: str, clearance_id: int) -> HttpResponse:
    clearance = access_clearance(
        user=request.user, agency_slug=slug, clearance_id=clearance_id, need=Can.MANAGE_CLEARANCES
    )
    target = fresh_copy(clearance, "agency", "parent")

    def save(data: dict[str, Any]) -> Clearance:
        surveys.clearance_update(actor=request.user, clearance=target, **data)
        return target

    return _save_page(
        request,
        form=ClearanceForm(request.POST or None, instance=clearance, agency=clearance.agency),
        save=save,
        clearance=clearance,
        title=_("Change the clearance"),
        cancel_url=_detail_url(clearance),
        done=_("Clearance saved."),
    )


REQUEST_PACKAGE_FORMATS = ("pdf", "json")


@login_required
def survey_request_package(
    request: HttpRequest, slug: str, survey_id: int, fmt: str
) -> HttpResponse:
    """The instrument's PRA request package in the page's language, as a tagged PDF or as JSON
    (docs/formats/pra-request-package.schema.json), for those who file clearances."""
    if fmt not in REQUEST_PACKAGE_FORMATS:
        raise Http404
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.MANAGE_CLEARANCES
    )
    package = request_package(survey=survey)
    filename = f"{survey.agency.slug}-pra-request-{survey.pk}-{(get_language() or 'en')[:2]}"
    if fmt == "json":
        response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    html = render_to_string(
        "surveys/request_package_pdf.html",
        {"package": package, "site_root": request.build_absolute_uri("/").rstrip("/")},
        request=request,
    )
    return file_response(
        html_to_pdf(html=html), content_type="application/pdf", filename=f"{filename}.pdf"
    )


@login_required
def survey_burden_estimate(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    """The agency's own expected respondents, frequency and minutes for the instrument's
    request package (decision 0057), for those who file clearances."""
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.MANAGE_CLEARANCES
    )
    target = fresh_copy(survey, "agency")
    form = BurdenEstimateForm(
        request.POST or None,
        initial={
            "expected_respondents": survey.expected_respondents,
            "responses_per_respondent": survey.responses_per_respondent,
            "expected_minutes": survey.expected_minutes,
        },
    )
    return object_form_page(
        request,
        survey,
        name="survey",
        section="surveys",
        form=form,
        save=lambda data: surveys.survey_burden_estimate_set(
            actor=request.user, survey=target, **data
        ),
        back_url=reverse("surveys:survey_detail", kwargs={"slug": slug, "survey_id": survey.pk}),
        done=_("Expected collection saved; the request package uses it."),
        title=_("Expected collection for the request package"),
    )
