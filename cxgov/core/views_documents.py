"""Staff pages every reviewed plan document shares (the customer service plan and the annual CX
action plan): the list that starts one, its review, its form pages and its document pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cxgov.core.approval_records import record_kind_register
from cxgov.core.approvals import Effect, approval_kind
from cxgov.core.forms_documents import ChosenRecordsForm
from cxgov.core.pages import form_save, object_form_page, object_render
from cxgov.core.permissions import Can
from cxgov.core.selectors import AgencyObjectAccess, access_agency, approval_of
from cxgov.core.services_documents import DocumentReview

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class DocumentKind:
    """What one kind of plan document differs by: its review (`core.approvals`, under the plan
    capabilities, its services taking it as `plan=`) and its staff pages."""

    # Its review's approval key, and where a document with no approval row yet stands.
    review: DocumentReview
    label: StrOrPromise
    access: AgencyObjectAccess[Any]
    title: Callable[[Any], str]
    publish: Callable[..., Any]
    unpublish: Callable[..., Any]
    # The URL name of a document's own staff page, e.g. "plans:plan_detail".
    detail_url: str
    # The name a page's template knows the document by.
    name: str
    # The list page: its template, the records it lists, the form and service that start one.
    list_template: str
    records: Callable[..., Any]
    start_form: type[BaseForm]
    start: Callable[..., Model]
    started: StrOrPromise
    # The breadcrumbs section of its form pages.
    section: str
    # Whether its form pages offer a link back to the document.
    form_cancel: bool = True
    on_submit: Effect | None = None

    @property
    def approval_key(self) -> str:
        """The key of its kind of approval (`core.approvals`)."""
        return self.review.kind

    def detail(self, slug: str, pk: int) -> str:
        """The document's own staff page."""
        return reverse(self.detail_url, kwargs={"slug": slug, self.access.id_name: pk})


def document_kind_register(kind: DocumentKind) -> None:
    """Declare the kind's review (`core.approvals`), from its AppConfig.ready."""
    record_kind_register(
        key=kind.approval_key,
        label=kind.label,
        access=kind.access,
        edit=Can.EDIT_PLANS,
        approve=Can.PUBLISH_PLANS,
        state=kind.review.state,
        title=kind.title,
        url_name=kind.detail_url,
        noun="plan",
        publish=kind.publish,
        unpublish=kind.unpublish,
        on_submit=kind.on_submit,
    )


def document_list_view(kind: DocumentKind) -> Callable[[HttpRequest, str], HttpResponse]:
    """The agency's documents by year, and a form (its fields are `start`'s) to start one."""

    @login_required
    def view(request: HttpRequest, slug: str) -> HttpResponse:
        agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_PLANS)  # type: ignore[arg-type]
        form = kind.start_form(request.POST or None)
        saved = form_save(
            request, form, lambda data: kind.start(actor=request.user, agency=agency, **data)
        )
        if saved:
            messages.success(request, kind.started)
            return redirect(kind.detail(slug, saved.value.pk))
        return render(
            request,
            kind.list_template,
            {
                "agency": agency,
                "plans": kind.records(agency=agency),
                "form": form,
                "nav_section": "staff",
            },
            status=400 if form.errors else 200,
        )

    return view


def document_view(
    kind: DocumentKind,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A signed-in staff page of one document: the view is given the document the URL names
    (404 for anyone whose role in its agency cannot edit it) instead of its id."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def page(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            ids = {kind.access.id_name: kwargs.pop(kind.access.id_name)}
            record = kind.access(user=request.user, agency_slug=slug, **ids)  # type: ignore[arg-type]
            return view(request, slug, record, **kwargs)

        return page

    return decorate


def document_page(
    kind: DocumentKind, template: str
) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., HttpResponse]]:
    """A `document_view` that shows `template`: the view gives only the page's context beside
    the document and its agency."""

    def decorate(view: Callable[..., dict[str, Any]]) -> Callable[..., HttpResponse]:
        @document_view(kind)
        @wraps(view)
        def page(request: HttpRequest, slug: str, record: Any, **kwargs: Any) -> HttpResponse:
            context = view(request, slug, record, **kwargs)
            return document_render(request, template, kind=kind, record=record, **context)

        return page

    return decorate


def document_review(*, kind: DocumentKind, slug: str, record: Model) -> dict[str, Any]:
    """The document's approval and its review page, for its staff page."""
    approval = approval_kind(kind.approval_key)
    if approval is None:
        raise Http404
    return {
        "approval": approval_of(kind=approval, record=record),
        "review_url": reverse(
            "core:approval_detail",
            kwargs={"slug": slug, "kind": kind.approval_key, "object_id": record.pk},
        ),
    }


def document_render(
    request: HttpRequest,
    template: str,
    *,
    kind: DocumentKind,
    record: Any,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    """A staff page of one document, with its agency."""
    return object_render(
        request, template, name=kind.name, record=record, context=context, status=status
    )


def document_form_page(
    request: HttpRequest,
    slug: str,
    *,
    kind: DocumentKind,
    record: Any,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    saved: str,
    title: str,
) -> HttpResponse:
    """A form page of one document that saves and goes back to the document's page."""
    return object_form_page(
        request,
        record,
        name=kind.name,
        section=kind.section,
        form=form,
        save=save,
        back_url=kind.detail(slug, record.pk),
        done=saved,
        title=title,
        cancel=kind.form_cancel,
    )


def document_choose_view(
    kind: DocumentKind,
    *,
    form_class: type[ChosenRecordsForm],
    choices: Callable[[Any], Any],
    chosen: Callable[..., Any],
    choose: Callable[..., Any],
    saved: StrOrPromise,
    title: StrOrPromise,
) -> Callable[..., HttpResponse]:
    """The page that ticks the records a document names (its surveys, its action items).

    The form's one field, `chosen_name`, offers `choices(document)` and starts from
    `chosen(plan=document)`; `choose` is the service that saves them, called with `actor=`,
    `plan=` and the ticked records under that name.
    """
    name = form_class.chosen_name

    @document_view(kind)
    def view(request: HttpRequest, slug: str, record: Any) -> HttpResponse:
        form = form_class(
            request.POST or None,
            choices=choices(record),
            initial={name: list(chosen(plan=record))},
        )
        return document_form_page(
            request,
            slug,
            kind=kind,
            record=record,
            form=form,
            save=lambda data: choose(actor=request.user, plan=record, **{name: list(data[name])}),
            saved=str(saved),
            title=str(title),
        )

    return view
