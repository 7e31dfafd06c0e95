"""Deterministic demo data: two fictional agencies, their services, and one user per role.

Later parts of cxgov add their own records through `demo_load` in their app's demo module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cxgov.core.models import Role, User
from cxgov.core.services import membership_grant, user_create
from cxgov.registry.models import Agency, ServiceStatus
from cxgov.registry.services import agency_create, service_create

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the local demo only


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    agency_slug: str


DEMO_AGENCIES = [
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

DEMO_SERVICES = {
    "fba": [
        ("Apply for retirement benefits", "Solicitar beneficios de jubilación", True),
        ("Replace a benefits card", "Reemplazar una tarjeta de beneficios", True),
        ("Update your address", "Actualizar su dirección", False),
        ("Appeal a decision", "Apelar una decisión", True),
    ],
    "nppo": [
        ("Get a backcountry permit", "Obtener un permiso para zonas remotas", False),
        ("Reserve a campsite", "Reservar un campamento", False),
    ],
}

DEMO_USERS = [
    DemoUser("admin@fba.example.gov", "Alex Admin", Role.AGENCY_ADMIN, "fba"),
    DemoUser("manager@fba.example.gov", "Morgan Manager", Role.SERVICE_MANAGER, "fba"),
    DemoUser("analyst@fba.example.gov", "Ana Analyst", Role.CX_ANALYST, "fba"),
    DemoUser("handler@fba.example.gov", "Hugo Handler", Role.COMPLAINT_HANDLER, "fba"),
    DemoUser("frontline@fba.example.gov", "Frankie Frontline", Role.FRONTLINE_EMPLOYEE, "fba"),
    DemoUser("oversight@omb.example.gov", "Olivia Oversight", Role.OVERSIGHT, "fba"),
    DemoUser("admin@nppo.example.gov", "Noor Admin", Role.AGENCY_ADMIN, "nppo"),
]


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:80]


@transaction.atomic
def demo_load() -> list[DemoUser]:
    """Create the demo records once; running again changes nothing."""
    agencies: dict[str, Agency] = {}
    for fields in DEMO_AGENCIES:
        existing = Agency.objects.filter(slug=fields["slug"]).first()
        agencies[fields["slug"]] = existing or agency_create(actor=None, **fields)
    for slug, services in DEMO_SERVICES.items():
        agency = agencies[slug]
        for name, name_es, is_hisp in services:
            if not agency.services.filter(slug=_slug(name)).exists():
                service_create(
                    actor=None,
                    agency=agency,
                    name=name,
                    name_es=name_es,
                    slug=_slug(name),
                    is_hisp=is_hisp,
                    status=ServiceStatus.PUBLISHED,
                )
    for demo_user in DEMO_USERS:
        user = User.objects.filter(email=demo_user.email).first()
        if user is None:
            user = user_create(
                email=demo_user.email, password=DEMO_PASSWORD, full_name=demo_user.full_name
            )
        membership_grant(user=user, agency=agencies[demo_user.agency_slug], role=demo_user.role)
    # Oversight reads across agencies: give the demo oversight user the second agency too.
    oversight = User.objects.get(email="oversight@omb.example.gov")
    membership_grant(user=oversight, agency=agencies["nppo"], role=Role.OVERSIGHT)
    return DEMO_USERS
