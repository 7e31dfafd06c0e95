"""Complaints: file one from another system (`POST /complaints`) and read it back.

Staff authenticate with a token or the session; the complaint is filed for an agency where
the caller holds a role, through `complaints.services.complaint_create`, so it is audited,
routed, gets SLA deadlines and sends the acknowledgment email.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as ModelValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, field_validator

from cxgov.api.common import Out, field_error, staff_user
from cxgov.complaints import services as complaints
from cxgov.complaints.models import Channel, Complaint
from cxgov.complaints.selectors import access_complaint, category_for_agency
from cxgov.core.selectors import access_agency

router = Router(tags=["complaints"])


EMAIL_PATTERN = (
    r"^$|^[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


class ComplaintIn(Schema):
    agency: str = Field(max_length=60, description="slug of the agency")
    service: str = Field("", max_length=80, description="slug of one of its services")
    category_id: int | None = None
    what_happened: str = Field(min_length=1, max_length=10000)
    desired_resolution: str = Field("", max_length=10000)
    contact_name: str = Field("", max_length=200)
    # The pattern documents the addresses Django's validate_email accepts (below).
    contact_email: str = Field("", max_length=254, json_schema_extra={"pattern": EMAIL_PATTERN})
    contact_phone: str = Field("", max_length=40)
    contact_preference: str = Field("email", pattern="^(email|phone|postal_mail)$")
    consent_to_publish: bool = False
    language: str = Field("en", pattern="^(en|es)$")

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except ModelValidationError:
                raise ValueError("Enter a valid email address.") from None
        return value


class ComplaintOut(Out):
    id: int
    agency: str
    tracking_number: str
    status: str
    channel: str
    received_at: datetime
    acknowledge_due_at: datetime | None
    respond_due_at: datetime | None
    final_due_at: datetime | None
    timely: bool | None

    @staticmethod
    def resolve_agency(obj: Complaint) -> str:
        return obj.agency.slug


@router.post("/complaints", response={201: ComplaintOut}, summary="File a complaint")
def complaint_file(request: HttpRequest, payload: ComplaintIn) -> tuple[int, Complaint]:
    """File a complaint received through another system, for an agency you hold a role in."""
    user = staff_user(request)
    agency = access_agency(user=user, agency_slug=payload.agency)
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
        what_happened=payload.what_happened,
        desired_resolution=payload.desired_resolution,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
        contact_preference=payload.contact_preference,
        consent_to_publish=payload.consent_to_publish,
        language=payload.language,
    )
    return 201, complaint


@router.get(
    "/agencies/{slug}/complaints/{complaint_id}",
    response=ComplaintOut,
    summary="Read a complaint",
)
def complaint_read(request: HttpRequest, slug: str, complaint_id: int) -> Complaint:
    """One complaint of an agency you hold a role in; any other answers 404."""
    return access_complaint(user=staff_user(request), agency_slug=slug, complaint_id=complaint_id)
