"""Demo service inventory: two fictional agencies with services, segments, stages and channels.

Deterministic: the same records every time, created once through the registry services.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from django.conf import settings

from cxgov.core.models import Agency
from cxgov.registry.models import ChannelKind, ServiceStatus
from cxgov.registry.services import (
    agency_create,
    channel_closure_add,
    channel_create,
    channel_hours_set,
    segment_create,
    service_create,
)

AGENCIES: list[dict[str, Any]] = [
    {
        "name": "Federal Benefits Administration",
        "name_es": "Administración Federal de Beneficios",
        "abbreviation": "FBA",
        "slug": "fba",
        "website": "https://www.example.gov/fba",
        "mission": "We help people apply for and receive the benefits they have earned.",
        "mission_es": (
            "Ayudamos a las personas a solicitar y recibir los beneficios que se han ganado."
        ),
        "time_zone": "America/New_York",
        # Every language the site is built for; the other demo agencies keep English and
        # Spanish, so the demo shows both an agency's own choice and the default.
        "languages": [code for code, _name in settings.LANGUAGES],
    },
    {
        "name": "National Parks Permit Office",
        "name_es": "Oficina de Permisos de Parques Nacionales",
        "abbreviation": "NPPO",
        "slug": "nppo",
        "website": "https://www.example.gov/nppo",
        "mission": "We issue permits so people can enjoy public lands safely.",
        "mission_es": (
            "Emitimos permisos para que las personas disfruten de las tierras públicas "
            "con seguridad."
        ),
        "time_zone": "America/Denver",
    },
]

SEGMENTS = {
    "fba": [
        ("Retirees", "Personas jubiladas", 4_200_000),
        ("People with disabilities", "Personas con discapacidades", 1_900_000),
        ("Survivors and families", "Sobrevivientes y familias", 650_000),
        ("Representatives and advocates", "Representantes y defensores", 120_000),
    ],
    "nppo": [
        ("Backpackers", "Excursionistas", 310_000),
        ("Families camping", "Familias que acampan", 520_000),
    ],
}

WEEKDAYS_8_TO_5 = {day: [(time(8), time(17))] for day in range(5)}
WEEKDAYS_9_TO_4 = {day: [(time(9), time(16))] for day in range(5)}
PHONE_HOURS = {**{day: [(time(7), time(19))] for day in range(5)}, 5: [(time(9), time(13))]}

# service name, Spanish name, HISP, segment names, estimated customers, channels
SERVICES: dict[str, list[dict[str, Any]]] = {
    "fba": [
        {
            "name": "Apply for retirement benefits",
            "name_es": "Solicitar beneficios de jubilación",
            "description": "Apply for the monthly retirement benefit you earned by working.",
            "description_es": "Solicite el beneficio mensual de jubilación que ganó trabajando.",
            "is_hisp": True,
            "designated_for_improvement": True,
            "segments": ["Retirees", "Representatives and advocates"],
            "estimated_annual_customers": 2_700_000,
            "channels": [
                (
                    "website",
                    "Apply online",
                    "Solicitar en línea",
                    {
                        "url": "https://www.example.gov/fba/apply",
                        "always_open": True,
                        "closed_on_federal_holidays": False,
                        "languages": ["en", "es"],
                        "annual_volume": 1_620_000,
                        "annual_enquiries": 9_400_000,
                        "cost_per_transaction": Decimal("4.10"),
                    },
                ),
                (
                    "phone",
                    "National phone line",
                    "Línea telefónica nacional",
                    {
                        "phone": "1-800-555-0100",
                        "tty": "1-800-555-0101",
                        "languages": ["en", "es", "zh", "vi"],
                        "annual_volume": 610_000,
                        "annual_enquiries": 5_800_000,
                        "cost_per_transaction": Decimal("23.50"),
                        "hours": PHONE_HOURS,
                    },
                ),
                (
                    "in_person",
                    "Local benefits offices",
                    "Oficinas locales de beneficios",
                    {
                        "address": "1200 Example Avenue NW\nWashington, DC 20001",
                        "languages": ["en", "es", "asl"],
                        "annual_volume": 390_000,
                        "cost_per_transaction": Decimal("61.00"),
                        "hours": WEEKDAYS_9_TO_4,
                        "closures": [(date(2026, 12, 24), "Office closure")],
                    },
                ),
                (
                    "postal_mail",
                    "Apply by mail",
                    "Solicitar por correo",
                    {
                        "address": "FBA Retirement Claims\nPO Box 1000\nBaltimore, MD 21201",
                        "annual_volume": 80_000,
                        "cost_per_transaction": Decimal("48.75"),
                    },
                ),
            ],
        },
        {
            "name": "Replace a benefits card",
            "name_es": "Reemplazar una tarjeta de beneficios",
            "description": "Get a new card if yours is lost, stolen or damaged.",
            "description_es": (
                "Obtenga una tarjeta nueva si la suya se perdió, se la robaron o se dañó."
            ),
            "is_hisp": True,
            "segments": ["Retirees", "People with disabilities", "Survivors and families"],
            "estimated_annual_customers": 1_100_000,
            "channels": [
                (
                    "website",
                    "Request online",
                    "Pedir en línea",
                    {
                        "url": "https://www.example.gov/fba/card",
                        "always_open": True,
                        "closed_on_federal_holidays": False,
                        "languages": ["en", "es"],
                        "annual_volume": 840_000,
                        "cost_per_transaction": Decimal("1.90"),
                    },
                ),
                (
                    "phone",
                    "National phone line",
                    "Línea telefónica nacional",
                    {
                        "phone": "1-800-555-0100",
                        "tty": "1-800-555-0101",
                        "languages": ["en", "es"],
                        "annual_volume": 190_000,
                        "cost_per_transaction": Decimal("14.20"),
                        "hours": PHONE_HOURS,
                    },
                ),
                (
                    "in_person",
                    "Local benefits offices",
                    "Oficinas locales de beneficios",
                    {
                        "address": "1200 Example Avenue NW\nWashington, DC 20001",
                        "annual_volume": 70_000,
                        "cost_per_transaction": Decimal("38.00"),
                        "hours": WEEKDAYS_9_TO_4,
                    },
                ),
            ],
        },
        {
            "name": "Update your address",
            "name_es": "Actualizar su dirección",
            "description": "Tell us your new address so your letters and payments reach you.",
            "description_es": "Díganos su nueva dirección para que sus cartas y pagos le lleguen.",
            "segments": ["Retirees", "Survivors and families"],
            "estimated_annual_customers": 900_000,
            "channels": [
                (
                    "website",
                    "Update online",
                    "Actualizar en línea",
                    {
                        "url": "https://www.example.gov/fba/address",
                        "always_open": True,
                        "closed_on_federal_holidays": False,
                        "annual_volume": 700_000,
                        "cost_per_transaction": Decimal("0.80"),
                    },
                ),
                (
                    "phone",
                    "National phone line",
                    "Línea telefónica nacional",
                    {
                        "phone": "1-800-555-0100",
                        "tty": "1-800-555-0101",
                        "annual_volume": 210_000,
                        "cost_per_transaction": Decimal("9.60"),
                        "hours": PHONE_HOURS,
                    },
                ),
            ],
        },
        {
            "name": "Appeal a decision",
            "name_es": "Apelar una decisión",
            "description": "Ask us to look again if you disagree with a decision on your benefits.",
            "description_es": "Pídanos revisar de nuevo si no está de acuerdo con una decisión.",
            "is_hisp": True,
            "segments": ["People with disabilities", "Representatives and advocates"],
            "estimated_annual_customers": 160_000,
            "channels": [
                (
                    "website",
                    "Appeal online",
                    "Apelar en línea",
                    {
                        "url": "https://www.example.gov/fba/appeal",
                        "always_open": True,
                        "closed_on_federal_holidays": False,
                        "annual_volume": 95_000,
                        "cost_per_transaction": Decimal("12.00"),
                    },
                ),
                (
                    "postal_mail",
                    "Appeal by mail",
                    "Apelar por correo",
                    {
                        "address": "FBA Appeals\nPO Box 2000\nBaltimore, MD 21201",
                        "annual_volume": 52_000,
                        "cost_per_transaction": Decimal("55.00"),
                    },
                ),
                (
                    "fax",
                    "Appeal by fax",
                    "Apelar por fax",
                    {
                        "phone": "1-800-555-0199",
                        "annual_volume": 13_000,
                        "cost_per_transaction": Decimal("41.00"),
                    },
                ),
            ],
        },
    ],
    "nppo": [
        {
            "name": "Get a backcountry permit",
            "name_es": "Obtener un permiso para zonas remotas",
            "description": "Reserve a permit to camp overnight in the backcountry.",
            "description_es": "Reserve un permiso para acampar de noche en zonas remotas.",
            "segments": ["Backpackers"],
            "estimated_annual_customers": 310_000,
            "channels": [
                (
                    "website",
                    "Reserve online",
                    "Reservar en línea",
                    {
                        "url": "https://www.example.gov/nppo/permits",
                        "always_open": True,
                        "closed_on_federal_holidays": False,
                        "annual_volume": 240_000,
                        "cost_per_transaction": Decimal("2.50"),
                    },
                ),
                (
                    "in_person",
                    "Visitor center permit desk",
                    "Mostrador de permisos",
                    {
                        "address": "1 Canyon Road\nSpringdale, UT 84767",
                        "annual_volume": 70_000,
                        "cost_per_transaction": Decimal("17.00"),
                        "hours": {day: [(time(8), time(16))] for day in range(7)},
                        "closed_on_federal_holidays": False,
                    },
                ),
            ],
        },
        {
            "name": "Reserve a campsite",
            "name_es": "Reservar un campamento",
            "description": "Book a front-country campsite up to six months ahead.",
            "description_es": "Reserve un campamento con hasta seis meses de anticipación.",
            "segments": ["Families camping"],
            "estimated_annual_customers": 520_000,
            "channels": [
                (
                    "website",
                    "Book online",
                    "Reservar en línea",
                    {
                        "url": "https://www.example.gov/nppo/camping",
                        "always_open": True,
                        "closed_on_federal_holidays": False,
                        "annual_volume": 480_000,
                        "cost_per_transaction": Decimal("1.75"),
                    },
                ),
                (
                    "phone",
                    "Reservation line",
                    "Línea de reservas",
                    {
                        "phone": "1-877-555-0150",
                        "annual_volume": 40_000,
                        "cost_per_transaction": Decimal("11.00"),
                        "hours": WEEKDAYS_8_TO_5,
                    },
                ),
            ],
        },
    ],
}


def demo_load() -> dict[str, Agency]:
    """Create the demo inventory once; agencies that exist already are left as they are."""
    agencies: dict[str, Agency] = {}
    for fields in AGENCIES:
        existing = Agency.objects.filter(slug=fields["slug"]).first()
        if existing is not None:
            agencies[fields["slug"]] = existing
            continue
        agency = agency_create(actor=None, **fields)
        agencies[agency.slug] = agency
        _load_inventory(agency)
    return agencies


def _load_inventory(agency: Agency) -> None:
    segments = {
        name: segment_create(
            actor=None, agency=agency, name=name, name_es=name_es, estimated_size=size
        )
        for name, name_es, size in SEGMENTS[agency.slug]
    }
    for spec in SERVICES[agency.slug]:
        fields = {k: v for k, v in spec.items() if k not in {"segments", "channels"}}
        service = service_create(
            actor=None,
            agency=agency,
            status=ServiceStatus.PUBLISHED,
            segments=[segments[name] for name in spec["segments"]],
            **fields,
        )
        for kind, name, name_es, options in spec["channels"]:
            options = dict(options)
            hours = options.pop("hours", {})
            closures = options.pop("closures", [])
            channel = channel_create(
                actor=None,
                service=service,
                kind=ChannelKind(kind),
                name=name,
                name_es=name_es,
                **options,
            )
            if hours:
                channel_hours_set(actor=None, channel=channel, weekly_hours=hours)
            for day, reason in closures:
                channel_closure_add(actor=None, channel=channel, day=day, name=reason)
