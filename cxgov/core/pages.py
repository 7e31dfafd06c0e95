"""The one staff form page: breadcrumbs, title, error summary, USWDS fields, Save and Cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cxgov.core.forms import form_add_errors

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


def form_page_save(
    request: HttpRequest,
    *,
    section: str,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    success_url: str | Callable[[Any], str],
    success_message: str,
    page: dict[str, Any],
) -> HttpResponse:
    """Run `save` on a valid POST and redirect, else show the form page again (status 400).

    `save` gets the cleaned data; a `ValidationError` it raises lands on the form.
    `success_url` may be a function of what `save` returned, e.g. the new object's page.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    status = 400 if request.method == "POST" else 200
    return form_page(request, section=section, form=form, status=status, **page)
