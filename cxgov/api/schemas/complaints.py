"""Shapes of the complaints operations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as ModelValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator

from cxgov.api.common import In, Out
from cxgov.complaints.models import Complaint, Message, Note, ResponseCategory, Status
from cxgov.complaints.services import MAX_MESSAGE_CHARS

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


class CategoryRefOut(Out):
    id: int
    name: str
    name_es: str


class ComplaintOut(Out):
    """A complaint in a list: where it stands, never the customer's words or contact."""

    id: int
    agency: str = Field(validation_alias="agency.slug")
    tracking_number: str
    status: str
    channel: str
    service: str | None = Field(description="The service's slug.")
    category: CategoryRefOut | None
    team_id: int | None
    assignee: str | None = Field(description="The assignee's email.")
    company_response: str = Field(description="The response category in the CFPB's wording.")
    received_at: datetime
    acknowledge_due_at: datetime | None
    respond_due_at: datetime | None
    final_due_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None
    timely: bool | None
    updated_at: datetime

    @staticmethod
    def resolve_service(complaint: Complaint) -> str | None:
        return complaint.service.slug if complaint.service_id and complaint.service else None

    @staticmethod
    def resolve_assignee(complaint: Complaint) -> str | None:
        return complaint.assignee.email if complaint.assignee_id and complaint.assignee else None


class AttachmentOut(Out):
    id: int
    name: str = Field(validation_alias="original_name")
    content_type: str
    size: int


class MessageOut(Out):
    """A message to or from the customer; with a `response_category` it is the response."""

    id: int
    direction: str = Field(description="`to_customer` or `from_customer`.")
    via: str = Field(description="staff (case page or API), web (status page) or email.")
    author: str | None = Field(description="The staff author's email; null from the customer.")
    body: str
    response_category: str | None
    attachments: list[AttachmentOut]
    created_at: datetime

    @staticmethod
    def resolve_author(message: Message) -> str | None:
        return message.author.email if message.author_id and message.author else None

    @staticmethod
    def resolve_response_category(message: Message) -> str | None:
        return message.response_category or None


class NoteOut(Out):
    """An internal note among staff; the customer never sees it."""

    id: int
    author: str | None = Field(description="The author's email.")
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(note: Note) -> str | None:
        return note.author.email if note.author_id and note.author else None


class ComplaintDetailOut(ComplaintOut):
    """One complaint as its case page shows it: the narrative, the contact, the conversation
    with the customer, the internal notes and the agency's latest response."""

    what_happened: str
    desired_resolution: str
    contact_name: str
    contact_email: str
    contact_phone: str
    postal_address: str
    contact_preference: str
    language: str
    review: str = Field(description="The customer's review of the response: accepted, disputed.")
    messages: list[MessageOut]
    notes: list[NoteOut]
    response: MessageOut | None = Field(description="The agency's latest response, if any.")

    @staticmethod
    def resolve_messages(complaint: Complaint) -> list[Message]:
        return list(complaint.messages.all())

    @staticmethod
    def resolve_notes(complaint: Complaint) -> list[Note]:
        return list(complaint.notes.all())

    @staticmethod
    def resolve_response(complaint: Complaint) -> Message | None:
        responses = [message for message in complaint.messages.all() if message.is_response]
        return responses[-1] if responses else None


class ComplaintFilters(Schema):
    status: (
        Literal[
            "open",
            "received",
            "acknowledged",
            "in_progress",
            "awaiting_customer",
            "responded",
            "closed",
            "referred",
            "withdrawn",
            "duplicate",
        ]
        | None
    ) = Field(None, description="One status, or `open` for every open one.")
    team_id: int | None = Field(None, ge=1, le=2**31 - 1)
    assignee_id: int | None = Field(None, ge=1, le=2**31 - 1)
    category_id: int | None = Field(None, ge=1, le=2**31 - 1)
    service_id: int | None = Field(None, ge=1, le=2**31 - 1)
    overdue: bool = Field(False, description="Only open complaints past their response date.")
    q: str = Field("", max_length=200, description="In the tracking number or the narrative.")


Text = Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=r"\S")]


class AssignIn(In):
    assignee_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="A member whose role works cases; null: nobody."
    )
    team_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="One of the agency's teams; null keeps the team."
    )


class TransitionIn(In):
    to_status: Status
    reason: str = Field("", max_length=2000)
    referred_to: str = Field("", max_length=300, description="With `referred`: to whom.")
    duplicate_of: str = Field(
        "", max_length=40, description="With `duplicate`: the tracking number of the original."
    )


class MessageIn(In):
    body: Text
    await_reply: bool = Field(
        False, description="Wait for the customer's reply: the clock pauses until they answer."
    )


class NoteIn(In):
    body: Text


class RespondIn(In):
    body: Text
    category: ResponseCategory = Field(
        description="The response category, as the CFPB's; `in_progress` keeps it open."
    )


class CategoryIn(In):
    category_id: int = Field(ge=1, le=2**31 - 1)
