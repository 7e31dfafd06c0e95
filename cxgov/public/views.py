"""The public site: no account, English and Spanish, works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cxgov.insights.calendars import OpenStatus
from cxgov.public.forms import CatalogueFilterForm
from cxgov.registry.models import Channel, OpeningHours
from cxgov.registry.selectors import (
    agencies_public,
    agency_public,
    channel_open_status,
    service_public,
    services_catalogue,
    services_published,
)
from cxgov.reports.performance import latest_quarter, service_headlines
from cxgov.surveys.selectors import suppression_threshold

CATALOGUE_PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """The agencies on this site, with what each is for, and the catalogue of every published
    service with its headline figures, filtered by GET."""
    form = CatalogueFilterForm(request.GET or None)
    services = services_catalogue(**form.filters())
    page = Paginator(services, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    headlines = service_headlines(services=page.object_list)
    # Each service is headlined on its agency's calendar; the heading names their quarter, or
    # the server's when agencies in different zones stand either side of a quarter's end.
    quarters = {headline.quarter for headline in headlines.values()}
    return render(
        request,
        "public/home.html",
        {
            "agencies": agencies_public(),
            "form": form,
            "query": form.query(),
            "catalogue_page": page,
            "catalogue": [(service, headlines[service.pk]) for service in page.object_list],
            "quarter": quarters.pop() if len(quarters) == 1 else latest_quarter(),
            "threshold": suppression_threshold(),
            "nav_section": "home",
        },
    )


def agency(request: HttpRequest, slug: str) -> HttpResponse:
    """An agency and the services it gives the public."""
    agency = agency_public(slug=slug)
    services = list(services_published(agency=agency))
    headlines = service_headlines(services=services)
    return render(
        request,
        "public/agency.html",
        {
            "agency": agency,
            "services": [(service, headlines[service.pk]) for service in services],
            "quarter": latest_quarter(agency=agency),
            "threshold": suppression_threshold(),
            "nav_section": "home",
        },
    )


@dataclass(frozen=True)
class ChannelView:
    """A channel as the public page shows it: when it is open, and its week of hours."""

    channel: Channel
    status: OpenStatus | None  # None when the channel keeps no hours, e.g. mail
    week: list[tuple[str, list[OpeningHours]]]


def _week(channel: Channel) -> list[tuple[str, list[OpeningHours]]]:
    by_day: dict[int, list[OpeningHours]] = {}
    for hours in channel.hours.all():
        by_day.setdefault(hours.weekday, []).append(hours)
    return [(label, by_day.get(day, [])) for day, label in OpeningHours.Weekday.choices]


def service(request: HttpRequest, agency_slug: str, service_slug: str) -> HttpResponse:
    """ "Ways to get help": every channel of a published service, open now or when it opens."""
    service = service_public(agency_slug=agency_slug, service_slug=service_slug)
    now = timezone.now()
    channels = [
        ChannelView(
            channel=channel,
            status=channel_open_status(channel=channel, at=now)
            if channel.always_open or channel.hours.all()
            else None,
            week=_week(channel),
        )
        for channel in service.channels.all()
    ]
    return render(
        request,
        "public/service.html",
        {
            "agency": service.agency,
            "service": service,
            "channels": channels,
            "time_zone": service.agency.time_zone,
            "nav_section": "home",
        },
    )


def choose_agency(
    request: HttpRequest,
    purpose: str,
    *,
    template: str = "public/choose_agency.html",
    nav_section: str = "",
) -> HttpResponse:
    """The page where a visitor picks the agency to give feedback, complain or report to."""
    # A link from a service page names its agency; show that one first and alone.
    agencies = agencies_public()
    chosen = agencies.filter(slug=request.GET.get("agency", "")[:60])
    return render(
        request,
        template,
        {
            "agencies": chosen if chosen else agencies,
            "purpose": purpose,
            "service_slug": request.GET.get("service", "")[:80] if chosen else "",
            "nav_section": nav_section or purpose,
        },
    )


def feedback(request: HttpRequest) -> HttpResponse:
    """Where to give feedback: pick the agency whose service you used."""
    return choose_agency(request, "feedback")


def complaint_start(request: HttpRequest) -> HttpResponse:
    """Where to complain: pick the agency the complaint is about."""
    return choose_agency(request, "complaint")
