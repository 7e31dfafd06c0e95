"""Values every template needs: the site name, links to this page in the languages it is
offered in and the header's staff links the signed-in person may open."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_bidi

from cxgov.core.languages import native_name, path_in_language, site_languages
from cxgov.core.navigation import HEADER_MENU, capabilities_of_request, visible_links


def page_languages(request: HttpRequest) -> list[str]:
    """The languages this page is offered in: its agency's when the page belongs to one (set
    on the request by cxgov.public.languages), else those any agency offers."""
    offered = getattr(request, "offered_languages", None)
    return list(offered) if offered is not None else site_languages()


def _alternates(request: HttpRequest) -> list[dict[str, Any]]:
    current = get_language() or settings.LANGUAGE_CODE
    paths = {code: path_in_language(request, code) for code in page_languages(request)}
    return [
        {
            "code": code,
            "label": native_name(code),
            "current": code == current,
            "path": path,
            "url": request.build_absolute_uri(path),
        }
        for code, path in paths.items()
    ]


def site(request: HttpRequest) -> dict[str, Any]:
    alternates = SimpleLazyObject(lambda: _alternates(request))
    return {
        "site_name": "cxgov",
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "page_bidi": get_language_bidi(),
        # <link rel="alternate"> for each language the page is offered in, the switcher's list.
        "alternate_languages": alternates,
        "language_switch": alternates,
    }


def staff_menu(request: HttpRequest) -> dict[str, Any]:
    """The header's staff links, computed only when a page shows them."""
    return {
        "header_staff_links": SimpleLazyObject(
            lambda: visible_links(HEADER_MENU, can=capabilities_of_request(request))
        )
    }
