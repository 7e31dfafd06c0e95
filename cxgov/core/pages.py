"""The one staff form page: breadcrumbs, title, error summary, USWDS fields, Save and Cancel."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FORM_PAGE = "core/form_page.html"


def form_page(
    request: HttpRequest,
    *,
    section: str,
    title: str,
    form: BaseForm,
    cancel_url: str = "",
    status: int | None = None,
    template: str = FORM_PAGE,
    **context: Any,
) -> HttpResponse:
    """Render a staff form page of `section` (see the `breadcrumbs` tag).

    `context` holds what the breadcrumbs and the page name (agency, service, survey...). The
    status is 400 when a bound form has errors, so a failed POST is not mistaken for success.
    """
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        template,
        {
            **context,
            "section": section,
            "title": title,
            "form": form,
            "cancel_url": cancel_url,
            "nav_section": "staff",
        },
        status=status,
    )
