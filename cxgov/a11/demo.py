"""Demo A-11 reports of the Federal Benefits Administration ("fba") for FY 2026 Q3 and Q4.

Each state shows: published and rated, submitted, a draft with gaps, and a service not started.
Run after the survey demo, whose A-11 v2 responses the reports count.
"""

from __future__ import annotations

from cxgov.a11 import services
from cxgov.a11.models import Collection, FeedbackType, Rating
from cxgov.core.models import Agency, User

# (service name prefix, customers served, customers offered the survey)
VOLUMES = {
    "Apply": (675_000, 41_000),
    "Replace": (275_000, 18_500),
    "Update": (225_000, 16_000),
}


def demo_load() -> list[Collection]:
    """The fba demo reports; running again changes nothing."""
    agency = Agency.objects.filter(slug="fba").first()
    if agency is None or Collection.objects.filter(agency=agency).exists():
        return list(Collection.objects.filter(agency=agency)) if agency else []
    analyst = User.objects.filter(email="analyst@fba.example.gov").first()
    admin = User.objects.filter(email="admin@fba.example.gov").first()
    oversight = User.objects.filter(email="oversight@omb.example.gov").first()
    made: list[Collection] = []
    by_prefix = {s.name.split()[0]: s for s in agency.services.order_by("name")}
    for quarter in (3, 4):
        for prefix, (customers, offered) in VOLUMES.items():
            service = by_prefix.get(prefix)
            if service is None:
                continue
            collection = services.collection_create(
                actor=analyst, service=service, fiscal_year=2026, quarter=quarter
            )
            made.append(collection)
            if quarter == 4 and prefix == "Update":
                # A draft with its volumes still missing: the checklist says what to do.
                continue
            collection = services.collection_update(
                actor=analyst,
                collection=collection,
                volume_of_customers=customers,
                volume_offered=offered,
                channel=collection.channel or "website",
                feedback_type=FeedbackType.POST_INTERACTION,
                transaction_point="After the online application is sent",
            )
            collection = services.collection_submit(actor=analyst, collection=collection)
            if quarter == 3 or prefix == "Apply":
                collection = services.collection_publish(actor=admin, collection=collection)
                services.collection_rate(
                    actor=oversight,
                    collection=collection,
                    rating=Rating.WITHIN if prefix != "Replace" else Rating.PARTIAL,
                    comment=""
                    if prefix != "Replace"
                    else "Response rate under 1%: widen the invitation.",
                )
    return made
