"""Complaints: file one from another system, list and read them, and work a case.

Staff authenticate with a token or the session. Filing needs `Can.HANDLE_COMPLAINTS` in the
agency and goes through `complaints.services.complaint_create`, so it is audited, routed, gets
SLA deadlines and sends the acknowledgment email. Listing, reading and working a case follow
the case page exactly: `complaints_visible` decides which cases a person may open (their teams,
unrouted cases and their assignments; every case for administrators and service managers;
none for oversight and analysts), any other answers 404 the same as a missing one, and each
change goes through the same service as the page's form (assign, categorize, transition,
message the customer, internal note, respond), so it is audited and emails the customer as
the page does. Writes need a token with the `write` scope (a `read` token answers 403).
"""

# No `from __future__ import annotations`: ninja reads a paginated endpoint's Query schema
# from its annotations through the paginator's wrapper, where a string cannot be resolved.

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Query, Schema
from ninja.pagination import paginate

from cxgov.api.common import AreaRouter, CursorPagination, field_error, staff_user
from cxgov.api.schemas.complaints import (
    AssignIn,
    CategoryIn,
    ComplaintDetailOut,
    ComplaintFilters,
    ComplaintIn,
    ComplaintOut,
    MessageIn,
    NoteIn,
    RespondIn,
    TransitionIn,
)
from cxgov.complaints import services as complaints
from cxgov.complaints.models import Channel, Complaint
from cxgov.complaints.selectors import (
    QueueFilters,
    access_complaint,
    agency_member_by_id,
    category_for_agency,
    complaint_by_tracking_number,
    complaint_detail,
    complaint_queue,
    normalize_tracking_number,
    teams_for_agency,
)
from cxgov.core.models import TokenArea, User
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.core.services import audit_record

router = AreaRouter(area=TokenArea.COMPLAINTS, tags=["complaints"])
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

CASE_DOCS = {
    "responses": {
        "404": {
            "description": (
                "No such complaint, or one you may not open (another agency's, or outside your "
                "teams and assignments): the two look the same."
            )
        },
        "422": {
            "description": (
                "The change is not allowed (a status the complaint cannot move to, a person "
                "whose role does not work cases) or a field is not valid; `errors` says which."
            )
        },
    }
}


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
    "/agencies/{slug}/complaints",
    response=list[ComplaintOut],
    summary="The complaints you may open, newest first, filtered as the queue",
)
@paginate(CursorPagination, order=("-received_at", "-id"))
def complaint_list(
    request: HttpRequest, slug: str, filters: Query[ComplaintFilters]
) -> QuerySet[Complaint]:
    """The cases of the agency you may open (`complaints_visible`), without narratives or
    contact details: read one for those. 404 for an agency where your role works no cases."""
    user = staff_user(request)
    agency = access_agency(user=user, agency_slug=slug, need=Can.WORK_ASSIGNED_COMPLAINTS)
    wanted = QueueFilters(
        status=filters.status or "",
        team_id=filters.team_id,
        assignee_id=filters.assignee_id,
        category_id=filters.category_id,
        service_id=filters.service_id,
        overdue_only=filters.overdue,
        query=filters.q.strip(),
    )
    return complaint_queue(agency=agency, user=user, filters=wanted, now=timezone.now())


@router.get(
    "/agencies/{slug}/complaints/{complaint_id}",
    response=ComplaintDetailOut,
    summary="Read a complaint: narrative, contact, messages, notes and response",
)
def complaint_read(request: HttpRequest, slug: str, complaint_id: int) -> Complaint:
    """One complaint you may open: of a team you belong to or lead, routed to no team, or
    assigned to you (every complaint of the agency for administrators and service managers);
    any other answers 404, the same as a missing one. Each read is in the audit log."""
    user = staff_user(request)
    complaint = access_complaint(user=user, agency_slug=slug, complaint_id=complaint_id)
    audit_record(
        actor=user,
        action="complaint.read",
        agency=complaint.agency,
        target=complaint,
        data={"via": "api"},
    )
    return complaint_detail(complaint=complaint)


def _case(request: HttpRequest, slug: str, complaint_id: int) -> tuple[User, Complaint]:
    """The caller and a case they may work, as the case page finds it (404 otherwise)."""
    user = staff_user(request)
    return user, access_complaint(user=user, agency_slug=slug, complaint_id=complaint_id)


def _site_url(request: HttpRequest) -> str:
    """The address the request came to, for links in emails (as the case page builds them)."""
    return request.build_absolute_uri("/").rstrip("/")


def _case_add(
    request: HttpRequest,
    slug: str,
    complaint_id: int,
    payload: Schema,
    add: Callable[..., object],
    *,
    emails: bool = True,
) -> tuple[int, Complaint]:
    """Add the payload's fields to a case the caller may work, through the service `add` with
    the caller as actor, and answer 201 with the case. A service that `emails` the customer
    gets the address the request came to for the email's links."""
    user, complaint = _case(request, slug, complaint_id)
    links = {"site_url": _site_url(request)} if emails else {}
    add(complaint=complaint, actor=user, **payload.model_dump(), **links)
    return 201, complaint_detail(complaint=complaint)


def _case_post(action: str, *, created: bool = False, **kwargs: Any) -> Decorator:
    """A POST that works one case, at `…/complaints/{complaint_id}/<action>`, and answers with
    the case (201 when it adds to the case)."""
    return router.post(
        f"/agencies/{{slug}}/complaints/{{complaint_id}}/{action}",
        response={201: ComplaintDetailOut} if created else ComplaintDetailOut,
        openapi_extra=CASE_DOCS,
        **kwargs,
    )


@_case_post(
    "assign", summary="Assign a complaint to a person, and optionally a team, of the agency"
)
def complaint_assign(
    request: HttpRequest, slug: str, complaint_id: int, payload: AssignIn
) -> Complaint:
    user, complaint = _case(request, slug, complaint_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = agency_member_by_id(agency=complaint.agency, user_id=payload.assignee_id)
        if assignee is None:
            raise field_error("assignee", "This person is not a member of the agency.")
    team = None
    if payload.team_id is not None:
        team = teams_for_agency(agency=complaint.agency).filter(pk=payload.team_id).first()
        if team is None:
            raise field_error("team_id", "Unknown team.")
    complaints.complaint_assign(complaint=complaint, actor=user, assignee=assignee, team=team)
    return complaint_detail(complaint=complaint)


@_case_post("category", summary="Set a complaint's category")
def complaint_categorize(
    request: HttpRequest, slug: str, complaint_id: int, payload: CategoryIn
) -> Complaint:
    user, complaint = _case(request, slug, complaint_id)
    category = category_for_agency(agency=complaint.agency, category_id=payload.category_id)
    if category is None:
        raise field_error("category_id", "Unknown category.")
    complaints.complaint_categorize(complaint=complaint, actor=user, category=category)
    return complaint_detail(complaint=complaint)


@_case_post("transition", summary="Move a complaint to another status")
def complaint_transition(
    request: HttpRequest, slug: str, complaint_id: int, payload: TransitionIn
) -> Complaint:
    """Only the moves the case page offers are allowed; the customer is emailed on closing.
    `duplicate` names the original's tracking number, `referred` to whom."""
    user, complaint = _case(request, slug, complaint_id)
    if payload.to_status == complaint.status:
        raise field_error("to_status", "Choose a new status: the status is unchanged.")
    duplicate_of = None
    if payload.duplicate_of:
        duplicate_of = complaint_by_tracking_number(
            agency=complaint.agency,
            tracking_number=normalize_tracking_number(payload.duplicate_of),
        )
        if duplicate_of is None or duplicate_of.pk == complaint.pk:
            raise field_error("duplicate_of", "No other complaint of the agency has this number.")
    complaints.complaint_transition(
        complaint=complaint,
        actor=user,
        duplicate_of=duplicate_of,
        site_url=_site_url(request),
        # The move as sent; the original is the complaint found from its tracking number.
        **payload.model_dump(exclude={"duplicate_of"}),
    )
    return complaint_detail(complaint=complaint)


@_case_post(
    "messages",
    created=True,
    summary="Send the customer a message (emailed, and shown on their status page)",
)
def complaint_message(
    request: HttpRequest, slug: str, complaint_id: int, payload: MessageIn
) -> tuple[int, Complaint]:
    return _case_add(request, slug, complaint_id, payload, complaints.complaint_message_send)


@_case_post("notes", created=True, summary="Add an internal note (never shown to the customer)")
def complaint_note(
    request: HttpRequest, slug: str, complaint_id: int, payload: NoteIn
) -> tuple[int, Complaint]:
    return _case_add(
        request, slug, complaint_id, payload, complaints.complaint_note_add, emails=False
    )


@_case_post("respond", created=True, summary="Respond to the customer, with a response category")
def complaint_respond(
    request: HttpRequest, slug: str, complaint_id: int, payload: RespondIn
) -> tuple[int, Complaint]:
    """The agency's response, emailed and shown on the status page, where the customer accepts
    or disputes it. Any category but `in_progress` makes the complaint responded."""
    return _case_add(request, slug, complaint_id, payload, complaints.complaint_respond)
