"""Staff pages for the service inventory. Any member reads; admins and service managers write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cxgov.core.models import Agency, PreparedFile
from cxgov.core.pages import (
    agency_import_view,
    agency_list_view,
    form_page_save,
    move_offset,
    object_form_page,
    post_action,
    status_view,
)
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import AgencyObjectAccess, access_agency, fresh_copy
from cxgov.core.services import audit_record
from cxgov.core.tables import csv_response
from cxgov.core.views_prepared import prepared_file_response
from cxgov.insights.charts import horizontal_bar_svg
from cxgov.registry import services as registry
from cxgov.registry.exports import inventory_json, inventory_table
from cxgov.registry.forms import (
    ChannelForm,
    ClosureForm,
    HoursForm,
    RetentionPolicyForm,
    SegmentForm,
    ServiceForm,
    ServiceImportForm,
    StageForm,
)
from cxgov.registry.importers import services_import
from cxgov.registry.models import Channel, Service, ServiceStage
from cxgov.registry.prepared import AGENCY_EXPORT, AGENCY_EXPORT_MAX_AGE
from cxgov.registry.selectors import (
    access_channel,
    access_segment,
    access_service,
    access_stage,
    channel_insight,
    segments_for_agency,
    service_detail,
    service_history,
    services_for_agency,
)

Part = TypeVar("Part", ServiceStage, Channel)

# --- services ------------------------------------------------------------------------------


service_list = agency_list_view(
    "registry/service_list.html", edit=Can.EDIT_SERVICES, services=services_for_agency
)


@login_required
def service_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_SERVICES)
    form = ServiceForm(request.POST or None, agency=agency)

    def save(data: dict[str, Any]) -> Service:
        segments = data.pop("segments")
        return registry.service_create(actor=request.user, agency=agency, segments=segments, **data)

    return form_page_save(
        request,
        section="registry",
        form=form,
        save=save,
        success_url=lambda service: _detail_url(agency.slug, service.pk),
        success_message=_("Service created as a draft."),
        page={
            "agency": agency,
            "title": _("Add a service"),
            "cancel_url": reverse("registry:service_list", kwargs={"slug": agency.slug}),
        },
    )


@login_required
def service_detail_view(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    service = service_detail(
        service=access_service(user=request.user, agency_slug=slug, service_id=service_id)
    )
    insight = channel_insight(service=service)
    chart = None
    measured = [row for row in insight.rows if row.volume is not None]
    if measured:
        chart = horizontal_bar_svg(
            labels=[row.channel.display_name for row in measured],
            values=[row.volume or 0 for row in measured],
            title=_("Transactions a year by channel"),
            value_label=_("Transactions a year"),
            description=_("%(n)s channels; the table below gives each number.")
            % {"n": len(measured)},
            chart_id="channel-volume",
        )
    return render(
        request,
        "registry/service_detail.html",
        {
            "agency": service.agency,
            "service": service,
            "insight": insight,
            "chart": chart,
            "history": service_history(service=service, limit=30),
            "can_edit": user_can(user=request.user, agency=service.agency, need=Can.EDIT_SERVICES),
            "nav_section": "staff",
        },
    )


@login_required
def service_edit(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    service = _editable_service(request, slug, service_id)
    form = ServiceForm(request.POST or None, instance=service, agency=service.agency)
    # A ModelForm writes into its instance while validating; edit a fresh copy instead.
    target = fresh_copy(service)

    def save(data: dict[str, Any]) -> None:
        segments = data.pop("segments")
        registry.service_update(actor=request.user, service=target, segments=segments, **data)

    return _service_form_page(
        request, service, form=form, save=save, done=_("Service saved."), title=_("Edit service")
    )


_STATUS_ACTIONS = {
    "publish": (registry.service_publish, "Service published: the public can see it now."),
    "archive": (registry.service_archive, "Service archived: it is off the public site."),
    "unpublish": (registry.service_unpublish, "Service returned to draft."),
}


service_status = status_view(
    access_service,
    need=Can.EDIT_SERVICES,
    actions=_STATUS_ACTIONS,
    next_url=lambda service: _detail_url(service.agency.slug, service.pk),
)


# --- stages --------------------------------------------------------------------------------


def _service_form_page(request: HttpRequest, service: Service, **page: Any) -> HttpResponse:
    """A form page about `service` (itself, a stage or a channel) that goes back to its page."""
    detail_url = _detail_url(service.agency.slug, service.pk)
    return object_form_page(
        request, service, name="service", section="registry", back_url=detail_url, **page
    )


def _part_views(
    access: AgencyObjectAccess[Any],
    *,
    form_class: type[BaseForm],
    services: tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]],
    titles: tuple[str, str],
    done: tuple[str, str, str],
) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    """The add, edit and remove pages of a part of a service (a stage or a channel), found by
    its `access_<noun>` selector: `services` create, update and delete it, `titles` name the
    add and edit pages and `done` says what each did. Each goes back to the part's list on the
    service's page."""
    create, update, delete = services
    noun = access.id_name.removesuffix("_id")
    anchor = f"#{noun}s"

    @login_required
    def create_view(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
        service = _editable_service(request, slug, service_id)
        return _service_form_page(
            request,
            service,
            form=form_class(request.POST or None),
            save=lambda data: create(actor=request.user, service=service, **data),
            anchor=anchor,
            done=str(done[0]),
            title=str(titles[0]),
        )

    @login_required
    def edit_view(request: HttpRequest, slug: str, **ids: int) -> HttpResponse:
        part = _editable_part(access, request, slug, **ids)
        target = fresh_copy(part)
        return _service_form_page(
            request,
            part.service,
            form=form_class(request.POST or None, instance=part),
            save=lambda data: update(actor=request.user, **{noun: target}, **data),
            anchor=anchor,
            done=str(done[1]),
            title=str(titles[1]),
        )

    @login_required
    @require_POST
    def delete_view(request: HttpRequest, slug: str, **ids: int) -> HttpResponse:
        part = _editable_part(access, request, slug, **ids)
        return post_action(
            request,
            lambda: delete(actor=request.user, **{noun: part}),
            done=str(done[2]),
            next_url=_detail_url(slug, part.service_id) + anchor,
        )

    return create_view, edit_view, delete_view


stage_create, stage_edit, stage_delete = _part_views(
    access_stage,
    form_class=StageForm,
    services=(registry.stage_create, registry.stage_update, registry.stage_delete),
    titles=(gettext_lazy("Add a journey stage"), gettext_lazy("Edit journey stage")),
    done=(
        gettext_lazy("Stage added."),
        gettext_lazy("Stage saved."),
        gettext_lazy("Stage removed."),
    ),
)


@login_required
@require_POST
def stage_move(request: HttpRequest, slug: str, stage_id: int, direction: str) -> HttpResponse:
    stage = _editable_part(access_stage, request, slug, stage_id=stage_id)
    registry.stage_move(actor=request.user, stage=stage, offset=move_offset(direction))
    return redirect(_detail_url(slug, stage.service_id) + "#stages")


def _detail_url(slug: str, service_id: int) -> str:
    return reverse("registry:service_detail", kwargs={"slug": slug, "service_id": service_id})


def _same_agency(agency: Agency, slug: str) -> None:
    # An object reached through another agency's URL is treated as missing.
    if agency.slug != slug:
        raise Http404


def _editable_service(request: HttpRequest, slug: str, service_id: int) -> Service:
    return access_service(
        user=request.user, agency_slug=slug, service_id=service_id, need=Can.EDIT_SERVICES
    )


def _editable_part(
    access: AgencyObjectAccess[Part], request: HttpRequest, slug: str, **ids: int
) -> Part:
    """A stage or channel of a service (found by `access`) for an editor of services."""
    part = access(user=request.user, agency_slug=slug, need=Can.EDIT_SERVICES, **ids)
    _same_agency(part.service.agency, slug)
    return part


# --- channels ------------------------------------------------------------------------------


channel_create, channel_edit, channel_delete = _part_views(
    access_channel,
    form_class=ChannelForm,
    services=(registry.channel_create, registry.channel_update, registry.channel_delete),
    titles=(gettext_lazy("Add a channel"), gettext_lazy("Edit channel")),
    done=(
        gettext_lazy("Channel added. Set its opening hours next."),
        gettext_lazy("Channel saved."),
        gettext_lazy("Channel removed."),
    ),
)


def _hours_page(
    request: HttpRequest, channel: Channel, *, form: HoursForm, closure_form: ClosureForm
) -> HttpResponse:
    return render(
        request,
        "registry/channel_hours.html",
        {
            "agency": channel.service.agency,
            "service": channel.service,
            "channel": channel,
            "form": form,
            "closure_form": closure_form,
            "closures": channel.closures.all(),
            "cancel_url": _detail_url(channel.service.agency.slug, channel.service_id),
            "nav_section": "staff",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def channel_hours(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    channel = _editable_part(access_channel, request, slug, channel_id=channel_id)
    form = HoursForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        registry.channel_hours_set(
            actor=request.user, channel=channel, weekly_hours=form.weekly_hours
        )
        messages.success(request, _("Opening hours saved."))
        return redirect(_detail_url(slug, channel.service_id) + "#channels")
    return _hours_page(request, channel, form=form, closure_form=ClosureForm(prefix="closure"))


@login_required
@require_POST
def closure_add(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    channel = _editable_part(access_channel, request, slug, channel_id=channel_id)
    form = ClosureForm(request.POST, prefix="closure")
    if form.is_valid():
        registry.channel_closure_add(
            actor=request.user,
            channel=channel,
            day=form.cleaned_data["date"],
            name=form.cleaned_data["name"],
        )
        messages.success(request, _("Closure added."))
        return redirect("registry:channel_hours", slug=slug, channel_id=channel.pk)
    return _hours_page(request, channel, form=HoursForm(channel=channel), closure_form=form)


@login_required
@require_POST
def closure_remove(
    request: HttpRequest, slug: str, channel_id: int, closure_id: int
) -> HttpResponse:
    channel = _editable_part(access_channel, request, slug, channel_id=channel_id)
    closure = channel.closures.filter(pk=closure_id).first()
    if closure is None:
        raise Http404
    return post_action(
        request,
        lambda: registry.channel_closure_remove(actor=request.user, closure=closure),
        done=_("Closure removed."),
        next_url=reverse("registry:channel_hours", kwargs={"slug": slug, "channel_id": channel.pk}),
    )


# --- segments ------------------------------------------------------------------------------


segment_list = agency_list_view(
    "registry/segment_list.html", edit=Can.EDIT_SERVICES, segments=segments_for_agency
)


@login_required
def segment_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_SERVICES)
    list_url = reverse("registry:segment_list", kwargs={"slug": slug})
    return form_page_save(
        request,
        section="registry",
        form=SegmentForm(request.POST or None, agency=agency),
        save=lambda data: registry.segment_create(actor=request.user, agency=agency, **data),
        success_url=list_url,
        success_message=_("Customer segment added."),
        page={"agency": agency, "title": _("Add a customer segment"), "cancel_url": list_url},
    )


@login_required
def segment_edit(request: HttpRequest, slug: str, segment_id: int) -> HttpResponse:
    segment = access_segment(
        user=request.user, agency_slug=slug, segment_id=segment_id, need=Can.EDIT_SERVICES
    )
    _same_agency(segment.agency, slug)
    list_url = reverse("registry:segment_list", kwargs={"slug": slug})
    target = fresh_copy(segment)
    return form_page_save(
        request,
        section="registry",
        form=SegmentForm(request.POST or None, instance=segment, agency=segment.agency),
        save=lambda data: registry.segment_update(actor=request.user, segment=target, **data),
        success_url=list_url,
        success_message=_("Customer segment saved."),
        page={
            "agency": segment.agency,
            "title": _("Edit customer segment"),
            "cancel_url": list_url,
        },
    )


@login_required
@require_POST
def segment_delete(request: HttpRequest, slug: str, segment_id: int) -> HttpResponse:
    segment = access_segment(
        user=request.user, agency_slug=slug, segment_id=segment_id, need=Can.EDIT_SERVICES
    )
    _same_agency(segment.agency, slug)
    return post_action(
        request,
        lambda: registry.segment_delete(actor=request.user, segment=segment),
        done=_("Customer segment removed."),
        next_url=reverse("registry:segment_list", kwargs={"slug": slug}),
    )


# --- export and import ---------------------------------------------------------------------


@login_required
def service_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The agency's inventory as CSV (our import format) or nested JSON."""
    agency = access_agency(user=request.user, agency_slug=slug)
    if fmt == "csv":
        header, rows = inventory_table(agency=agency)
        return csv_response(header, rows, filename=f"{agency.slug}-services.csv")
    if fmt != "json":
        raise Http404
    response = JsonResponse(inventory_json(agency=agency), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{agency.slug}-services.json"'
    return response


# Upload a services file into this agency; errors are listed by row and column.
service_import = agency_import_view(
    "registry/service_import.html",
    form_class=ServiceImportForm,
    importer=services_import,
    need=Can.EDIT_SERVICES,
)


# --- data retention and export (agency admins) ---------------------------------------------


@login_required
def agency_privacy(request: HttpRequest, slug: str) -> HttpResponse:
    """The agency's retention periods (editable) and the whole-agency export download."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.ADMINISTER_AGENCY)
    policy = registry.retention_policy_for(agency=agency)
    initial = {name: getattr(policy, name) for name in registry.RETENTION_FIELDS}
    form = RetentionPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        registry.retention_policy_update(actor=request.user, agency=agency, **form.cleaned_data)
        messages.success(request, _("Retention periods saved."))
        return redirect("registry:agency_privacy", slug=agency.slug)
    return render(
        request,
        "registry/privacy.html",
        {"agency": agency, "form": form, "nav_section": "staff"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def agency_export(request: HttpRequest, slug: str) -> HttpResponse:
    """All of the agency's data as one zip of CSV and JSON files (agency admins only), prepared
    by the worker; the download is audited each time the file is sent."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.ADMINISTER_AGENCY)

    def audit(_prepared: PreparedFile) -> None:
        audit_record(actor=request.user, action="agency.export", agency=agency, target=agency)

    return prepared_file_response(
        request,
        kind=AGENCY_EXPORT,
        agency=agency,
        params={},
        title=_("Export of the agency’s data"),
        max_age=AGENCY_EXPORT_MAX_AGE,
        on_serve=audit,
    )
