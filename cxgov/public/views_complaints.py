"""Public complaint pages: intake per agency and service, tracking, and the customer's review.

No account and no JavaScript needed. Seeing a complaint needs its tracking number and the
email given with it; once matched, the session remembers it so the page can be revisited.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cxgov.complaints import services as complaints
from cxgov.complaints.exports import COLUMNS, public_csv_rows, public_json_rows
from cxgov.complaints.forms import ComplaintForm, ReviewForm, StatusLookupForm
from cxgov.complaints.models import Channel, Complaint, Status
from cxgov.complaints.selectors import (
    complaint_by_tracking_number,
    complaint_public_history,
    complaint_public_lookup,
    complaint_settings_for,
    complaints_public,
)
from cxgov.core.forms import form_add_errors
from cxgov.core.ratelimit import rate_limited
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
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            # Treat automated senders as if they succeeded, and keep nothing.
            return redirect(reverse("public:complaint_status"))
        data = form.cleaned_data
        try:
            complaint = complaints.complaint_create(
                agency=agency,
                service=data["service"],
                what_happened=data["what_happened"],
                desired_resolution=data["desired_resolution"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                contact_preference=data["contact_preference"],
                consent_to_publish=data["consent_to_publish"],
                attachments=data["attachments"],
                channel=Channel.WEB,
                language=get_language() or "en",
                idempotency_key=data["idempotency_key"],
                idempotency_scope="web",
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            _remember(request, complaint)
            return redirect(
                reverse("public:complaint_filed", kwargs={"tracking": complaint.tracking_number})
            )
    return render(
        request,
        "public/complaints/new.html",
        {"agency": agency, "form": form, "nav_section": "complaint"},
        status=400 if request.method == "POST" else 200,
    )


def complaint_filed(request: HttpRequest, tracking: str) -> HttpResponse:
    """Thank you, with the tracking number to keep."""
    complaint = _seen(request, tracking)
    return render(
        request,
        "public/complaints/filed.html",
        {"complaint": complaint, "agency": complaint.agency, "nav_section": "complaint"},
    )


@rate_limited("complaint_status", setting="STATUS_LOOKUPS_PER_MINUTE")
def complaint_status(request: HttpRequest) -> HttpResponse:
    """Look up a complaint with its tracking number and email address."""
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        complaint = complaint_public_lookup(
            tracking_number=form.cleaned_data["tracking_number"],
            email=form.cleaned_data["email"],
        )
        if complaint is not None:
            _remember(request, complaint)
            return redirect(
                reverse("public:complaint_track", kwargs={"tracking": complaint.tracking_number})
            )
        form.add_error(
            None,
            _("We could not find a complaint with that tracking number and email address."),
        )
    return render(
        request,
        "public/complaints/status.html",
        {"form": form, "nav_section": "complaint"},
        status=400 if request.method == "POST" else 200,
    )


@rate_limited("complaint_review", setting="PUBLIC_WRITES_PER_MINUTE")
def complaint_track(request: HttpRequest, tracking: str) -> HttpResponse:
    """Where a complaint stands, the agency's messages, and the review form when it is due."""
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
            "form": form,
            "can_review": can_review,
            "nav_section": "complaint",
        },
        status=400 if request.method == "POST" else 200,
    )


def complaints_data(
    request: HttpRequest, slug: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The agency's anonymised complaints, CSV or JSON, with CFPB-like columns."""
    agency = agency_public(slug=slug)
    complaints = complaints_public(agency=agency)
    settings, now = complaint_settings_for(agency=agency), timezone.now()
    if fmt == "json":
        rows = public_json_rows(complaints.iterator(), settings=settings, now=now)
        return JsonResponse(rows, safe=False)
    if fmt != "csv":
        raise Http404
    return csv_stream_response(
        COLUMNS,
        public_csv_rows(complaints.iterator(), settings=settings, now=now),
        filename=f"{agency.slug}-complaints.csv",
    )
