"""Public complaint pages: intake per agency and service, tracking, and the customer's review.

No account and no JavaScript needed. Seeing a complaint needs its tracking number and the
email given with it; once matched, the session remembers it so the page can be revisited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.complaints import services as complaints
from cxgov.complaints.exports import COLUMNS, public_csv_rows, public_json_rows
from cxgov.complaints.forms import ComplaintForm, ReplyForm, ReviewForm, StatusLookupForm
from cxgov.complaints.models import Channel, Complaint, Status
from cxgov.complaints.selectors import (
    NO_REPLY_STATUSES,
    complaint_by_status_link,
    complaint_by_tracking_number,
    complaint_public_attachment,
    complaint_public_history,
    complaint_public_lookup,
    complaint_public_lookup_by_contact,
    complaint_settings_for,
    complaints_public,
)
from cxgov.complaints.views import attachment_response
from cxgov.core.forms import form_add_errors
from cxgov.core.models import Agency
from cxgov.core.ratelimit import rate_limited
from cxgov.core.selectors import agency_calendar
from cxgov.core.tables import csv_stream_response
from cxgov.registry.selectors import agency_public

SESSION_KEY = "complaints_seen"


def _remember(request: HttpRequest, complaint: Complaint) -> None:
    seen = list(request.session.get(SESSION_KEY, []))[-19:]
    if complaint.tracking_number not in seen:
        seen.append(complaint.tracking_number)
    request.session[SESSION_KEY] = seen


def _seen(request: HttpRequest, tracking_number: str) -> Complaint:
    if tracking_number not in request.session.get(SESSION_KEY, []):
        raise Http404
    complaint = complaint_by_tracking_number(tracking_number=tracking_number)
    if complaint is None:
        raise Http404
    return complaint


@rate_limited("complaint_intake", setting="PUBLIC_WRITES_PER_MINUTE")
def complaint_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The complaint form of one agency, optionally about one of its services (?service=)."""
    agency = agency_public(slug=slug)
    initial = {}
    service_slug = request.GET.get("service", "")[:80]
    if service_slug:
        initial["service"] = agency.services.filter(slug=service_slug).first()
    form = ComplaintForm(
        request.POST or None, request.FILES or None, agency=agency, initial=initial
    )
    return complaint_filing_page(
        request,
        form=form,
        agency=agency,
        file=lambda data, filer: complaints.complaint_create(
            service=data["service"],
            what_happened=data["what_happened"],
            desired_resolution=data["desired_resolution"],
            **filer,
            consent_to_publish=data["consent_to_publish"],
            attachments=data["attachments"],
            channel=Channel.WEB,
            idempotency_scope="web",
            site_url=request.build_absolute_uri("/").rstrip("/"),
        ),
        filed_url="public:complaint_filed",
        template="public/complaints/new.html",
        nav_section="complaint",
    )


def complaint_filing_page(
    request: HttpRequest,
    *,
    form: Any,
    agency: Agency,
    file: Callable[[dict[str, Any], dict[str, Any]], Complaint],
    filed_url: str,
    template: str,
    nav_section: str,
) -> HttpResponse:
    """A public filing form: on a valid POST `file` the complaint and go to its thank-you page
    (remembered in the session), else show the form again with its errors (status 400).
    Automated senders are answered as if they succeeded, and nothing is kept.

    `file(data, filer)` gets the form's cleaned data and what every filing passes alike: the
    agency, contact details, postal address, page language and idempotency key."""
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            return redirect(reverse("public:complaint_status"))
        try:
            data = form.cleaned_data
            filer = {
                "agency": agency,
                **form.contact,
                "postal": form.postal,
                "language": get_language() or "en",
                "idempotency_key": data["idempotency_key"],
            }
            complaint = file(data, filer)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            _remember(request, complaint)
            return redirect(reverse(filed_url, kwargs={"tracking": complaint.tracking_number}))
    return render(
        request,
        template,
        {"agency": agency, "nav_section": nav_section, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def complaint_filed_page(
    request: HttpRequest, *, tracking: str, template: str, nav_section: str
) -> HttpResponse:
    """The thank-you page of a complaint filed in this session; 404 for any other."""
    complaint = _seen(request, tracking)
    return render(
        request,
        template,
        {"complaint": complaint, "agency": complaint.agency, "nav_section": nav_section},
    )


def complaint_filed(request: HttpRequest, tracking: str) -> HttpResponse:
    """Thank you, with the tracking number to keep."""
    return complaint_filed_page(
        request, tracking=tracking, template="public/complaints/filed.html", nav_section="complaint"
    )


@rate_limited("complaint_status", setting="STATUS_LOOKUPS_PER_MINUTE")
def complaint_status(request: HttpRequest) -> HttpResponse:
    """Look up a complaint with its tracking number and email address."""
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["email"]:
            complaint = complaint_public_lookup(
                tracking_number=data["tracking_number"], email=data["email"]
            )
            not_found = _(
                "We could not find a complaint with that tracking number and email address."
            )
        else:
            # Filed by phone or letter without email: the phone number or ZIP code instead.
            complaint = complaint_public_lookup_by_contact(
                tracking_number=data["tracking_number"], contact=data["phone_or_zip"]
            )
            not_found = _(
                "We could not find a complaint with that tracking number and phone number or "
                "ZIP code."
            )
        if complaint is not None:
            _remember(request, complaint)
            return redirect(
                reverse("public:complaint_track", kwargs={"tracking": complaint.tracking_number})
            )
        form.add_error(None, not_found)
    return render(
        request,
        "public/complaints/status.html",
        {"form": form, "nav_section": "complaint"},
        status=400 if request.method == "POST" else 200,
    )


@rate_limited("complaint_status", setting="STATUS_LOOKUPS_PER_MINUTE", methods=("GET",))
def complaint_link(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link from an email: opens the complaint's page like its number and email do."""
    complaint = complaint_by_status_link(token=token)
    if complaint is None:
        messages.error(
            request,
            _(
                "This link has expired or is not valid. Enter your tracking number and email "
                "address instead."
            ),
        )
        return redirect(reverse("public:complaint_status"))
    _remember(request, complaint)
    return redirect(
        reverse("public:complaint_track", kwargs={"tracking": complaint.tracking_number})
    )


def _track_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    form: ReviewForm | None = None,
    reply_form: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_review = complaint.status in (Status.RESPONDED, Status.CLOSED) and not complaint.review
    can_review = (
        can_review
        and complaint.review_due_at is not None
        and timezone.now() <= complaint.review_due_at
    )
    return render(
        request,
        "public/complaints/track.html",
        {
            "complaint": complaint,
            "agency": complaint.agency,
            "history": complaint_public_history(complaint=complaint),
            "form": form or ReviewForm(),
            "reply_form": reply_form or ReplyForm(),
            "can_review": can_review,
            "can_reply": complaint.status not in NO_REPLY_STATUSES,
            "nav_section": "complaint",
        },
        status=status,
    )


@rate_limited("complaint_review", setting="PUBLIC_WRITES_PER_MINUTE")
def complaint_track(request: HttpRequest, tracking: str) -> HttpResponse:
    """Where a complaint stands, the conversation, the agency's response and the review form
    when it is due, and a form to write to the agency."""
    complaint = _seen(request, tracking)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaints.complaint_review(
                complaint=complaint,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return redirect(request.path)
    return _track_page(
        request, complaint, form=form, status=400 if request.method == "POST" else 200
    )


@require_POST
@rate_limited("complaint_reply", setting="PUBLIC_WRITES_PER_MINUTE")
def complaint_reply(request: HttpRequest, tracking: str) -> HttpResponse:
    """The customer's message, with files, from the complaint's page."""
    complaint = _seen(request, tracking)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sent = complaints.complaint_reply_add(
                complaint=complaint,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                site_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if sent.complaint_id != complaint.pk:
                # The complaint was closed: the message opened a follow-up complaint.
                complaint = sent.complaint
                _remember(request, complaint)
                messages.success(
                    request,
                    _(
                        "Your message was sent. Your complaint was closed, so we opened "
                        "complaint %(number)s for it. Keep this new tracking number."
                    )
                    % {"number": complaint.tracking_number},
                )
            else:
                messages.success(request, _("Your message was sent."))
            return redirect(
                reverse("public:complaint_track", kwargs={"tracking": complaint.tracking_number})
            )
    complaint.refresh_from_db()
    return _track_page(request, complaint, reply_form=form, status=400)


def complaint_attachment(request: HttpRequest, tracking: str, attachment_id: int) -> FileResponse:
    """A file of the complaint's conversation, as a download, for the complaint's customer."""
    complaint = _seen(request, tracking)
    attachment = complaint_public_attachment(complaint=complaint, attachment_id=attachment_id)
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


def complaints_data(
    request: HttpRequest, slug: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The agency's anonymised complaints, CSV or JSON, with CFPB-like columns."""
    agency = agency_public(slug=slug)
    complaints = complaints_public(agency=agency)
    settings, now = complaint_settings_for(agency=agency), timezone.now()
    calendar = agency_calendar(agency=agency)
    if fmt == "json":
        rows = public_json_rows(
            complaints.iterator(), settings=settings, now=now, calendar=calendar
        )
        return JsonResponse(rows, safe=False)
    if fmt != "csv":
        raise Http404
    return csv_stream_response(
        COLUMNS,
        public_csv_rows(complaints.iterator(), settings=settings, now=now, calendar=calendar),
        filename=f"{agency.slug}-complaints.csv",
    )
