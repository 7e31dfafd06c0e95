"""Small display helpers for public pages: language names, phone links, local times."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from cxgov.core.calendar import federal_holiday_name

register = template.Library()


@register.filter
def holiday(name: str) -> str:
    """A federal holiday's name in the page's language; an agency's own closure as written."""
    return federal_holiday_name(name)


_LANGUAGE_NAMES = {
    "en": ("English", "Inglés"),
    "es": ("Spanish", "Español"),
    "zh": ("Chinese", "Chino"),
    "vi": ("Vietnamese", "Vietnamita"),
    "ko": ("Korean", "Coreano"),
    "tl": ("Tagalog", "Tagalo"),
    "ru": ("Russian", "Ruso"),
    "ar": ("Arabic", "Árabe"),
    "fr": ("French", "Francés"),
    "ht": ("Haitian Creole", "Criollo haitiano"),
    "asl": ("American Sign Language", "Lengua de señas americana"),
}


@register.filter
def language_name(code: str) -> str:
    """The language's name in the page's language, or the code itself when unknown."""
    from django.utils.translation import get_language

    names = _LANGUAGE_NAMES.get(str(code).lower())
    if names is None:
        return str(code)
    return names[1] if (get_language() or "").startswith("es") else names[0]


@register.filter
def tel_href(number: str) -> str:
    """A tel: link target keeping only digits and a leading +."""
    digits = re.sub(r"[^\d+]", "", number or "")
    return f"tel:{digits}"


@register.filter
def local_time(moment: datetime | None, time_zone: str) -> str:
    """A moment as a day and time in the given zone, e.g. "Monday, 8:00 a.m."."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(time_zone))
    day = formats.date_format(local, "l")
    clock = formats.time_format(local, "TIME_FORMAT")
    return _("%(day)s at %(time)s") % {"day": day, "time": clock}


@register.filter
def clock(moment: datetime | None, time_zone: str) -> str:
    """Only the time of day of a moment in the given zone."""
    if moment is None:
        return ""
    return formats.time_format(moment.astimezone(ZoneInfo(time_zone)), "TIME_FORMAT")


_ZONE_NAMES = {
    "America/New_York": ("Eastern Time", "hora del Este"),
    "America/Detroit": ("Eastern Time", "hora del Este"),
    "America/Chicago": ("Central Time", "hora del Centro"),
    "America/Denver": ("Mountain Time", "hora de la Montaña"),
    "America/Phoenix": ("Arizona Time", "hora de Arizona"),
    "America/Los_Angeles": ("Pacific Time", "hora del Pacífico"),
    "America/Anchorage": ("Alaska Time", "hora de Alaska"),
    "Pacific/Honolulu": ("Hawaii Time", "hora de Hawái"),
    "America/Puerto_Rico": ("Atlantic Time", "hora del Atlántico"),
}


@register.filter
def zone_name(time_zone: str) -> str:
    """A time zone as people say it ("Eastern Time"), or its IANA name."""
    from django.utils.translation import get_language

    names = _ZONE_NAMES.get(time_zone)
    if names is None:
        return time_zone
    return names[1] if (get_language() or "").startswith("es") else names[0]
