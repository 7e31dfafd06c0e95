"""Values every template needs: the site name, links to this page in the other languages and
the header's staff links the signed-in person may open."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from cxgov.core.navigation import HEADER_MENU, capabilities_of_request, visible_links

_NATIVE_NAMES = {"en": "English", "es": "Español"}


def site(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    alternates = [
        {
            "code": code,
            "label": _NATIVE_NAMES.get(code, code),
            "url": request.build_absolute_uri(translate_url(path, code)),
        }
        for code, _name in settings.LANGUAGES
    ]
    return {
        "site_name": "cxgov",
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "alternate_languages": alternates,
        "language_switch": [
            {**alt, "url": translate_url(path, alt["code"])}
            for alt in alternates
            if alt["code"] != current
        ],
    }


def staff_menu(request: HttpRequest) -> dict[str, Any]:
    """The header's staff links, computed only when a page shows them."""
    return {
        "header_staff_links": SimpleLazyObject(
            lambda: visible_links(HEADER_MENU, can=capabilities_of_request(request))
        )
    }
