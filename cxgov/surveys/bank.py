"""The question bank: A-11 Section 280 v2 and v1, the ACSI three, and employee barriers and ideas.

Wording follows ../shared/reference/a11-section-280.md; `{agency}` is replaced with the agency's
name when a survey is made from a template.
"""

from __future__ import annotations

from typing import Any

DRIVERS: list[tuple[str, str, str]] = [
    ("effectiveness", "My need was addressed", "Se atendió mi necesidad"),
    ("ease", "It was easy to do what I needed", "Fue fácil hacer lo que necesitaba"),
    ("efficiency", "It took a reasonable amount of time", "Tomó un tiempo razonable"),
    ("transparency", "I understood what was asked of me", "Entendí lo que se me pedía"),
    ("humanity", "I was treated fairly and with respect", "Me trataron con justicia y respeto"),
    ("employee", "Employees were helpful", "Los empleados fueron útiles"),
    ("other", "Something else", "Otra cosa"),
]

NEGATIVE_DRIVERS: list[tuple[str, str, str]] = [
    ("effectiveness", "My need was not addressed", "No se atendió mi necesidad"),
    ("ease", "It was hard to do what I needed", "Fue difícil hacer lo que necesitaba"),
    ("efficiency", "It took too long", "Tomó demasiado tiempo"),
    ("transparency", "I did not understand what was asked of me", "No entendí lo que se me pedía"),
    ("humanity", "I was not treated fairly", "No me trataron con justicia"),
    ("employee", "Employees were not helpful", "Los empleados no fueron útiles"),
    ("other", "Something else", "Otra cosa"),
]


def _options(items: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"value": v, "label": en, "label_es": es} for v, en, es in items]


def _likert(key: str, text: str, text_es: str, *, required: bool = False) -> dict[str, Any]:
    return {"key": key, "kind": "likert", "text": text, "text_es": text_es, "required": required}


def _comments() -> dict[str, Any]:
    return {
        "key": "comments",
        "kind": "long_text",
        "text": "Is there anything else you would like to tell us?",
        "text_es": "¿Hay algo más que quiera decirnos?",
        "max_length": 2000,
        "scrub": True,
    }


def _contact() -> list[dict[str, Any]]:
    return [
        {
            "key": "contact_email",
            "kind": "email",
            "text": "Email address, if you want us to contact you about your answers",
            "text_es": "Correo electrónico, si quiere que le contactemos sobre sus respuestas",
            "help_text": "Leave this empty to stay anonymous.",
            "help_text_es": "Déjelo en blanco para seguir en el anonimato.",
        }
    ]


def _hidden() -> list[dict[str, Any]]:
    return [
        {"key": name, "kind": "hidden", "text": name, "context_field": name}
        for name in ("service", "channel", "location_code")
    ]


def a11_v2(trust_scale: str = "thumbs") -> list[dict[str, Any]]:
    """A-11 v2 (FY 2024 on): trust, then what went well or not, then comments.

    Three pages, each one phone screen: trust alone; the one follow-up its answer calls for;
    comments and contact.
    """
    positive = ["1"] if trust_scale == "thumbs" else ["4", "5"]
    negative = ["0"] if trust_scale == "thumbs" else ["1", "2", "3"]
    return [
        {
            "key": "trust",
            "kind": trust_scale,
            "text": "This interaction increased my trust in {agency}.",
            "text_es": "Esta interacción aumentó mi confianza en {agency}.",
            "required": True,
            "page": 1,
        },
        {
            "key": "went_well",
            "kind": "multiple",
            "text": "What went well?",
            "text_es": "¿Qué salió bien?",
            "options": _options(DRIVERS),
            "show_if": {"question": "trust", "values": positive},
            "page": 2,
        },
        {
            "key": "went_poorly",
            "kind": "multiple",
            "text": "What didn't go so well?",
            "text_es": "¿Qué no salió tan bien?",
            "options": _options(NEGATIVE_DRIVERS),
            "show_if": {"question": "trust", "values": negative},
            "page": 2,
        },
        {**_comments(), "page": 3},
        *({**q, "page": 3} for q in _contact()),
        *({**q, "page": 1} for q in _hidden()),
    ]


def a11_v1() -> list[dict[str, Any]]:
    """A-11 v1: satisfaction, trust and the five drivers, each on a 5-point agreement scale."""
    return [
        _likert(
            "satisfaction",
            "I am satisfied with the service I received from {agency}.",
            "Estoy satisfecho con el servicio que recibí de {agency}.",
            required=True,
        ),
        _likert(
            "trust",
            "This interaction increased my trust in {agency}.",
            "Esta interacción aumentó mi confianza en {agency}.",
            required=True,
        ),
        _likert("effectiveness", "My need was addressed.", "Se atendió mi necesidad."),
        _likert(
            "ease",
            "It was easy to complete what I needed to do.",
            "Fue fácil completar lo que necesitaba hacer.",
        ),
        _likert(
            "efficiency",
            "It took a reasonable amount of time to do what I needed to do.",
            "Tomó un tiempo razonable hacer lo que necesitaba hacer.",
        ),
        _likert(
            "transparency",
            "I understood what was being asked of me throughout the process.",
            "Entendí lo que se me pedía durante todo el proceso.",
        ),
        _likert(
            "employee",
            "Employees I interacted with were helpful.",
            "Los empleados con quienes traté fueron útiles.",
        ),
        _comments(),
        *_contact(),
        *_hidden(),
    ]


def acsi() -> list[dict[str, Any]]:
    """The American Customer Satisfaction Index's three questions, each 1 to 10."""
    return [
        {
            "key": "acsi_satisfaction",
            "kind": "rating_10",
            "text": "How satisfied are you with {agency} overall? (1 = very dissatisfied, "
            "10 = very satisfied)",
            "text_es": "En general, ¿qué tan satisfecho está con {agency}? (1 = muy "
            "insatisfecho, 10 = muy satisfecho)",
            "required": True,
        },
        {
            "key": "acsi_expectations",
            "kind": "rating_10",
            "text": "How well did {agency} meet your expectations? (1 = falls short, 10 = exceeds)",
            "text_es": "¿Qué tan bien cumplió {agency} sus expectativas? (1 = no las cumplió, "
            "10 = las superó)",
            "required": True,
        },
        {
            "key": "acsi_ideal",
            "kind": "rating_10",
            "text": "How close is {agency} to an ideal service? (1 = not close, 10 = very close)",
            "text_es": "¿Qué tan cerca está {agency} de un servicio ideal? (1 = nada cerca, "
            "10 = muy cerca)",
            "required": True,
        },
        *_hidden(),
    ]


def employee_barriers() -> list[dict[str, Any]]:
    """Front-line employees: what gets in the way of good service, and ideas to fix it."""
    return [
        _likert(
            "resources",
            "I have what I need to serve customers well.",
            "Tengo lo que necesito para atender bien a los clientes.",
            required=True,
        ),
        _likert(
            "empowered",
            "I can fix a customer's problem without asking several people.",
            "Puedo resolver el problema de un cliente sin pedir permiso a varias personas.",
        ),
        {
            "key": "team",
            "kind": "single",
            "text": "Which team do you work in?",
            "text_es": "¿En qué equipo trabaja?",
            "options": _options(
                [
                    ("phone", "Phone", "Teléfono"),
                    ("field_office", "Field office", "Oficina local"),
                    ("processing", "Processing", "Procesamiento"),
                    ("other", "Other", "Otro"),
                ]
            ),
        },
        {
            "key": "barriers",
            "kind": "long_text",
            "text": "What gets in the way of serving customers well?",
            "text_es": "¿Qué le impide atender bien a los clientes?",
            "help_text": "Do not include names or contact details.",
            "help_text_es": "No incluya nombres ni datos de contacto.",
            "max_length": 2000,
            "scrub": True,
        },
        {
            "key": "ideas",
            "kind": "long_text",
            "text": "What is one idea that would make service better?",
            "text_es": "¿Qué idea mejoraría el servicio?",
            "help_text": "Do not include names or contact details.",
            "help_text_es": "No incluya nombres ni datos de contacto.",
            "max_length": 2000,
            "scrub": True,
        },
    ]


def post_resolution() -> list[dict[str, Any]]:
    """Sent when a complaint closes: how the complaint was handled, and whether it was solved."""
    return [
        _likert(
            "satisfaction",
            "I am satisfied with how {agency} handled my complaint.",
            "Estoy satisfecho con la forma en que {agency} atendió mi queja.",
            required=True,
        ),
        _likert("effectiveness", "My problem was solved.", "Se resolvió mi problema."),
        _likert(
            "efficiency",
            "My complaint was handled in a reasonable amount of time.",
            "Mi queja se atendió en un tiempo razonable.",
        ),
        _comments(),
        *_hidden(),
    ]


TEMPLATES: dict[str, dict[str, Any]] = {
    "post_resolution": {
        "title": "How did we handle your complaint?",
        "title_es": "¿Cómo atendimos su queja?",
        "audience": "customer",
        "questions": post_resolution,
    },
    "a11_v2": {
        "title": "How did we do?",
        "title_es": "¿Cómo lo hicimos?",
        "audience": "customer",
        "questions": lambda: a11_v2("thumbs"),
    },
    "a11_v2_likert": {
        "title": "How did we do?",
        "title_es": "¿Cómo lo hicimos?",
        "audience": "customer",
        "questions": lambda: a11_v2("likert"),
    },
    "a11_v1": {
        "title": "Tell us about your experience",
        "title_es": "Cuéntenos sobre su experiencia",
        "audience": "customer",
        "questions": a11_v1,
    },
    "acsi": {
        "title": "Customer satisfaction",
        "title_es": "Satisfacción del cliente",
        "audience": "customer",
        "questions": acsi,
    },
    "employee_barriers": {
        "title": "Barriers and ideas",
        "title_es": "Obstáculos e ideas",
        "audience": "employee",
        "questions": employee_barriers,
    },
}

TEMPLATE_CHOICES = [
    ("a11_v2", "A-11 v2: trust (thumbs), what went well or not"),
    ("a11_v2_likert", "A-11 v2: trust (5 points), what went well or not"),
    ("a11_v1", "A-11 v1: satisfaction, trust and drivers (5 points)"),
    ("acsi", "ACSI: three questions (1 to 10)"),
    ("employee_barriers", "Employees: barriers and ideas"),
    ("blank", "Blank survey"),
]


# The banks single items are taken from on the builder's library page: (id, name, name in
# Spanish, questions). The A-11 v2 bank offers the 5-point trust item beside the thumbs one.
BANKS: list[tuple[str, str, str, Any]] = [
    ("a11_v2", "A-11 v2", "A-11 v2", lambda: a11_v2("thumbs") + a11_v2("likert")[:1]),
    ("a11_v1", "A-11 v1", "A-11 v1", a11_v1),
    ("acsi", "ACSI", "ACSI", acsi),
    ("employee", "Employees", "Empleados", employee_barriers),
]


def bank_items() -> list[tuple[str, str, str, list[tuple[str, dict[str, Any]]]]]:
    """Each bank as (id, name, name in Spanish, [(item id, question spec)]).

    Hidden context fields are left out: they are not questions. An item's id is its key, made
    unique within the bank (the 5-point trust item of A-11 v2 is `trust_5`).
    """
    found = []
    for bank, name, name_es, questions in BANKS:
        items: list[tuple[str, dict[str, Any]]] = []
        for spec in questions():
            if spec["kind"] == "hidden":
                continue
            item = spec["key"]
            if any(item == taken for taken, _spec in items):
                item = f"{item}_5"
            items.append((item, spec))
        found.append((bank, name, name_es, items))
    return found


def bank_item(bank: str, item: str) -> dict[str, Any] | None:
    """The question spec of one bank item, or None when there is no such item."""
    for bank_id, _name, _name_es, items in bank_items():
        if bank_id == bank:
            return next((dict(spec) for item_id, spec in items if item_id == item), None)
    return None
