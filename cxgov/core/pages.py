"""Staff page helpers: the one form page (breadcrumbs, title, error summary, USWDS fields, Save
and Cancel), the agency list page, and the buttons that change something and redirect."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from cxgov.core.forms import form_add_errors
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency

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


def post_action(
    request: HttpRequest,
    act: Callable[[], Any],
    *,
    done: str,
    next_url: str | Callable[[Any], str],
    failed_url: str = "",
) -> HttpResponse:
    """Run a button's `act` and redirect to `next_url` with `done` as the success message.

    `next_url` may be a function of what `act` returned (then give `failed_url`). A
    `ValidationError` it raises is shown as error messages instead, and the redirect goes to
    `failed_url`, else `next_url`.
    """
    try:
        result = act()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(failed_url or next_url)
    if done:
        messages.success(request, done)
    return redirect(next_url(result) if callable(next_url) else next_url)


def status_action(
    request: HttpRequest,
    actions: Mapping[str, tuple[Callable[..., Any], str]],
    action: str,
    *,
    target: dict[str, Any],
    next_url: str | Callable[[Any], str],
    failed_url: str = "",
) -> HttpResponse:
    """Run the change that `actions` names `action` (unknown: 404) on `target`, by `post_action`.

    Each action is a service called with `actor=` and `target`, and its success message.
    """
    if action not in actions:
        raise Http404
    change, message = actions[action]
    return post_action(
        request,
        lambda: change(actor=request.user, **target),
        done=gettext(message),
        next_url=next_url,
        failed_url=failed_url,
    )


def agency_list_view(
    template: str, *, edit: Can, need: Can = Can.VIEW_AGENCY, **lists: Callable[..., Any]
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A staff page of the agency's objects that any member reads, or only holders of `need`.

    Each of `lists` is called with `agency=` and lands in the context under its name;
    `can_edit` says whether the user holds `edit` for the agency.
    """

    @login_required
    def view(request: HttpRequest, slug: str) -> HttpResponse:
        agency = access_agency(user=request.user, agency_slug=slug, need=need)
        context = {name: select(agency=agency) for name, select in lists.items()}
        return render(
            request,
            template,
            {
                "agency": agency,
                **context,
                "can_edit": user_can(user=request.user, agency=agency, need=edit),
                "nav_section": "staff",
            },
        )

    return view


def import_page(
    request: HttpRequest,
    template: str,
    *,
    form: BaseForm,
    run: Callable[[dict[str, Any]], Any],
    keeps_valid_rows: bool = False,
    **context: Any,
) -> HttpResponse:
    """A staff upload page: on a valid POST `run` imports the file and its report is shown.

    The status is 400 when the form or the file was rejected. With `keeps_valid_rows`, a file
    whose valid rows were kept (applied, with errors) counts as accepted.
    """
    report = None
    if request.method == "POST" and form.is_valid():
        report = run(form.cleaned_data)
    failed = report is not None and bool(report.errors)
    if failed and keeps_valid_rows:
        failed = not report.applied
    rejected = request.method == "POST" and (bool(form.errors) or failed)
    return render(
        request,
        template,
        {**context, "form": form, "report": report, "nav_section": "staff"},
        status=400 if rejected else 200,
    )


def agency_import_view(
    template: str, *, form_class: type[BaseForm], importer: Callable[..., Any], need: Can
) -> Callable[[HttpRequest, str], HttpResponse]:
    """The upload page of an `importer` of `core.imports` into the agency, for holders of `need`.

    The form gives the file, its format, whether to check only and, if it has the field,
    whether to keep the valid rows of a file with bad ones (`skip_invalid`).
    """

    @login_required
    def view(request: HttpRequest, slug: str) -> HttpResponse:
        agency = access_agency(user=request.user, agency_slug=slug, need=need)
        return import_page(
            request,
            template,
            form=form_class(request.POST or None, request.FILES or None),
            run=lambda data: importer(
                actor=request.user,
                agency=agency,
                file=data["file"],
                format=data["format"],
                dry_run=data["dry_run"],
                keep_valid=data.get("skip_invalid", False),
            ),
            keeps_valid_rows=True,
            agency=agency,
        )

    return view
