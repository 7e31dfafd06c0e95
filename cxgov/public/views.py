"""The public site: no account, English and Spanish, works without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cxgov.registry.selectors import agencies_public


def home(request: HttpRequest) -> HttpResponse:
    """The agencies on this site, with what each is for."""
    return render(
        request, "public/home.html", {"agencies": agencies_public(), "nav_section": "home"}
    )


def feedback(request: HttpRequest) -> HttpResponse:
    """Where to give feedback: pick the agency whose service you used."""
    return render(
        request,
        "public/choose_agency.html",
        {"agencies": agencies_public(), "purpose": "feedback", "nav_section": "feedback"},
    )


def complaint_start(request: HttpRequest) -> HttpResponse:
    """Where to complain: pick the agency the complaint is about."""
    return render(
        request,
        "public/choose_agency.html",
        {"agencies": agencies_public(), "purpose": "complaint", "nav_section": "complaint"},
    )
