"""Staff complaint pages: the queue, staff entry, the case page and attachment downloads.

The queue, cases and attachments hold complainants' contact details: each person opens only
the cases `selectors.complaints_visible` gives them (their teams', unrouted and assigned ones
for complaint handlers, every case for administrators and service managers, assigned ones for
front-line employees). Any member reads the analytics and the setup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.core.forms import form_add_errors
from cxgov.core.models import Agency, User
from cxgov.core.pages import agency_list_view, form_page, form_page_save, form_save
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency
from cxgov.core.services import audit_record
from cxgov.insights.charts import horizontal_bar_svg
from cxgov.insights.complaint_metrics import MIN_CELL, measures_by_group, top_themes
from cxgov.insights.scrub import scrub_text

from . import services
from .forms import (
    AssignForm,
    BulkStatusForm,
    CannedResponseForm,
    CategoryForm,
    ComplaintSettingsForm,
    MergeForm,
    MessageForm,
    NarrativeReviewForm,
    NewCategoryForm,
    NewTeamForm,
    NoteForm,
    QueueFilterForm,
    RespondForm,
    RoutingRuleForm,
    SlaPolicyForm,
    SplitForm,
    StaffComplaintForm,
    TransitionForm,
)
from .models import Attachment, CannedResponse, Complaint, NarrativeReview, Status
from .selectors import (
    METRIC_DIMENSIONS,
    NARRATIVE_STATES,
    QueueFilters,
    access_attachment,
    access_canned_response,
    access_complaint,
    access_complaint_to_handle,
    access_narrative,
    access_queue_filter,
    canned_response_for_agency,
    canned_response_text,
    canned_responses_for_agency,
    categories_for_agency,
    complaint_by_tracking_number,
    complaint_case,
    complaint_facts,
    complaint_queue,
    complaints_visible,
    narrative_review_queue,
    narratives_for_agency,
    normalize_tracking_number,
    queue_filters_of,
    queue_query_clean,
    routing_rules_for_agency,
    sla_policies_for_agency,
    teams_for_agency,
)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _case_url(complaint: Complaint) -> str:
    return reverse(
        "complaints:case", kwargs={"slug": complaint.agency.slug, "complaint_id": complaint.pk}
    )


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The complaints the user may open, with filters (and the person's saved ones), soonest
    deadline first; bulk assignment and bulk status change by POST for those who handle
    complaints. Someone who only works the cases assigned to them sees those."""
    user: User = request.user  # type: ignore[assignment]
    agency = access_agency(user=user, agency_slug=slug, need=Can.WORK_ASSIGNED_COMPLAINTS)
    can_handle = user_can(user=user, agency=agency, need=Can.HANDLE_COMPLAINTS)
    assign_form = AssignForm(agency=agency)
    status_form = BulkStatusForm(statuses=services.BULK_STATUSES)
    if request.method == "POST":
        if not can_handle:
            raise Http404
        given = [i for i in (_int(v) for v in request.POST.getlist("complaint")) if i]
        # Only cases the user may open: another team's ids are ignored like unknown ones.
        ids = list(
            complaints_visible(user=user, agency=agency)
            .filter(pk__in=given)
            .values_list("pk", flat=True)
        )
        if not ids:
            messages.error(request, _("Choose at least one complaint."))
        elif request.POST.get("action") == "status":
            _queue_status_change(request, agency, ids)
        else:
            assign_form = AssignForm(request.POST, agency=agency)
            if assign_form.is_valid():
                count = services.complaints_assign_bulk(
                    agency=agency,
                    complaint_ids=ids,
                    actor=user,
                    assignee=assign_form.cleaned_data["assignee"],
                )
                messages.success(request, _("%(n)s complaints assigned.") % {"n": count})
        return redirect(request.get_full_path())
    filters = QueueFilters(
        status=request.GET.get("status", "open")[:20],
        team_id=_int(request.GET.get("team")),
        assignee_id=_int(request.GET.get("assignee")),
        category_id=_int(request.GET.get("category")),
        overdue_only=request.GET.get("overdue") == "1",
        query=request.GET.get("q", "")[:100],
    )
    complaints = complaint_queue(agency=agency, user=user, filters=filters, now=timezone.now())[
        :200
    ]
    return render(
        request,
        "complaints/queue.html",
        {
            "agency": agency,
            "complaints": complaints,
            "filters": filters,
            "statuses": Status.choices,
            "teams": teams_for_agency(agency=agency),
            "categories": categories_for_agency(agency=agency),
            "assign_form": assign_form,
            "status_form": status_form,
            "saved_filters": queue_filters_of(user=user, agency=agency),
            "filter_form": QueueFilterForm(initial={"query": request.GET.urlencode()}),
            "current_query": queue_query_clean(request.GET.urlencode()),
            "can_handle": can_handle,
            "can_review_narratives": user_can(
                user=request.user, agency=agency, need=Can.REVIEW_NARRATIVES
            ),
            "now": timezone.now(),
            "nav_section": "staff",
        },
    )


def _queue_status_change(request: HttpRequest, agency: Agency, ids: list[int]) -> None:
    """Move the chosen complaints to one status; say which moved and which could not, why."""
    user: User = request.user  # type: ignore[assignment]
    form = BulkStatusForm(request.POST, statuses=services.BULK_STATUSES)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return
    result = services.complaints_transition_bulk(
        agency=agency,
        complaint_ids=ids,
        actor=user,
        to_status=form.cleaned_data["to_status"],
        reason=form.cleaned_data["reason"],
        site_url=_site_url(request),
    )
    if result.moved:
        messages.success(
            request,
            _("%(n)s complaints changed: %(numbers)s.")
            % {
                "n": len(result.moved),
                "numbers": ", ".join(c.tracking_number for c in result.moved),
            },
        )
    for complaint, why in result.refused:
        messages.warning(
            request,
            _("%(number)s was not changed: %(why)s")
            % {"number": complaint.tracking_number, "why": why},
        )


@login_required
@require_POST
def queue_filters(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the queue's current filters under a name, or delete one of the person's own."""
    user: User = request.user  # type: ignore[assignment]
    agency = access_agency(user=user, agency_slug=slug, need=Can.WORK_ASSIGNED_COMPLAINTS)
    queue_url = reverse("complaints:queue", kwargs={"slug": agency.slug})
    delete_id = _int(request.POST.get("delete"))
    if delete_id:
        saved = access_queue_filter(user=user, agency=agency, filter_id=delete_id)
        services.queue_filter_delete(user=user, saved=saved)
        messages.success(request, _("Filter deleted."))
        return redirect(queue_url)
    form = QueueFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the filter."))
        return redirect(queue_url)
    saved = services.queue_filter_save(
        user=user, agency=agency, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
    )
    messages.success(request, _("Filter %(name)s saved.") % {"name": saved.name})
    return redirect(f"{queue_url}?{saved.query}" if saved.query else queue_url)


def _case_or(request: HttpRequest, complaint: Complaint, elsewhere: str) -> HttpResponse:
    """Go to the case's page if the person may open it (routing may give it to a team they are
    not in), else to `elsewhere`."""
    user: User = request.user  # type: ignore[assignment]
    if complaints_visible(user=user, agency=complaint.agency).filter(pk=complaint.pk).exists():
        return redirect(_case_url(complaint))
    return redirect(elsewhere)


@login_required
def complaint_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Enter a complaint received by phone, mail, email or in person."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.HANDLE_COMPLAINTS)
    form = StaffComplaintForm(request.POST or None, agency=agency)
    saved = form_save(
        request,
        form,
        lambda _data: services.complaint_create(agency=agency, actor=request.user, **form.filing),
    )
    if saved is not None:
        complaint = saved.value
        messages.success(
            request, _("Complaint %(number)s entered.") % {"number": complaint.tracking_number}
        )
        # Routed to a team the person is not in: the case is that team's to open.
        return _case_or(request, complaint, reverse("complaints:queue", kwargs={"slug": slug}))
    return form_page(
        request,
        section="complaints",
        agency=agency,
        form=form,
        title=_("Enter a complaint"),
        cancel_url=reverse("complaints:queue", kwargs={"slug": agency.slug}),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def case(request: HttpRequest, slug: str, complaint_id: int) -> HttpResponse:
    """One complaint: facts, clocks, history, internal notes and messages to the customer."""
    complaint = access_complaint(user=request.user, agency_slug=slug, complaint_id=complaint_id)
    agency = complaint.agency
    # Personal data read: who opened the case is part of the record.
    audit_record(
        actor=request.user,
        action="complaint.read",
        agency=agency,
        target=complaint,
        data={"via": "page"},
    )
    return render(
        request,
        "complaints/case.html",
        {
            "agency": agency,
            "complaint": complaint,
            "case": complaint_case(complaint=complaint),
            "transition_form": TransitionForm(
                current=complaint.status, allowed=services.TRANSITIONS[complaint.status]
            ),
            "respond_form": _respond_form(request, complaint),
            "canned_responses": canned_responses_for_agency(agency=agency).filter(is_active=True),
            "assign_form": AssignForm(
                agency=agency,
                initial={"assignee": complaint.assignee_id, "team": complaint.team_id},
            ),
            "category_form": CategoryForm(
                agency=agency,
                initial={"category": complaint.category_id or complaint.suggested_category_id},
            ),
            "note_form": NoteForm(prefix="note"),
            "message_form": MessageForm(prefix="message"),
            "merge_form": MergeForm(prefix="merge"),
            "can_handle": user_can(user=request.user, agency=agency, need=Can.HANDLE_COMPLAINTS),
            "nav_section": "staff",
        },
    )


def _respond_form(request: HttpRequest, complaint: Complaint) -> RespondForm:
    """The response form, filled from a canned response when the page was asked for one."""
    initial: dict[str, str] = {}
    canned_id = _int(request.GET.get("canned"))
    canned = (
        canned_response_for_agency(agency=complaint.agency, canned_id=canned_id)
        if canned_id
        else None
    )
    if canned is not None:
        initial = {
            "body": canned_response_text(canned=canned, complaint=complaint),
            "category": canned.response_category,
        }
    return RespondForm(prefix="respond", initial=initial)


def _site_url(request: HttpRequest) -> str:
    """The address the request came to, for links in emails."""
    return request.build_absolute_uri("/").rstrip("/")


def _apply(request: HttpRequest, complaint: Complaint, form: BaseForm, action: Any) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect(_case_url(complaint))


def _handled(request: HttpRequest, slug: str, complaint_id: int) -> Complaint:
    return access_complaint(user=request.user, agency_slug=slug, complaint_id=complaint_id)


@login_required
@require_POST
def case_transition(request: HttpRequest, slug: str, complaint_id: int) -> HttpResponse:
    complaint = _handled(request, slug, complaint_id)

    def act(data: dict[str, Any]) -> None:
        duplicate_of = None
        if data["duplicate_of"]:
            duplicate_of = complaint_by_tracking_number(
                agency=complaint.agency,
                tracking_number=normalize_tracking_number(data["duplicate_of"]),
            )
        if data["to_status"] == complaint.status:
            raise ValidationError(_("Choose a new status: the status is unchanged."))
        services.complaint_transition(
            complaint=complaint,
            to_status=data["to_status"],
            actor=request.user,
            reason=data["reason"],
            referred_to=data["referred_to"],
            duplicate_of=duplicate_of,
            site_url=_site_url(request),
        )

    form = TransitionForm(
        request.POST, current=complaint.status, allowed=services.TRANSITIONS[complaint.status]
    )
    return _apply(request, complaint, form, act)


@login_required
@require_POST
def case_merge(request: HttpRequest, slug: str, complaint_id: int) -> HttpResponse:
    """Merge this case, a duplicate, into another case the person may open."""
    user: User = request.user  # type: ignore[assignment]
    complaint = access_complaint_to_handle(user=user, agency_slug=slug, complaint_id=complaint_id)

    def act(data: dict[str, Any]) -> None:
        number = normalize_tracking_number(data["into"])
        # A case the person may not open is refused like a missing one.
        into = (
            complaints_visible(user=user, agency=complaint.agency)
            .filter(tracking_number=number)
            .first()
            if number
            else None
        )
        if into is None:
            raise ValidationError(_("No complaint you can open has that tracking number."))
        services.complaint_merge(
            complaint=complaint,
            into=into,
            actor=user,
            reason=data["reason"],
            site_url=_site_url(request),
        )

    return _apply(request, complaint, MergeForm(request.POST, prefix="merge"), act)


@login_required
def case_split(request: HttpRequest, slug: str, complaint_id: int) -> HttpResponse:
    """A new case from part of this one, with the chosen messages and files."""
    user: User = request.user  # type: ignore[assignment]
    complaint = access_complaint_to_handle(user=user, agency_slug=slug, complaint_id=complaint_id)
    form = SplitForm(request.POST or None, complaint=complaint)
    saved = form_save(
        request,
        form,
        lambda data: services.complaint_split(
            complaint=complaint, actor=user, **data, site_url=_site_url(request)
        ),
    )
    if saved is not None:
        split = saved.value
        messages.success(
            request,
            _("Complaint %(number)s opened from %(original)s.")
            % {"number": split.tracking_number, "original": complaint.tracking_number},
        )
        return _case_or(request, split, _case_url(complaint))
    return form_page(
        request,
        section="complaints",
        agency=complaint.agency,
        form=form,
        title=_("Split complaint %(number)s") % {"number": complaint.tracking_number},
        cancel_url=_case_url(complaint),
    )


def _case_form_view(
    form_class: type[BaseForm],
    *,
    send: Callable[..., Any],
    prefix: str | None = None,
    of_agency: bool = False,
    site_url: bool = False,
) -> Callable[[HttpRequest, str, int], HttpResponse]:
    """A form of the case page, applied by `send(complaint=, actor=, ...)` with the form's
    cleaned data, whose fields are named as `send` takes them. With `of_agency` the form offers
    the agency's choices; with `site_url`, `send` gets the address for links in emails."""

    @login_required
    @require_POST
    def view(request: HttpRequest, slug: str, complaint_id: int) -> HttpResponse:
        complaint = _handled(request, slug, complaint_id)
        user: User = request.user  # type: ignore[assignment]
        choices = {"agency": complaint.agency} if of_agency else {}
        extra = {"site_url": _site_url(request)} if site_url else {}
        return _apply(
            request,
            complaint,
            form_class(request.POST, request.FILES, prefix=prefix, **choices),
            lambda data: send(complaint=complaint, actor=user, **data, **extra),
        )

    return view


case_assign = _case_form_view(AssignForm, send=services.complaint_assign, of_agency=True)
case_categorize = _case_form_view(CategoryForm, send=services.complaint_categorize, of_agency=True)
case_note = _case_form_view(NoteForm, send=services.complaint_note_add, prefix="note")
# A message to the customer, with files; optionally the case then waits for them.
case_message = _case_form_view(
    MessageForm, send=services.complaint_message_send, prefix="message", site_url=True
)
# The agency's response, with its category; the customer then accepts or disputes it.
case_respond = _case_form_view(
    RespondForm, send=services.complaint_respond, prefix="respond", site_url=True
)


canned_response_list = agency_list_view(
    "complaints/canned_list.html",
    edit=Can.SET_UP_COMPLAINTS,
    canned_responses=canned_responses_for_agency,
)


def _canned_page(
    request: HttpRequest, *, agency: Agency, canned: CannedResponse | None
) -> HttpResponse:
    list_url = reverse("complaints:canned_list", kwargs={"slug": agency.slug})
    initial = {}
    if canned is not None:
        initial = {
            "title": canned.title,
            "response_category": canned.response_category,
            "body": canned.body,
            "body_es": canned.body_es,
            "is_active": canned.is_active,
        }
    return form_page_save(
        request,
        section="complaints",
        form=CannedResponseForm(request.POST or None, initial=initial),
        save=lambda data: services.canned_response_save(
            agency=agency, actor=request.user, canned=canned, **data
        ),
        success_url=list_url,
        success_message=_("Canned response saved."),
        page={
            "agency": agency,
            "title": _("Edit canned response") if canned else _("Add a canned response"),
            "cancel_url": list_url,
        },
    )


@login_required
def canned_response_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.SET_UP_COMPLAINTS)
    return _canned_page(request, agency=agency, canned=None)


@login_required
def canned_response_edit(request: HttpRequest, slug: str, canned_id: int) -> HttpResponse:
    canned = access_canned_response(user=request.user, agency_slug=slug, canned_id=canned_id)
    return _canned_page(request, agency=canned.agency, canned=canned)


@login_required
def attachment_download(
    request: HttpRequest, slug: str, complaint_id: int, attachment_id: int
) -> FileResponse:
    """The file as a download, never shown inline, with its sniffed type."""
    attachment = access_attachment(
        user=request.user,
        agency_slug=slug,
        complaint_id=complaint_id,
        attachment_id=attachment_id,
    )
    audit_record(
        actor=request.user,
        action="complaint.attachment_read",
        agency=attachment.complaint.agency,
        target=attachment.complaint,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment_response(attachment)


def attachment_response(attachment: Attachment) -> FileResponse:
    """A complaint's file as a download, never shown inline or sniffed, with its checked type;
    for staff and for the complaint's customer alike."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
def analytics(request: HttpRequest, slug: str) -> HttpResponse:
    """Volume, share timely (n, 95% CI), median days to respond and dispute rate by a dimension."""
    agency = access_agency(user=request.user, agency_slug=slug)
    by = request.GET.get("by", "category")
    if by not in METRIC_DIMENSIONS:
        by = "category"
    measures = measures_by_group(complaint_facts(agency=agency, by=by))
    chart = None
    if measures:
        shown = measures[:15]
        chart = horizontal_bar_svg(
            labels=[measure.group for measure in shown],
            values=[measure.complaints for measure in shown],
            title=_("Complaints by %(dimension)s") % {"dimension": by},
            value_label=_("Complaints"),
            description=_("%(n)s groups; the table gives each number.") % {"n": len(shown)},
            chart_id="complaint-volume",
        )
    return render(
        request,
        "complaints/analytics.html",
        {
            "agency": agency,
            "by": by,
            "dimensions": METRIC_DIMENSIONS,
            "measures": measures,
            "total": sum(measure.complaints for measure in measures),
            "chart": chart,
            # Readers without case access (oversight) read this page too: phrases come from
            # scrubbed narratives and must recur in MIN_CELL of them, so no one is named.
            "themes": [
                theme
                for theme in top_themes(
                    [scrub_text(text) for text in narratives_for_agency(agency=agency, limit=5000)],
                    min_narratives=MIN_CELL,
                )
                if "removed" not in theme.phrase  # scrub marks are not themes
            ],
            "min_cell": MIN_CELL,
            "nav_section": "staff",
        },
    )


SETUP_FORMS = {
    "category": NewCategoryForm,
    "team": NewTeamForm,
    "rule": RoutingRuleForm,
    "sla": SlaPolicyForm,
    "narratives": ComplaintSettingsForm,
}


def _setup_save(kind: str, agency: Agency, user: User, data: dict[str, Any]) -> None:
    if kind == "category":
        services.category_create(agency=agency, actor=user, **data)
    elif kind == "team":
        services.team_create(agency=agency, actor=user, **data)
    elif kind == "narratives":
        services.complaint_settings_save(agency=agency, actor=user, **data)
    elif kind == "rule":
        services.routing_rule_create(
            agency=agency,
            actor=user,
            team=data["team"],
            service=data["rule_service"],
            category=data["rule_category"],
            channel=data["channel"],
            keywords=data["keywords"],
            position=data["position"],
        )
    else:
        services.sla_policy_save(
            agency=agency,
            actor=user,
            service=data.pop("sla_service"),
            category=data.pop("sla_category"),
            **data,
        )


@login_required
def setup(request: HttpRequest, slug: str) -> HttpResponse:
    """Categories, teams, routing rules and SLA policies; admins and managers change them."""
    agency = access_agency(user=request.user, agency_slug=slug)
    can_edit = user_can(user=request.user, agency=agency, need=Can.SET_UP_COMPLAINTS)
    forms = {kind: form(agency=agency, prefix=kind) for kind, form in SETUP_FORMS.items()}
    status = 200
    if request.method == "POST":
        access_agency(user=request.user, agency_slug=slug, need=Can.SET_UP_COMPLAINTS)
        kind = request.POST.get("kind", "")
        if kind not in SETUP_FORMS:
            raise Http404
        form = SETUP_FORMS[kind](request.POST, agency=agency, prefix=kind)
        forms[kind] = form
        if form.is_valid():
            user: User = request.user  # type: ignore[assignment]
            try:
                _setup_save(kind, agency, user, dict(form.cleaned_data))
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(reverse("complaints:setup", kwargs={"slug": agency.slug}))
        status = 400
    return render(
        request,
        "complaints/setup.html",
        {
            "agency": agency,
            "forms": forms,
            "can_edit": can_edit,
            "categories": categories_for_agency(agency=agency),
            "teams": teams_for_agency(agency=agency),
            "rules": routing_rules_for_agency(agency=agency),
            "policies": sla_policies_for_agency(agency=agency),
            "nav_section": "staff",
        },
        status=status,
    )


@login_required
def narratives(request: HttpRequest, slug: str) -> HttpResponse:
    """Consented narratives waiting for review (or approved, or withheld): the original beside
    the scrubbed text, to approve as is, edit and approve, or withhold."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.REVIEW_NARRATIVES)
    state = request.GET.get("state", NarrativeReview.PENDING)
    if state not in NARRATIVE_STATES:
        state = NarrativeReview.PENDING
    items, total = narrative_review_queue(
        agency=agency, user=request.user, state=state, now=timezone.now()
    )
    if items:
        # The originals hold personal data: who read them is part of the record.
        audit_record(
            actor=request.user,
            action="complaint.narratives.read",
            agency=agency,
            data={"state": state, "complaints": [item.complaint.pk for item in items]},
        )
    return render(
        request,
        "complaints/narratives.html",
        {
            "agency": agency,
            "state": state,
            "states": NarrativeReview.choices,
            "total": total,
            "rows": [
                (
                    item,
                    NarrativeReviewForm(
                        initial={"text": item.proposed}, auto_id=f"n{item.complaint.pk}_%s"
                    ),
                )
                for item in items
            ],
            "nav_section": "staff",
        },
    )


@login_required
@require_POST
def narrative_review(request: HttpRequest, slug: str, complaint_id: int) -> HttpResponse:
    """Approve (as proposed or edited) or withhold one narrative."""
    complaint = access_narrative(user=request.user, agency_slug=slug, complaint_id=complaint_id)
    user: User = request.user  # type: ignore[assignment]
    form = NarrativeReviewForm(request.POST)
    back = reverse("complaints:narratives", kwargs={"slug": complaint.agency.slug})
    state = request.POST.get("state", "")
    if state in NARRATIVE_STATES:
        back += f"?state={state}"
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(back)
    data = form.cleaned_data
    number = complaint.tracking_number
    try:
        if data["decision"] == "withhold":
            services.narrative_withhold(complaint=complaint, actor=user, reason=data["reason"])
            messages.success(
                request, _("The narrative of %(number)s is withheld.") % {"number": number}
            )
        else:
            approval = services.narrative_approve(
                complaint=complaint, actor=user, text=data["text"]
            )
            messages.success(
                request, _("The narrative of %(number)s is approved.") % {"number": number}
            )
            if approval.rescrubbed:
                messages.warning(
                    request,
                    _("The scrubber removed more from your text before saving it: check it."),
                )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(back)
