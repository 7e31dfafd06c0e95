"""Which language codes are real: ISO 639-1, Django's locale table, and the house's own "asl".

A code may carry a script or region subtag ("zh-hant", "pt-br") when its language is known.
"""

from __future__ import annotations

import re

from django.conf.locale import LANG_INFO

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
