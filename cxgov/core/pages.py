"""Staff page helpers: the one form page (breadcrumbs, title, error summary, USWDS fields, Save
and Cancel), the agency list page, and the buttons that change something and redirect (as a
helper, or as the whole view of a button on one object), and the page of one object."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cxgov.core.forms import form_add_errors
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import AgencyObjectAccess, access_agency

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
    saved = form_save(request, form, save)
    if saved is not None:
        messages.success(request, success_message)
        return redirect(success_url(saved.value) if callable(success_url) else success_url)
    status = 400 if request.method == "POST" else 200
    return form_page(request, section=section, form=form, status=status, **page)


def object_form_page(
    request: HttpRequest,
    record: Any,
    *,
    name: str,
    section: str,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    back_url: str,
    done: str,
    title: str,
    anchor: str = "",
    cancel: bool = True,
) -> HttpResponse:
    """A form page about one object of an agency, by `form_page_save`: saved, it goes back to
    `back_url` (at `anchor`) with `done` as the message; Cancel leads there too, unless not
    `cancel`. The page knows the object as `name`, and its agency, for the breadcrumbs."""
    return form_page_save(
        request,
        section=section,
        form=form,
        save=save,
        success_url=back_url + anchor,
        success_message=done,
        page={
            "agency": record.agency,
            name: record,
            "title": title,
            **({"cancel_url": back_url} if cancel else {}),
        },
    )


class Saved(NamedTuple):
    """What a form's `save` returned (a tuple, so true even when the value is None)."""

    value: Any


def form_save(
    request: HttpRequest, form: BaseForm, save: Callable[[dict[str, Any]], Any]
) -> Saved | None:
    """On a valid POST, run `save` on the cleaned data and give what it returned as `Saved`.

    Else None: a GET, or the form's errors, where a `ValidationError` that `save` raises lands.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Saved(save(form.cleaned_data))
    except ValidationError as error:
        form_add_errors(form, error)
        return None


def move_offset(direction: str) -> int:
    """How far a "Move up" or "Move down" button's `direction` in the URL moves its item: -1
    for "up", 1 for "down"; any other direction is a page that does not exist (404)."""
    if direction not in {"up", "down"}:
        raise Http404
    return -1 if direction == "up" else 1


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


def _noun(access: AgencyObjectAccess[Any]) -> str:
    # The keyword a service takes the object by: `stage` for `access_stage`, found by `stage_id`.
    return access.id_name.removesuffix("_id")


def button_view(
    access: AgencyObjectAccess[Any],
    *,
    act: Callable[..., Any],
    done: str,
    next_url: Callable[[Any], str],
) -> Callable[..., HttpResponse]:
    """The POST-only view of a button on one object of the agency in the URL.

    `access` (an `access_<noun>` selector) finds the object by its `<noun>_id` in the URL, a
    404 for anyone who may not change it; `act` is the service called with `actor=` and the
    object as `<noun>=`; the page then goes to `next_url` of the object with `done` (lazily
    translated; empty for none) as the message.
    """
    noun = _noun(access)

    @login_required
    @require_POST
    def view(request: HttpRequest, slug: str, **ids: int) -> HttpResponse:
        target = access(user=request.user, agency_slug=slug, **ids)
        return post_action(
            request,
            lambda: act(actor=request.user, **{noun: target}),
            done=str(done),
            next_url=next_url(target),
        )

    return view


def object_render(
    request: HttpRequest,
    template: str,
    *,
    name: str,
    record: Any,
    context: Mapping[str, Any],
    status: int = 200,
) -> HttpResponse:
    """A staff page of one object of an agency: `context` beside the object (as `name`) and
    its agency. (A dict, not keywords: a page may well call something `status`.)"""
    return render(
        request,
        template,
        {"agency": record.agency, name: record, **context, "nav_section": "staff"},
        status=status,
    )


def object_page(
    access: AgencyObjectAccess[Any], template: str
) -> Callable[[Callable[[HttpRequest, Any], dict[str, Any]]], Callable[..., HttpResponse]]:
    """A signed-in staff page of one object of the agency in the URL, shown with `template`.

    `access` (an `access_<noun>` selector) finds the object by its `<noun>_id` in the URL, a
    404 for anyone who may not see it; the view is given the object and returns the page's
    context beside it (as `<noun>`) and its agency.
    """
    noun = _noun(access)

    def decorate(view: Callable[[HttpRequest, Any], dict[str, Any]]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def page(request: HttpRequest, slug: str, **ids: int) -> HttpResponse:
            target = access(user=request.user, agency_slug=slug, **ids)
            return object_render(
                request, template, name=noun, record=target, context=view(request, target)
            )

        return page

    return decorate


def status_view(
    access: AgencyObjectAccess[Any],
    *,
    need: Can,
    actions: Mapping[str, tuple[Callable[..., Any], str]],
    next_url: Callable[[Any], str],
    follow_result: bool = False,
) -> Callable[..., HttpResponse]:
    """The POST-only view of an object's status buttons (publish, archive...): `access` (an
    `access_<noun>` selector) finds the object for holders of `need`, and the action named in
    the URL runs on it (as `<noun>=`) by `status_action`.

    The page then goes to `next_url` of the object, or with `follow_result` of what the action
    returned (a copy, say); when the action is refused, back to the object.
    """

    @login_required
    @require_POST
    def view(request: HttpRequest, slug: str, action: str, **ids: int) -> HttpResponse:
        target = access(user=request.user, agency_slug=slug, need=need, **ids)
        return status_action(
            request,
            actions,
            action,
            target={_noun(access): target},
            next_url=next_url if follow_result else next_url(target),
            failed_url=next_url(target),
        )

    return view


def agency_list_view(
    template: str,
    *,
    edit: Can | None = None,
    need: Can = Can.VIEW_AGENCY,
    **lists: Callable[..., Any],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A staff page of the agency's objects that any member reads, or only holders of `need`.

    Each of `lists` is called with `agency=` and lands in the context under its name;
    `can_edit` says whether the user holds `edit` for the agency (never, for a read-only page).
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
                "can_edit": edit is not None
                and user_can(user=request.user, agency=agency, need=edit),
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
