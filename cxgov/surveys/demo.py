"""Demo surveys of the Federal Benefits Administration ("fba"), with seeded responses.

Deterministic: a fixed random seed, fixed submission ids and dates counted back from a fixed
day, loaded through `response_bulk_create` (one audit event per survey).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cxgov.core.models import Agency
from cxgov.registry.models import Service
from cxgov.surveys.bank import DRIVERS
from cxgov.surveys.distribution import contact_hash
from cxgov.surveys.models import (
    ClearanceKind,
    Invitation,
    InvitationChannel,
    InvitationStatus,
    OptOut,
    Survey,
)
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    clearance_create,
    drivers_compute,
    drivers_mark_stale,
    response_bulk_create,
    survey_create,
    survey_publish,
)

SEED = 12862
# The last day of demo responses: five fiscal quarters end here (FY2026 Q1 to FY2027 Q1).
LAST_DAY = date(2026, 11, 20)
DAYS = 420

COMMENTS_EN = [
    "The website was clear and I finished in one sitting.",
    "I waited on hold for a long time.",
    "The person on the phone explained every step.",
    "I had to send the same document twice.",
    "Fast and easy, thank you.",
    "The letter I got was confusing.",
]
COMMENTS_ES = [
    "El sitio web fue claro y terminé de una vez.",
    "Esperé mucho tiempo en la línea.",
    "La persona al teléfono me explicó cada paso.",
    "Tuve que enviar el mismo documento dos veces.",
]
BARRIERS = [
    "The case system is slow in the afternoon, so callers wait.",
    "Forms change without notice and we learn from customers.",
    "We cannot waive a small fee without two approvals.",
    "Call Jane Smith at 202-555-0100 if you want details on the backlog.",
    "Not enough interpreters for Spanish-speaking visitors.",
]
IDEAS = [
    "Let us send a text when a case moves forward.",
    "Give front-line staff a one-page guide to the new rules.",
    "Add evening hours at the busiest field offices.",
]
WEIGHTS = {"effectiveness": 5, "ease": 4, "efficiency": 4, "transparency": 2, "humanity": 2}


def _when(rng: random.Random) -> datetime:
    day = LAST_DAY - timedelta(days=rng.randrange(DAYS))
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(8 * 60, 22 * 60)
    )


def _service_contexts(services: list[Service]) -> list[tuple[Service, list[str]]]:
    return [
        (service, sorted({c.kind for c in service.channels.all()}) or ["website"])
        for service in services
    ]


def _drivers(rng: random.Random) -> list[str]:
    keys = [k for k, _en, _es in DRIVERS if k != "other"]
    weights = [WEIGHTS.get(k, 1) for k in keys]
    return sorted(set(rng.choices(keys, weights=weights, k=rng.randint(1, 3))))


def a11_v2_rows(
    services: list[Service], *, count: int, seed: int = SEED, prefix: str = "demo-v2"
) -> list[BulkResponse]:
    """A-11 v2 responses: trust improves over time and differs by service and channel."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    contexts = _service_contexts(services)
    rows = []
    for n in range(count):
        service, kinds = contexts[rng.randrange(len(contexts))]
        channel = rng.choice(kinds)
        when = _when(rng)
        progress = 1 - (LAST_DAY - when.date()).days / DAYS
        p_up = 0.55 + 0.2 * progress + (0.08 if channel in ("website", "mobile") else -0.05)
        trust = 1 if rng.random() < p_up else 0
        spanish = rng.random() < 0.18
        answers: dict[str, Any] = {"trust": trust}
        answers["went_well" if trust else "went_poorly"] = _drivers(rng)
        if rng.random() < 0.3:
            answers["comments"] = rng.choice(COMMENTS_ES if spanish else COMMENTS_EN)
        rows.append(
            BulkResponse(
                answers=answers,
                submitted_at=when,
                submission_id=f"{prefix}-{n:06d}",
                context=SubmissionContext(
                    source=rng.choice(["web", "web", "widget", "email", "qr"]),
                    language="es" if spanish else "en",
                    service=service.slug,
                    channel=channel,
                    location_code=f"FO-{rng.randint(1, 12):02d}" if channel == "in_person" else "",
                ),
            )
        )
    return rows


def _likert(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 1.0))))


def a11_v1_rows(services: list[Service], *, count: int, seed: int = SEED + 1) -> list[BulkResponse]:
    """A-11 v1 responses on 1-5 for satisfaction, trust and the drivers."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    contexts = _service_contexts(services)
    keys = ["satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency"]
    rows = []
    for n in range(count):
        service, kinds = contexts[rng.randrange(len(contexts))]
        channel = rng.choice(kinds)
        base = rng.gauss(3.7, 0.6)
        answers: dict[str, Any] = {key: _likert(rng, base) for key in keys}
        if channel in ("phone", "in_person"):
            answers["employee"] = _likert(rng, base + 0.3)
        rows.append(
            BulkResponse(
                answers=answers,
                submitted_at=_when(rng),
                submission_id=f"demo-v1-{n:06d}",
                context=SubmissionContext(
                    source="web",
                    language="es" if rng.random() < 0.15 else "en",
                    service=service.slug,
                    channel=channel,
                ),
            )
        )
    return rows


def employee_rows(*, seed: int = SEED + 2) -> list[BulkResponse]:
    """Front-line answers; the "other" team stays under the suppression threshold."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    teams = ["phone"] * 22 + ["field_office"] * 18 + ["processing"] * 9 + ["other"] * 3
    rows = []
    for n, team in enumerate(teams):
        answers: dict[str, Any] = {
            "resources": _likert(rng, 2.9),
            "empowered": _likert(rng, 2.6),
            "team": team,
        }
        if rng.random() < 0.7:
            answers["barriers"] = rng.choice(BARRIERS)
        if rng.random() < 0.5:
            answers["ideas"] = rng.choice(IDEAS)
        when = _when(rng)
        rows.append(
            BulkResponse(
                answers=answers,
                submitted_at=when.replace(hour=12, minute=0),
                submission_id=f"demo-emp-{n:06d}",
                context=SubmissionContext(source="web"),
            )
        )
    return rows


# The retirement survey's invitation list, as the agency emailed and texted applicants: each
# status once or more, so the staff invitations page shows every column filled.
INVITATION_STATUSES = (
    [InvitationStatus.ANSWERED] * 14
    + [InvitationStatus.SENT] * 12
    + [InvitationStatus.OPENED] * 7
    + [InvitationStatus.STARTED] * 3
    + [InvitationStatus.BOUNCED] * 4
    + [InvitationStatus.OPTED_OUT] * 3
    + [InvitationStatus.QUEUED] * 2
)
FIRST_NAMES = ["maria", "james", "ana", "robert", "linh", "david", "fatima", "john", "rosa", "wei"]
LAST_NAMES = ["garcia", "smith", "nguyen", "johnson", "lopez", "brown", "khan", "lee", "diaz"]


def invitation_rows(
    survey: Survey, services: list[Service], *, seed: int = SEED + 3
) -> tuple[list[Invitation], list[OptOut]]:
    """The demo invitations of one survey (not saved), and the opt-outs their people gave.

    Addresses are at example.com and numbers in the 555-01xx range kept for fiction. No
    invitation has a working link: the stored token hash is not the hash of any token.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    sent_on = datetime.combine(LAST_DAY - timedelta(days=20), datetime.min.time(), tzinfo=UTC)
    invitations: list[Invitation] = []
    opt_outs: list[OptOut] = []
    for number, status in enumerate(INVITATION_STATUSES):
        texted = number % 6 == 5
        language = "es" if number % 4 == 3 else "en"
        first, last = FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[number % len(LAST_NAMES)]
        contact = f"+1202555{100 + number:04d}" if texted else f"{first}.{last}{number}@example.com"
        created = sent_on + timedelta(minutes=number)
        sent = status != InvitationStatus.QUEUED
        invitation = Invitation(
            survey=survey,
            channel=InvitationChannel.SMS if texted else InvitationChannel.EMAIL,
            email="" if texted else contact,
            phone=contact if texted else "",
            contact_hash=contact_hash(contact),
            language=language,
            service=services[number % len(services)] if services else None,
            token_hash=f"demo{rng.getrandbits(240):060x}",
            status=status,
            created_at=created,
            sent_at=created if sent else None,
            reminded_at=(
                created + timedelta(days=7)
                if status in (InvitationStatus.SENT, InvitationStatus.OPENED) and number % 2 == 0
                else None
            ),
            used_at=(
                created + timedelta(days=rng.randint(0, 9), hours=rng.randint(1, 12))
                if status == InvitationStatus.ANSWERED
                else None
            ),
        )
        invitations.append(invitation)
        if status == InvitationStatus.OPTED_OUT:
            opt_outs.append(
                OptOut(
                    agency_id=survey.agency_id,
                    contact_hash=invitation.contact_hash,
                    created_at=created + timedelta(days=2),
                )
            )
    return invitations, opt_outs


def demo_invitations_load(*, survey: Survey, services: list[Service]) -> None:
    """Store the demo invitations and opt-outs of `survey` in two inserts."""
    invitations, opt_outs = invitation_rows(survey, services)
    Invitation.objects.bulk_create(invitations)
    OptOut.objects.bulk_create(opt_outs)


def demo_load() -> list[Survey]:
    """The fba demo surveys with their responses; running again changes nothing."""
    agency = Agency.objects.filter(slug="fba").first()
    if agency is None or Survey.objects.filter(agency=agency).exists():
        return list(Survey.objects.filter(agency=agency)) if agency else []
    services = list(agency.services.order_by("name").prefetch_related("channels"))
    expires = LAST_DAY + timedelta(days=3 * 365)
    generic = clearance_create(
        actor=None,
        agency=agency,
        title="Generic clearance for customer experience surveys",
        kind=ClearanceKind.GENERIC,
        control_number="1234-0042",
        expires_on=expires,
        burden_hours=500,
        results_publishable=True,
    )
    # A small fast-track request, so the demo's ledger nears its cap in the autumn.
    retirement_request = clearance_create(
        actor=None,
        agency=agency,
        title="Fast-track: retirement application survey",
        kind=ClearanceKind.FAST_TRACK,
        parent=generic,
        burden_hours=10,
        results_publishable=True,
    )
    clearance_create(
        actor=None,
        agency=agency,
        title="Front-line employee pulse (not a collection from the public)",
        kind=ClearanceKind.EXEMPT,
        exemption_reason="Asks federal employees about their work, within the scope of their "
        "employment: not a collection of information from the public.",
    )
    v2 = survey_create(
        actor=None,
        agency=agency,
        template="a11_v2",
        services=services,
        clearance=generic,
        burden_minutes=2,
        results_public=True,
        intro="Two minutes, and it helps us fix what does not work.",
        intro_es="Dos minutos, y nos ayuda a arreglar lo que no funciona.",
    )
    retirement = [s for s in services if s.slug.startswith("apply")] or services[:1]
    v1 = survey_create(
        actor=None,
        agency=agency,
        template="a11_v1",
        title="Retirement application: tell us how it went",
        title_es="Solicitud de jubilación: cuéntenos cómo le fue",
        services=retirement,
        clearance=retirement_request,
        burden_minutes=5,
        results_public=True,
    )
    employee = survey_create(
        actor=None, agency=agency, template="employee_barriers", access_code="fba-team-2026"
    )
    survey_create(actor=None, agency=agency, template="acsi", services=services)
    for survey in (v2, v1, employee):
        survey_publish(actor=None, survey=survey)
    response_bulk_create(actor=None, survey=v2, rows=a11_v2_rows(services, count=2400))
    response_bulk_create(actor=None, survey=v1, rows=a11_v1_rows(retirement, count=800))
    response_bulk_create(actor=None, survey=employee, rows=employee_rows())
    # The worker folds new responses into the rollups; the demo opens with them folded.
    rollups_fold_due()
    demo_invitations_load(survey=v1, services=retirement)
    # The demo opens with the key driver analyses over all responses already stored, as the
    # worker leaves them; the action suggestions read them too. The reports' analyses come
    # after the planner statistics are fresh (`cxgov.site.demo._report_drivers_load`).
    for survey in (v2, v1):
        drivers_mark_stale(survey=survey)
        drivers_compute(survey_id=survey.pk, provided=False)
    return [v2, v1, employee]
