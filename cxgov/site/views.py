"""The agency's translations page: the languages it offers (decision 0061), coverage per
language, missing and stale texts, the XLIFF download and the upload of a translated file
(decision 0052)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxgov.core.languages import offered_languages
from cxgov.core.pages import form_save
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.core.services import agency_languages_set, audit_record
from cxgov.core.xliff import XliffError
from cxgov.site.forms import AgencyLanguagesForm, XliffUploadForm
from cxgov.site.translations import (
    MISSING,
    STALE,
    translation_coverage,
    translation_status,
    translations_export,
    translations_import_sound_units,
)


@login_required
def translations_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The languages offered, coverage and the texts to translate; a POST saves the languages
    or uploads a translated XLIFF file."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_TRANSLATIONS)
    # Two forms post here; the languages form is the one that sends its hidden marker.
    choosing = request.method == "POST" and "languages_form" in request.POST
    languages_form = AgencyLanguagesForm(
        request.POST if choosing else None,
        initial={"languages": [c for c in offered_languages(agency=agency) if c != "en"]},
    )
    if choosing:
        saved = form_save(
            request,
            languages_form,
            lambda data: agency_languages_set(
                actor=request.user, agency=agency, languages=data["languages"]
            ),
        )
        if saved is not None:
            messages.success(request, _("The languages the agency offers are saved."))
            return redirect("translations:page", slug=agency.slug)
    form = XliffUploadForm(None if choosing else request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and not choosing and form.is_valid():
        try:
            report = translations_import_sound_units(
                actor=request.user, agency=agency, data=form.cleaned_data["file"].read()
            )
        except XliffError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                ngettext(
                    "%(applied)s text read from the file, %(changed)s changed.",
                    "%(applied)s texts read from the file, %(changed)s changed.",
                    report.applied,
                )
                % {"applied": report.applied, "changed": report.changed},
            )
            if not report.problems:
                return redirect("translations:page", slug=agency.slug)
            problems = report.problems
    texts = translation_status(agency=agency)
    return render(
        request,
        "site/translations.html",
        {
            "agency": agency,
            "form": form,
            "languages_form": languages_form,
            "problems": problems,
            "coverage": translation_coverage(texts=texts),
            "stale": [text for text in texts if text.state == STALE],
            "missing": [text for text in texts if text.state == MISSING],
            "nav_section": "staff",
        },
        status=400 if request.method == "POST" and (problems or not form.is_valid()) else 200,
    )


@login_required
def translations_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's authored texts as XLIFF 2.0, English source and Spanish target."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_TRANSLATIONS)
    data = translations_export(agency=agency)
    audit_record(actor=request.user, action="translation.export", agency=agency, target=agency)
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(data, content_type="application/xliff+xml")
    response["Content-Disposition"] = f'attachment; filename="{agency.slug}-es-{stamp}.xlf"'
    return response
