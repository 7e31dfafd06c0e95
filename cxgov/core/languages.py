"""Language codes and the site's languages: which codes are real (ISO 639-1, Django's locale
table, and the house's own "asl"), the names languages have in themselves, and which languages
each agency offers (decision 0061).

A code may carry a script or region subtag ("zh-hant", "pt-br") when its language is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language_info, override

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cxgov.core.models import Agency

ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
    la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
    za zh zu
    """.split()
)
# American Sign Language, as US agencies and the public pages write it.
HOUSE_CODES = frozenset({"asl"})
_SUBTAG = re.compile(r"^[a-z0-9]{2,8}$")


def is_language_code(code: str) -> bool:
    """True for a known language code, optionally with a script or region subtag."""
    code = code.strip().lower()
    if code in ISO_639_1 or code in HOUSE_CODES or code in LANG_INFO:
        return True
    base, _dash, subtag = code.partition("-")
    return bool(subtag) and base in ISO_639_1 and _SUBTAG.match(subtag) is not None


# Languages Django's locale table lacks; `get_language_info` reads them once CoreConfig.ready
# has added them. "name_local" is the name the switcher shows.
EXTRA_LANG_INFO = {
    "tl": {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"},
    "ht": {
        "bidi": False,
        "code": "ht",
        "name": "Haitian Creole",
        "name_local": "Kreyòl ayisyen",
    },
}


def language_info_register() -> None:
    """Add the languages Django's locale table lacks, leaving Django's own entries alone."""
    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)


def native_name(code: str) -> str:
    """The language's name in itself, capitalised as a list item ("Español", "简体中文")."""
    local = str(get_language_info(code)["name_local"])
    return local[:1].upper() + local[1:]


def path_in_language(request: HttpRequest, code: str) -> str:
    """This page's address in the language `code`, its query kept.

    What Django's `translate_url` gives, from the view the request already resolved to instead
    of resolving the path again: every page links to itself in each language, and a path
    that matches nothing (a 404) was tried against every pattern each time. A page no view
    answers keeps its address.
    """
    full_path = request.get_full_path()
    match = request.resolver_match
    if match is None or not match.url_name:
        return full_path
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return full_path
    query = urlsplit(full_path).query
    return f"{path}?{query}" if query else path


def site_language_codes() -> list[str]:
    """Every language the site is built for, in settings.LANGUAGES order."""
    return [code for code, _name in settings.LANGUAGES]


def offered_languages_clean(codes: Iterable[str]) -> list[str]:
    """The given codes that the site knows, English first, each once, in settings order;
    English is always offered."""
    wanted = {"en", *codes}
    return [code for code in site_language_codes() if code in wanted]


def offered_languages(*, agency: Agency) -> list[str]:
    """The languages an agency's public pages are offered in, English first."""
    return offered_languages_clean(agency.languages or [])


def language_for(*, agency: Agency, language: str) -> str:
    """The language to write to someone in: theirs when the agency offers it ("es-MX" is read
    as "es"), else English."""
    offered = offered_languages(agency=agency)
    code = language.strip().lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in offered:
            return candidate
    return "en"


def site_languages() -> list[str]:
    """The languages of the site-wide pages: English, Spanish (whose catalogue is kept complete
    by rule) and every language any agency offers."""
    from cxgov.core.models import Agency

    offered: set[str] = {"es"}
    for codes in Agency.objects.values_list("languages", flat=True):
        offered.update(codes or [])
    return offered_languages_clean(offered)
