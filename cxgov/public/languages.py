"""The languages of an agency's public pages (decision 0061).

A page that belongs to one agency (its home, services, standards, performance, plans, survey,
complaint and barrier forms) is offered only in the languages the agency chose: the switcher
lists those, and opening it in another language sends the reader to the English page with a
note. Pages found by a tracking number stay site-wide, so the answer never tells whether a
tracking number exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from cxgov.core.languages import offered_languages, path_in_language
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_by_slug
from cxgov.surveys.selectors import survey_agency

# Machine-read answers keep their language: a widget or a data file is not a page to read.
_NOT_PAGES = frozenset(
    {"survey_widget", "survey_widget_submit", "survey_widget_page", "complaints_data"}
)


def page_agency(url_name: str, kwargs: dict[str, Any]) -> Agency | None:
    """The agency a public page belongs to, or None for a site-wide page."""
    if url_name in _NOT_PAGES:
        return None
    slug = kwargs.get("agency_slug") or kwargs.get("slug")
    if slug:
        return agency_by_slug(slug=slug)
    public_id = kwargs.get("public_id")
    if public_id:
        return survey_agency(public_id=public_id)
    return None


class AgencyLanguageMiddleware:
    """Keeps an agency's public pages to the languages it offers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != "public":
            return None
        try:
            agency = page_agency(match.url_name or "", view_kwargs)
            offered = offered_languages(agency=agency) if agency is not None else []
        except DatabaseError:
            # The view meets the same outage and answers 503 (core.faults); nothing to add here.
            return None
        if agency is None:
            return None
        request.offered_languages = offered  # type: ignore[attr-defined]
        language = get_language() or "en"
        # A form sent in a language is answered in it: moving it would lose what was typed.
        if language in offered or request.method not in {"GET", "HEAD"}:
            return None
        english = path_in_language(request, "en")
        with translation.override("en"):
            messages.warning(
                request,
                _("This page is not offered in %(language)s, so it is shown in English.")
                % {"language": get_language_info(language)["name"]},
            )
        return HttpResponseRedirect(english)
