"""Shapes of the complaints operations."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as ModelValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator

from cxgov.api.common import Out

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
    agency: str = Field(validation_alias="agency.slug")
    tracking_number: str
    status: str
    channel: str
    received_at: datetime
    acknowledge_due_at: datetime | None
    respond_due_at: datetime | None
    final_due_at: datetime | None
    timely: bool | None
