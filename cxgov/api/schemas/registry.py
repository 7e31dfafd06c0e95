"""Shapes of the service inventory: agencies, services, channels and their hours."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, TypeVar

from django.utils import timezone
from ninja import Field
from pydantic import (
    AfterValidator,
    ConfigDict,
    RootModel,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from cxgov.api.common import In, Out
from cxgov.core.models import Agency
from cxgov.registry.models import Channel, ChannelKind, OpeningHours, Service, ServiceStatus
from cxgov.registry.selectors import channel_open_status

# The public shapes hold what anyone may see. The staff shapes add what only members of the
# service's agency see; `view` says which of the two a response is.


class AgencyOut(Out):
    slug: str
    name: str
    name_es: str
    abbreviation: str
    website: str
    mission: str
    mission_es: str
    time_zone: str = Field(examples=["America/New_York"])
    parent: str | None = Field(description="The parent agency's slug.")
    published_services: int

    @staticmethod
    def resolve_parent(agency: Agency) -> str | None:
        return agency.parent.slug if agency.parent else None


class SegmentRefOut(Out):
    id: int
    name: str
    name_es: str


class StageOut(Out):
    id: int
    name: str
    name_es: str
    description: str
    position: int


class HoursOut(Out):
    weekday: int = Field(description="0 = Monday … 6 = Sunday.")
    opens: str = Field(description="Local time, HH:MM.", examples=["09:00"])
    closes: str = Field(description="Local time, HH:MM.", examples=["17:00"])

    @staticmethod
    def resolve_opens(hours: OpeningHours) -> str:
        return hours.opens.strftime("%H:%M")

    @staticmethod
    def resolve_closes(hours: OpeningHours) -> str:
        return hours.closes.strftime("%H:%M")


class ClosureOut(Out):
    date: date
    name: str


class OpenNowOut(Out):
    """Whether the channel is open at the time of the request, in the agency's time zone."""

    is_open: bool
    always_open: bool
    closes_at: datetime | None = Field(description="When it closes, if open now.")
    opens_at: datetime | None = Field(description="When it next opens within two weeks.")
    closed_today_reason: str = Field(description="The holiday or closure, if closed for one.")


class ChannelOut(Out):
    id: int
    kind: str = Field(description="website, phone, in_person, … (see ChannelIn.kind).")
    name: str
    name_es: str
    url: str
    phone: str
    tty: str
    address: str
    instructions: str
    instructions_es: str
    languages: list[str]
    always_open: bool
    closed_on_federal_holidays: bool
    is_digital: bool
    position: int
    hours: list[HoursOut]
    closures: list[ClosureOut] = Field(description="Closures from today on.")
    open_now: OpenNowOut

    @staticmethod
    def resolve_open_now(channel: Channel) -> dict[str, Any]:
        return asdict(channel_open_status(channel=channel, at=timezone.now()))


class ChannelStaffOut(ChannelOut):
    annual_volume: int | None = Field(description="Transactions a year.")
    annual_enquiries: int | None = Field(description="Enquiries or visits a year.")
    cost_per_transaction: Decimal | None = Field(
        description="US dollars, as a decimal string.", examples=["12.50"]
    )
    source_id: str


class _ServiceFields(Out):
    id: int
    agency: str = Field(description="The agency's slug.", validation_alias="agency.slug")
    slug: str
    name: str
    name_es: str
    description: str
    description_es: str
    kind: str
    is_hisp: bool
    customers_description: str


class _ServiceStaffFields(_ServiceFields):
    status: ServiceStatus
    designated_for_improvement: bool
    estimated_annual_customers: int | None
    segments: list[SegmentRefOut]
    details: dict[str, Any] = Field(description="Facts kept from the source it was imported from.")
    source: str
    source_id: str
    updated_at: datetime


class _PublicView(Out):
    view: Literal["public"]

    @staticmethod
    def resolve_view(service: Service) -> str:
        return "public"


class _StaffView(Out):
    view: Literal["staff"]

    @staticmethod
    def resolve_view(service: Service) -> str:
        return "staff"


class ServiceSummaryPublicOut(_ServiceFields, _PublicView):
    pass


class ServiceSummaryStaffOut(_ServiceStaffFields, _StaffView):
    channel_count: int


class ServiceSummaryOut(
    RootModel[
        Annotated[ServiceSummaryStaffOut | ServiceSummaryPublicOut, Field(discriminator="view")]
    ]
):
    """A service in a list: the staff view for members of its agency, else the public view."""


class ServicePublicOut(_ServiceFields, _PublicView):
    stages: list[StageOut]
    channels: list[ChannelOut]


class ServiceStaffOut(_ServiceStaffFields, _StaffView):
    stages: list[StageOut]
    channels: list[ChannelStaffOut]


class ServiceOut(
    RootModel[Annotated[ServiceStaffOut | ServicePublicOut, Field(discriminator="view")]]
):
    """A service with its stages and channels: the staff view for members of its agency, else
    the public view."""


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


T = TypeVar("T")
if TYPE_CHECKING:
    Patch: TypeAlias = T | None
else:
    # A field a request may leave out but not set to null: its default None is never
    # validated, while a null that is sent fails the type and names the field.
    Patch = Annotated[T, "optional, not nullable"]

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0)]
# Documented as what is accepted exactly: whole dollars, or a string with at most 2 decimals.
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 9_999_999_999},
                {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$"},
            ]
        },
        mode="validation",
    ),
]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", examples=["es"])]
# The pattern tells clients what _not_blank checks: at least one character that is not a space.
ServiceName = Annotated[str, Field(max_length=300, pattern=r"\S"), AfterValidator(_not_blank)]
ChannelName = Annotated[str, Field(max_length=200, pattern=r"\S"), AfterValidator(_not_blank)]
SEGMENTS_DESCRIPTION = "Ids of the agency's customer segments; replaces the current ones."


def _no_nul_in_strings(node: Any) -> None:
    """Say in the JSON schema what has_no_nul_character checks: no string holds a NUL."""
    if isinstance(node, dict):
        if node.get("type") == "string" and "enum" not in node:
            node["not"] = {"pattern": "\x00"}
        for value in node.values():
            _no_nul_in_strings(value)
    elif isinstance(node, list):
        for item in node:
            _no_nul_in_strings(item)


def _in_json_schema(schema: dict[str, Any]) -> None:
    _no_nul_in_strings(schema.get("properties", {}))


class _In(In):
    """`In`, with its NUL rule said in the JSON schema."""

    model_config = ConfigDict(json_schema_extra=_in_json_schema)


class ServiceIn(_In):
    name: ServiceName
    name_es: str = Field("", max_length=300)
    slug: str = Field(
        "", max_length=80, description="Made from the name when left out; unique in the agency."
    )
    description: str = ""
    description_es: str = ""
    kind: str = Field("", max_length=100, examples=["Benefits"])
    is_hisp: bool = Field(False, description="A designated high-impact service provider's.")
    designated_for_improvement: bool = False
    customers_description: str = ""
    estimated_annual_customers: Count | None = None
    segments: list[Id] = Field(default_factory=list, description=SEGMENTS_DESCRIPTION)


class ServicePatchIn(_In):
    """The fields to change; those left out keep their values."""

    name: Patch[ServiceName] = None
    name_es: Patch[Annotated[str, Field(max_length=300)]] = None
    slug: Patch[Annotated[str, Field(max_length=80)]] = None
    description: Patch[str] = None
    description_es: Patch[str] = None
    kind: Patch[Annotated[str, Field(max_length=100)]] = None
    is_hisp: Patch[bool] = None
    designated_for_improvement: Patch[bool] = None
    customers_description: Patch[str] = None
    estimated_annual_customers: Count | None = None
    segments: Patch[list[Id]] = Field(None, description=SEGMENTS_DESCRIPTION)


class ChannelIn(_In):
    kind: ChannelKind
    name: ChannelName
    name_es: str = Field("", max_length=200)
    url: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    tty: str = Field("", max_length=40, description="TTY or relay number.")
    address: str = ""
    instructions: str = ""
    instructions_es: str = ""
    languages: list[LanguageCode] = Field(default_factory=list)
    always_open: bool = False
    closed_on_federal_holidays: bool = True
    annual_volume: Count | None = Field(None, description="Transactions a year.")
    annual_enquiries: Count | None = Field(None, description="Enquiries or visits a year.")
    cost_per_transaction: Money | None = Field(None, description="US dollars.")
    is_digital: Patch[bool] = Field(None, description="Left out: whether its kind is digital.")
    position: Patch[Count] = Field(None, description="Left out: after the other channels.")


class ChannelPatchIn(_In):
    """The fields to change; those left out keep their values."""

    kind: Patch[ChannelKind] = None
    name: Patch[ChannelName] = None
    name_es: Patch[Annotated[str, Field(max_length=200)]] = None
    url: Patch[Annotated[str, Field(max_length=200)]] = None
    phone: Patch[Annotated[str, Field(max_length=40)]] = None
    tty: Patch[Annotated[str, Field(max_length=40)]] = None
    address: Patch[str] = None
    instructions: Patch[str] = None
    instructions_es: Patch[str] = None
    languages: Patch[list[LanguageCode]] = None
    always_open: Patch[bool] = None
    closed_on_federal_holidays: Patch[bool] = None
    annual_volume: Count | None = None
    annual_enquiries: Count | None = None
    cost_per_transaction: Money | None = None
    is_digital: Patch[bool] = None
    position: Patch[Count] = None


class HoursIn(_In):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday.")
    opens: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])
    closes: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["17:00"])

    @field_validator("closes")
    @classmethod
    def closes_after_opens(cls, value: str, info: ValidationInfo) -> str:
        opens = info.data.get("opens")
        # Zero-padded HH:MM strings sort like the times they name.
        if opens is not None and value <= opens:
            raise ValueError("must be later than opens")
        return value
