"""Staff pages of the maturity assessment: one fiscal year's answers beside the measured
indicators and the trend, the form, and oversight's side-by-side page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cxgov.core.models import PreparedFileStatus
from cxgov.core.pages import form_page_save
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_site
from cxgov.core.templatetags.breadcrumbs import Crumb
from cxgov.core.views_prepared import prepared_page_data
from cxgov.maturity import services
from cxgov.maturity.bank import DIMENSIONS, LEVELS
from cxgov.maturity.forms import AssessmentForm, YearForm
from cxgov.maturity.prepared import (
    MATURITY_INDICATORS,
    MATURITY_INDICATORS_MAX_AGE,
    indicator_rows,
    indicators_params,
)
from cxgov.maturity.selectors import (
    access_maturity,
    answers_for,
    assessment_for,
    assessment_years,
    current_fiscal_year,
    dimension_scores,
    federal_fiscal_year,
    maturity_trend,
    scores_side_by_side,
)

LEVEL_LABELS = {level.score: level.label for level in LEVELS}


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    """The assessment of the fiscal year running now."""
    agency = access_maturity(user=request.user, agency_slug=slug)
    year = current_fiscal_year(agency=agency)
    return redirect("maturity:year", slug=slug, fiscal_year=year)


@login_required
def year(request: HttpRequest, slug: str, fiscal_year: int) -> HttpResponse:
    """The year's self-assessment beside the trend and the measured indicators, which the
    worker prepares (decision 0063): until it has, their section says so. A POST is that
    section's "Refresh" or "Try again"."""
    agency = access_maturity(user=request.user, agency_slug=slug, fiscal_year=fiscal_year)
    prepared = prepared_page_data(
        request,
        kind=MATURITY_INDICATORS,
        agency=agency,
        params=indicators_params(fiscal_year=fiscal_year, language=get_language() or "en"),
        max_age=MATURITY_INDICATORS_MAX_AGE,
        title=_("CX maturity assessment, fiscal year %(year)s") % {"year": fiscal_year},
        whole_page=False,
    )
    if isinstance(prepared, HttpResponse):
        return prepared
    assessment = assessment_for(agency=agency, fiscal_year=fiscal_year)
    answers = answers_for(assessment=assessment)
    scores = dimension_scores(answers)
    dimensions = [
        {
            "dimension": dimension,
            "score": scores[dimension.key],
            "statements": [
                {
                    "statement": statement,
                    "answer": answers.get(statement.key),
                    "level": LEVEL_LABELS.get(getattr(answers.get(statement.key), "score", None)),
                }
                for statement in dimension.statements
            ],
        }
        for dimension in DIMENSIONS
    ]
    return render(
        request,
        "maturity/year.html",
        {
            "agency": agency,
            "fiscal_year": fiscal_year,
            "previous_year": fiscal_year - 1,
            "assessment": assessment,
            "dimensions": dimensions,
            "levels": LEVELS,
            "trend": maturity_trend(agency=agency, fiscal_year=fiscal_year),
            "prepared": prepared,
            "indicators": (
                indicator_rows(prepared.data)
                if prepared.data is not None and prepared.status != PreparedFileStatus.FAILED
                else None
            ),
            "years": assessment_years(agency=agency),
            "can_manage": user_can(user=request.user, agency=agency, need=Can.MANAGE_MATURITY),
            "nav_section": "staff",
        },
    )


@login_required
def edit(request: HttpRequest, slug: str, fiscal_year: int) -> HttpResponse:
    agency = access_maturity(
        user=request.user, agency_slug=slug, fiscal_year=fiscal_year, need=Can.MANAGE_MATURITY
    )
    answers = answers_for(assessment=assessment_for(agency=agency, fiscal_year=fiscal_year))
    form = AssessmentForm(request.POST or None, answers=answers)
    page_url = reverse("maturity:year", kwargs={"slug": slug, "fiscal_year": fiscal_year})
    return form_page_save(
        request,
        section="maturity",
        form=form,
        save=lambda _data: services.assessment_save(
            actor=request.user, agency=agency, fiscal_year=fiscal_year, answers=form.answers()
        ),
        success_url=page_url,
        success_message=_("Maturity assessment for fiscal year %(year)s saved.")
        % {"year": fiscal_year},
        page={
            "template": "maturity/form.html",
            "agency": agency,
            "fiscal_year": fiscal_year,
            "levels": LEVELS,
            "cancel_url": page_url,
            "title": _("CX maturity assessment, fiscal year %(year)s") % {"year": fiscal_year},
        },
    )


@login_required
def oversight(request: HttpRequest) -> HttpResponse:
    """Every agency's dimension scores for one fiscal year, side by side (site-wide grant)."""
    access_site(user=request.user, need=Can.OVERSEE_GOVERNMENT)
    form = YearForm(request.GET if "fiscal_year" in request.GET else None)
    if form.is_bound and form.is_valid():
        fiscal_year = form.cleaned_data["fiscal_year"]
    else:
        fiscal_year = federal_fiscal_year()
    rows = scores_side_by_side(fiscal_year=fiscal_year)
    title = _("CX maturity by agency, fiscal year %(year)s") % {"year": fiscal_year}
    return render(
        request,
        "maturity/oversight.html",
        {
            "title": title,
            "fiscal_year": fiscal_year,
            "dimensions": DIMENSIONS,
            "rows": rows,
            "form": form if form.is_bound else YearForm(initial={"fiscal_year": fiscal_year}),
            "crumbs": [
                Crumb(_("Staff home"), reverse("core:staff_home")),
                Crumb(_("Oversight"), reverse("oversight:home")),
                Crumb(title),
            ],
            "nav_section": "oversight",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
