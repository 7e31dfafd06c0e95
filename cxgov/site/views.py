"""The agency's translations page: the languages it offers (decision 0061), coverage per
offered language, missing and stale texts per language, an edit form per text, the XLIFF
download and the upload of a translated file (decisions 0052 and 0062)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxgov.core.i18n import OPTION_PREFIX, SPANISH, spanish_field
from cxgov.core.languages import offered_languages
from cxgov.core.models import TranslationStatus
from cxgov.core.pages import form_save
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.core.services import agency_languages_set, audit_record
from cxgov.core.xliff import XliffError
from cxgov.site.forms import AgencyLanguagesForm, TranslationForm, XliffUploadForm
from cxgov.site.translations import (
    MISSING,
    STALE,
    english_text,
    field_label,
    language_is_rtl,
    language_name,
    translation_coverage,
    translation_languages,
    translation_languages_offered,
    translation_save,
    translation_statuses,
    translation_stored,
    translation_text,
    translations_export,
    translations_import_sound_units,
)


def _language(request: HttpRequest, languages: list[str]) -> str:
    """The language of `languages` the page lists or downloads (`?language=`), the first
    unless asked; none when there is none to choose."""
    language = request.GET.get("language") or (languages[0] if languages else "")
    if language and language not in languages:
        raise Http404
    return language


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
    # Only the languages the agency offers are listed; offering one more lists it.
    offered = translation_languages_offered(agency=agency)
    language = _language(request, offered)
    texts = translation_statuses(agency=agency, languages=offered)
    return render(
        request,
        "site/translations.html",
        {
            "agency": agency,
            "form": form,
            "languages_form": languages_form,
            "problems": problems,
            "language": language,
            "language_name": language_name(language),
            "rtl": language_is_rtl(language),
            "coverage": translation_coverage(texts=texts),
            "stale": [text for text in texts.get(language, []) if text.state == STALE],
            "missing": [text for text in texts.get(language, []) if text.state == MISSING],
            "nav_section": "staff",
        },
        status=400 if request.method == "POST" and (problems or not form.is_valid()) else 200,
    )


@login_required
def translations_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's authored texts as XLIFF 2.0, English source and one language's target."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_TRANSLATIONS)
    # Any configured language: a vendor may translate one before the agency offers it.
    language = _language(request, translation_languages())
    if not language:
        raise Http404
    data = translations_export(agency=agency, language=language)
    audit_record(
        actor=request.user,
        action="translation.export",
        agency=agency,
        target=agency,
        data={"language": language},
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(data, content_type="application/xliff+xml")
    response["Content-Disposition"] = f'attachment; filename="{agency.slug}-{language}-{stamp}.xlf"'
    return response


def _max_length(record: Model, field: str, language: str) -> int | None:
    """The longest translation the text's column takes: Spanish's `_es` twin may be short;
    the other languages' table has no limit of its own."""
    if language != SPANISH or field.startswith(OPTION_PREFIX):
        return None
    return getattr(record._meta.get_field(spanish_field(field)), "max_length", None)


@login_required
def translation_edit(request: HttpRequest, slug: str, language: str, unit: str) -> HttpResponse:
    """One text's translation into one language, with its English beside it and its status."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_TRANSLATIONS)
    found = translation_text(agency=agency, unit=unit)
    if language not in translation_languages() or found is None:
        raise Http404
    record, field = found
    text, state = translation_stored(agency=agency, record=record, field=field, language=language)
    initial = {"text": text, "status": state if state in TranslationForm.STATUSES else ""}
    form = TranslationForm(
        request.POST or None, initial=initial, max_length=_max_length(record, field, language)
    )
    # The box is in the translation's language, right to left for Arabic.
    form.fields["text"].widget.attrs.update(
        {"lang": language, "dir": "rtl" if language_is_rtl(language) else "ltr"}
    )
    if request.method == "POST" and form.is_valid():
        translation_save(
            actor=request.user,
            agency=agency,
            record=record,
            field=field,
            language=language,
            text=form.cleaned_data["text"],
            status=form.cleaned_data["status"],
            action="translation.update",
        )
        messages.success(request, _("Translation saved."))
        url = reverse("translations:page", kwargs={"slug": agency.slug})
        if language not in translation_languages_offered(agency=agency):
            return redirect(url)
        return redirect(f"{url}?language={language}")
    return render(
        request,
        "site/translation_edit.html",
        {
            "agency": agency,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "rtl": language_is_rtl(language),
            "unit": unit,
            "state_label": TranslationStatus(state).label,
            "kind": record._meta.verbose_name,
            "record": record,
            "field": field_label(record, field),
            "source": english_text(record, field),
            "nav_section": "staff",
        },
        status=400 if request.method == "POST" else 200,
    )
