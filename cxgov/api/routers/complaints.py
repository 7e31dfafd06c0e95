"""Complaints: file one from another system (`POST /complaints`) and read it back.

Staff authenticate with a token or the session; the complaint is filed for an agency where
the caller's role may handle complaints (`Can.HANDLE_COMPLAINTS`), through
`complaints.services.complaint_create`, so it is audited, routed, gets SLA deadlines and sends
the acknowledgment email. Reading one back needs the same capability.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Header, Router

from cxgov.api.common import field_error, staff_user
from cxgov.api.schemas.complaints import ComplaintIn, ComplaintOut
from cxgov.complaints import services as complaints
from cxgov.complaints.models import Channel, Complaint
from cxgov.complaints.selectors import access_complaint, category_for_agency
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.core.services import audit_record

router = Router(tags=["complaints"])


@router.post("/complaints", response={201: ComplaintOut}, summary="File a complaint")
def complaint_file(
    request: HttpRequest,
    payload: ComplaintIn,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        max_length=200,
        description=(
            "A key you choose for this complaint. Sending the same complaint again with the same "
            "key (a retry after a timeout) returns the complaint first filed and files nothing "
            "new; the same key with a different complaint answers 422."
        ),
    ),
) -> tuple[int, Complaint]:
    """File a complaint received through another system, for an agency where you handle
    complaints; any other agency answers 404, the same as a missing one."""
    user = staff_user(request)
    agency = access_agency(user=user, agency_slug=payload.agency, need=Can.HANDLE_COMPLAINTS)
    service = agency.services.filter(slug=payload.service).first() if payload.service else None
    if payload.service and service is None:
        raise field_error("service", "Unknown service.")
    category = None
    if payload.category_id is not None:
        category = category_for_agency(agency=agency, category_id=payload.category_id)
        if category is None:
            raise field_error("category_id", "Unknown category.")
    complaint = complaints.complaint_create(
        agency=agency,
        service=service,
        category=category,
        channel=Channel.API,
        actor=user,
        idempotency_key=idempotency_key,
        idempotency_scope=f"api:{user.pk}",
        # The complaint's own fields, as sent; the agency, service and category are found above.
        **payload.model_dump(exclude={"agency", "service", "category_id"}),
    )
    return 201, complaint


@router.get(
    "/agencies/{slug}/complaints/{complaint_id}",
    response=ComplaintOut,
    summary="Read a complaint",
)
def complaint_read(request: HttpRequest, slug: str, complaint_id: int) -> Complaint:
    """One complaint you may open: of a team you belong to or lead, routed to no team, or
    assigned to you (every complaint of the agency for administrators and service managers);
    any other answers 404, the same as a missing one."""
    user = staff_user(request)
    complaint = access_complaint(user=user, agency_slug=slug, complaint_id=complaint_id)
    audit_record(
        actor=user,
        action="complaint.read",
        agency=complaint.agency,
        target=complaint,
        data={"via": "api"},
    )
    return complaint
