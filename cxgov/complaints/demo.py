"""Demo complaints of the Federal Benefits Administration ("fba"): every status, some overdue,
some disputed, with categories, a team, routing, an SLA policy, a trained classifier, the
agency's case number format, and half of the consented closed narratives approved by a
reviewer (the rest wait in the review queue).

Deterministic: narratives come from fixed templates and a seeded generator; dates are fixed
offsets from the moment of loading. Loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cxgov.core.models import Agency, User

from . import services
from .models import Category, Complaint, ComplaintSettings, RoutingRule, SlaPolicy, Status, Team
from .selectors import complaint_settings_for, narrative_scrubbed

SEED = 12862
TAXONOMY: dict[str, dict[str, list[str]]] = {
    "Payments": {
        "Late payment": [
            "My {benefit} payment for {month} has not arrived and it is {days} days late.",
            "The deposit for {month} never reached my bank. I depend on this {benefit} money.",
        ],
        "Wrong amount": [
            "The {benefit} payment in {month} was smaller than the letter said, by ${amount}.",
            "You paid me ${amount} less in {month} and nobody can explain the deduction.",
        ],
    },
    "Customer service": {
        "Long wait": [
            "I waited on the phone for {hours} hours and the call dropped before anyone answered.",
            "At the field office I waited {hours} hours and was told to come back another day.",
        ],
        "Rude or unhelpful staff": [
            "The agent on the phone was rude and hung up when I asked about my {benefit} claim.",
            "Staff at the office would not answer my questions and told me to look online.",
        ],
    },
    "Records": {
        "Address not updated": [
            "I updated my address in {month} but letters still go to my old home.",
            "My change of address was lost twice and my {benefit} card went to the wrong place.",
        ],
        "Card not received": [
            "I asked for a replacement benefits card in {month} and it never came.",
            "My new benefits card has not arrived after {days} days and I cannot buy food.",
        ],
    },
}
SERVICE_BY_PRODUCT = {
    "Payments": "apply-for-retirement-benefits",
    "Customer service": "appeal-a-decision",
    "Records": "update-your-address",
}
CANNED = [
    (
        "Payment reissued",
        "Dear {name},\n\nWe reissued the payment for complaint {tracking_number} ({service}). "
        "It reaches your bank within 5 business days.",
        "Estimado/a {name}:\n\nVolvimos a emitir el pago de la queja {tracking_number} "
        "({service}). Llega a su banco en 5 días hábiles.",
        "closed_with_relief",
    ),
    (
        "Explanation of the amount",
        "Dear {name},\n\nThe amount of your payment follows the rules of {service}. "
        "The letter attached explains each deduction (complaint {tracking_number}).",
        "Estimado/a {name}:\n\nEl monto de su pago sigue las reglas de {service}. "
        "La carta adjunta explica cada descuento (queja {tracking_number}).",
        "closed_with_explanation",
    ),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]
BENEFITS = ["retirement", "survivor", "disability"]
# Final status of each demo complaint, and how many days ago it arrived.
PLAN: list[tuple[str, int]] = [
    ("received", 0),
    ("received", 1),
    ("received", 4),  # overdue acknowledgment
    ("acknowledged", 2),
    ("acknowledged", 6),
    ("in_progress", 5),
    ("in_progress", 12),
    ("in_progress", 20),  # overdue response
    ("in_progress", 25),  # overdue response
    ("awaiting_customer", 8),
    ("awaiting_customer", 15),
    ("responded", 10),
    ("responded", 14),
    ("closed", 30),
    ("closed", 45),
    ("closed", 60),
    ("closed", 75),
    ("disputed", 20),
    ("disputed", 18),
    ("referred", 9),
    ("withdrawn", 11),
    ("duplicate", 3),
]
HISTORY_SIZE = 48


def _narrative(rng: random.Random, template: str) -> str:
    return template.format(
        benefit=rng.choice(BENEFITS),
        month=rng.choice(MONTHS),
        days=rng.randint(10, 60),
        amount=rng.randint(20, 400),
        hours=rng.randint(2, 5),
    )


def _leaves(agency: Agency) -> list[tuple[Category, str, list[str]]]:
    leaves = []
    for product, issues in TAXONOMY.items():
        parent, _created = Category.objects.get_or_create(agency=agency, parent=None, name=product)
        for issue, templates in issues.items():
            child, _created = Category.objects.get_or_create(
                agency=agency, parent=parent, name=issue
            )
            leaves.append((child, product, templates))
    return leaves


@transaction.atomic
def demo_load() -> None:
    """Load the demo complaints of "fba" once."""
    agency = Agency.objects.filter(slug="fba").first()
    if agency is None or Complaint.objects.filter(agency=agency, source="demo").exists():
        return
    handler = User.objects.filter(email="handler@fba.example.gov").first()
    admin = User.objects.filter(email="admin@fba.example.gov").first()
    team, _created = Team.objects.get_or_create(
        agency=agency, name="Benefits complaints", defaults={"lead": admin}
    )
    if handler is not None:
        team.members.add(handler)
    SlaPolicy.objects.get_or_create(agency=agency, service=None, category=None)
    ComplaintSettings.objects.get_or_create(
        agency=agency, defaults={"case_number_patterns": r"FBA-\d{4}-\d{7}"}
    )
    RoutingRule.objects.get_or_create(agency=agency, team=team, position=0)
    leaves = _leaves(agency)
    services_by_slug = {service.slug: service for service in agency.services.all()}
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo text, not secrets
    now = timezone.now()

    def file(index: int, days_ago: int) -> Complaint:
        category, product, templates = leaves[index % len(leaves)]
        return services.complaint_create(
            agency=agency,
            service=services_by_slug.get(SERVICE_BY_PRODUCT[product]),
            category=category if days_ago > 60 else None,
            what_happened=_narrative(rng, rng.choice(templates)),
            desired_resolution=rng.choice(
                ["Pay what I am owed.", "Fix my record.", "Call me back.", ""]
            ),
            contact_name=f"Demo Person {index}",
            contact_email=f"person{index}@example.com",
            consent_to_publish=index % 3 == 0,
            received_at=now - timedelta(days=days_ago, hours=rng.randint(0, 6)),
            source="demo",
            source_ref=f"demo-{index}",
            send_acknowledgment=False,
        )

    # Closed history the classifier learns from.
    for index in range(HISTORY_SIZE):
        complaint = file(index, 90 + index)
        at = complaint.received_at
        for step, status in enumerate(("in_progress", "responded", "closed"), start=1):
            complaint = services.complaint_transition(
                complaint=complaint,
                to_status=status,
                actor=handler,
                at=at + timedelta(days=3 * step),
                notify_customer=False,
            )
        # A reviewer approved half of the consented narratives; the rest wait in the queue.
        if handler is not None and complaint.consent_to_publish and index % 2 == 0:
            services.narrative_approve(
                complaint=complaint,
                actor=handler,
                text=narrative_scrubbed(
                    complaint=complaint, settings=complaint_settings_for(agency=agency)
                ),
            )
    services.complaint_classifier_train(agency=agency, actor=None)
    if admin is not None:
        for title, body, body_es, category in CANNED:
            services.canned_response_save(
                agency=agency,
                actor=admin,
                title=title,
                body=body,
                body_es=body_es,
                response_category=category,
            )

    first: Complaint | None = None
    filed: list[int] = []
    for offset, (target, days_ago) in enumerate(PLAN):
        complaint = file(HISTORY_SIZE + offset, days_ago)
        filed.append(complaint.pk)
        first = first or complaint
        if handler is not None and offset % 2 == 0:
            services.complaint_assign(
                complaint=complaint, actor=handler, assignee=handler, team=team
            )
        at = complaint.received_at + timedelta(hours=2)
        path = {
            "received": [],
            "acknowledged": ["acknowledged"],
            "in_progress": ["acknowledged", "in_progress"],
            "awaiting_customer": ["acknowledged", "in_progress", "awaiting_customer"],
            "responded": ["acknowledged", "in_progress", "responded"],
            "closed": ["acknowledged", "in_progress", "responded", "closed"],
            "disputed": ["acknowledged", "in_progress", "responded"],
            "referred": ["acknowledged", "referred"],
            "withdrawn": ["acknowledged", "withdrawn"],
            "duplicate": ["duplicate"],
        }[target]
        for step, status in enumerate(path):
            moment = min(at + timedelta(days=step * max(days_ago // 4, 1) / 2), now)
            complaint = services.complaint_transition(
                complaint=complaint,
                to_status=status,
                actor=handler,
                at=moment,
                referred_to="Department of Veterans Affairs" if status == Status.REFERRED else "",
                duplicate_of=first if status == Status.DUPLICATE else None,
                notify_customer=False,
            )
        if target == "disputed":
            services.complaint_review(
                complaint=complaint, decision="disputed", comment="This does not fix my problem."
            )
        if handler is not None and target in ("in_progress", "awaiting_customer"):
            services.complaint_note_add(
                complaint=complaint, actor=handler, body="Checked the payment system; escalating."
            )
    # The worker suggests categories after intake; the demo has them at once, in one batch.
    services.complaint_categories_suggest(complaint_ids=filed)
