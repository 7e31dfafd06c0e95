"""The service inventory: agencies, their services, journey stages and channels.

Reads are public and show published services only. A member of the agency, signed in with a
token or the session, sees every status and the staff-only fields. Writes are for the agency's
administrators and service managers, through the registry services, so each is audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, time
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import AuthenticationError, ValidationError
from ninja.pagination import paginate

from cxgov.api.auth import TokenAuth, VerifiedSessionAuth
from cxgov.api.pagination import BoundedPagination
from cxgov.api.schemas import (
    AgencyOut,
    ChannelIn,
    ChannelPatchIn,
    ChannelStaffOut,
    ErrorOut,
    HoursIn,
    ServiceIn,
    ServiceOut,
    ServicePatchIn,
    ServiceStaffOut,
    ServiceSummaryOut,
    ValidationErrorOut,
)
from cxgov.core.models import User
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency
from cxgov.registry import services as registry
from cxgov.registry.models import Agency, Channel, CustomerSegment, Service
from cxgov.registry.selectors import (
    access_channel,
    access_service,
    agencies_public,
    agency_public,
    channel_detail,
    channel_open_status,
    segments_by_id,
    service_detail,
    service_public_by_id,
    services_for_agency,
    services_published,
)

router = Router(tags=["service inventory"])

ANONYMOUS = AnonymousUser()
PAGE_LIMIT = 200

# What each error answer means, for the OpenAPI document.
REFUSED_CREDENTIALS = "A token was sent and is not valid. The public needs none."
NO_CREDENTIALS = "No valid token and no signed-in session."
NOT_AN_EDITOR = (
    "Not found, or of an agency where you are neither an agency administrator nor a service "
    "manager: the two look the same."
)
INVALID = "A field is not valid; each entry of `errors` names it at the end of `loc`."


def _described(errors: dict[int, str], *, public: bool = False) -> dict[str, Any]:
    """openapi_extra: the meaning of each error answer; for public reads, that none is needed."""
    extra: dict[str, Any] = {
        "responses": {code: {"description": text} for code, text in errors.items()}
    }
    if public:
        # ninja lists the token and the session; the empty requirement makes both optional.
        extra["security"] = [{}]
    return extra


def _anonymous(request: HttpRequest) -> AnonymousUser:
    """Let a caller without credentials in; one whose token failed is refused (401)."""
    # Reached only when neither the token nor the session authenticated the request.
    if request.headers.get("Authorization"):
        raise AuthenticationError
    return ANONYMOUS


# Token, else session, else anonymous: the public reads, which show more to an agency's members.
public_auth = [TokenAuth(), VerifiedSessionAuth(), _anonymous]


def _viewer(request: HttpRequest) -> User | None:
    """The signed-in caller, or None for the public."""
    auth = request.auth  # type: ignore[attr-defined]
    return auth if isinstance(auth, User) else None


def _staff(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - the API's staff auth guarantees it
    return user


def _member_agency(user: User | None, slug: str) -> Agency | None:
    """The agency if the caller holds any role in it, else None: the public view applies."""
    if user is None:
        return None
    try:
        return access_agency(user=user, agency_slug=slug)
    except Http404:
        return None


def _member_service(user: User | None, service_id: int) -> Service | None:
    """The service if the caller holds any role in its agency, else None."""
    if user is None:
        return None
    try:
        return access_service(user=user, agency_slug=None, service_id=service_id)
    except Http404:
        return None


M = TypeVar("M", bound=Model)


class _Shaped(Generic[M]):
    """A queryset the paginator can count and slice, shaping only the rows of the page."""

    def __init__(self, queryset: QuerySet[M], shape: Callable[[M], dict[str, Any]]) -> None:
        self._queryset = queryset
        self._shape = shape

    def __len__(self) -> int:
        return self._queryset.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self._shape(row) for row in self._queryset[page]]


@contextmanager
def _model_errors() -> Iterator[None]:
    """Answer a model's validation error (from full_clean) as 422 naming the field."""
    try:
        yield
    except ModelValidationError as exc:
        raise ValidationError(_errors_of(exc)) from exc


def _errors_of(exc: ModelValidationError) -> list[dict[str, Any]]:
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    errors = []
    for field, field_errors in by_field.items():
        for error in field_errors:
            name = field
            unique_check = (error.params or {}).get("unique_check")
            if name == NON_FIELD_ERRORS and unique_check:
                # A unique constraint such as (agency, slug): the agency comes from the URL,
                # so the field the caller chose is the last one.
                name = unique_check[-1]
            loc = ["body", "payload"] if name == NON_FIELD_ERRORS else ["body", "payload", name]
            errors.append({"type": error.code or "invalid", "loc": loc, "msg": error.messages[0]})
    return errors


def _segments(agency: Agency, ids: Iterable[int]) -> list[CustomerSegment]:
    wanted = set(ids)
    segments = segments_by_id(agency=agency, ids=wanted)
    unknown = sorted(wanted - {segment.pk for segment in segments})
    if unknown:
        listed = ", ".join(str(pk) for pk in unknown)
        raise ValidationError(
            [
                {
                    "type": "unknown_segment",
                    "loc": ["body", "payload", "segments"],
                    "msg": f"The agency has no customer segment with id {listed}.",
                }
            ]
        )
    return segments


# --- shaping -------------------------------------------------------------------------------


def _hh_mm(value: time) -> str:
    return value.strftime("%H:%M")


def _agency_out(agency: Agency) -> dict[str, Any]:
    return {
        "slug": agency.slug,
        "name": agency.name,
        "name_es": agency.name_es,
        "abbreviation": agency.abbreviation,
        "website": agency.website,
        "mission": agency.mission,
        "mission_es": agency.mission_es,
        "time_zone": agency.time_zone,
        "parent": agency.parent.slug if agency.parent else None,
        "published_services": agency.published_services,  # type: ignore[attr-defined]
    }


def _channel_out(channel: Channel, *, staff: bool, at: datetime) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "id": channel.pk,
        "kind": channel.kind,
        "name": channel.name,
        "name_es": channel.name_es,
        "url": channel.url,
        "phone": channel.phone,
        "tty": channel.tty,
        "address": channel.address,
        "instructions": channel.instructions,
        "instructions_es": channel.instructions_es,
        "languages": channel.languages,
        "always_open": channel.always_open,
        "closed_on_federal_holidays": channel.closed_on_federal_holidays,
        "is_digital": channel.is_digital,
        "position": channel.position,
        "hours": [
            {"weekday": h.weekday, "opens": _hh_mm(h.opens), "closes": _hh_mm(h.closes)}
            for h in channel.hours.all()
        ],
        "closures": [{"date": c.date, "name": c.name} for c in channel.closures.all()],
        "open_now": asdict(channel_open_status(channel=channel, at=at)),
    }
    if staff:
        shaped |= {
            "annual_volume": channel.annual_volume,
            "annual_enquiries": channel.annual_enquiries,
            "cost_per_transaction": channel.cost_per_transaction,
            "source_id": channel.source_id,
        }
    return shaped


def _service_summary(service: Service, *, staff: bool) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "view": "staff" if staff else "public",
        "id": service.pk,
        "agency": service.agency.slug,
        "slug": service.slug,
        "name": service.name,
        "name_es": service.name_es,
        "description": service.description,
        "description_es": service.description_es,
        "kind": service.kind,
        "is_hisp": service.is_hisp,
        "customers_description": service.customers_description,
    }
    if staff:
        shaped |= {
            "status": service.status,
            "designated_for_improvement": service.designated_for_improvement,
            "estimated_annual_customers": service.estimated_annual_customers,
            "segments": [
                {"id": s.pk, "name": s.name, "name_es": s.name_es} for s in service.segments.all()
            ],
            "details": service.details,
            "source": service.source,
            "source_id": service.source_id,
            "updated_at": service.updated_at,
        }
    return shaped


def _staff_service_summary(service: Service) -> dict[str, Any]:
    channel_count = service.channel_count  # type: ignore[attr-defined]
    return {**_service_summary(service, staff=True), "channel_count": channel_count}


def _service_out(service: Service, *, staff: bool) -> dict[str, Any]:
    at = timezone.now()
    return {
        **_service_summary(service, staff=staff),
        "stages": [
            {
                "id": stage.pk,
                "name": stage.name,
                "name_es": stage.name_es,
                "description": stage.description,
                "position": stage.position,
            }
            for stage in service.stages.all()
        ],
        "channels": [
            _channel_out(channel, staff=staff, at=at) for channel in service.channels.all()
        ],
    }


def _staff_service_out(service: Service) -> dict[str, Any]:
    return _service_out(service_detail(service=service), staff=True)


def _staff_channel_out(channel: Channel) -> dict[str, Any]:
    return _channel_out(channel_detail(channel=channel), staff=True, at=timezone.now())


# --- public reads, fuller for the agency's members -----------------------------------------


@router.get(
    "/agencies",
    auth=public_auth,
    response={200: list[AgencyOut], 401: ErrorOut},
    openapi_extra=_described({401: REFUSED_CREDENTIALS}, public=True),
    summary="Agencies, by name, with how many published services each has",
)
@paginate(BoundedPagination, max_limit=PAGE_LIMIT)
def agency_list(request: HttpRequest) -> _Shaped[Agency]:
    return _Shaped(agencies_public(), _agency_out)


@router.get(
    "/agencies/{slug}/services",
    auth=public_auth,
    response={200: list[ServiceSummaryOut], 401: ErrorOut, 404: ErrorOut},
    openapi_extra=_described(
        {401: REFUSED_CREDENTIALS, 404: "No agency has this slug."}, public=True
    ),
    summary="The agency's services, by name: published ones, or all of them for its members",
    description=(
        "The public sees published services (`view` is `public`). A member of the agency, with "
        "any role, sees every status and the staff fields (`view` is `staff`)."
    ),
)
@paginate(BoundedPagination, max_limit=PAGE_LIMIT)
def agency_service_list(request: HttpRequest, slug: str) -> _Shaped[Service]:
    agency = _member_agency(_viewer(request), slug)
    if agency is not None:
        return _Shaped(services_for_agency(agency=agency), _staff_service_summary)
    published = services_published(agency=agency_public(slug=slug)).select_related("agency")
    return _Shaped(published, lambda service: _service_summary(service, staff=False))


@router.get(
    "/services/{service_id}",
    auth=public_auth,
    response={200: ServiceOut, 401: ErrorOut, 404: ErrorOut},
    openapi_extra=_described(
        {
            401: REFUSED_CREDENTIALS,
            404: "No such service, or a draft or archived one of an agency you have no role in.",
        },
        public=True,
    ),
    summary="A service with its journey stages and channels, hours and whether each is open now",
    description=(
        "The public sees a published service (`view` is `public`); a draft or archived one is "
        "404. A member of the service's agency, with any role, sees it in any status, with the "
        "staff fields and each channel's volumes and cost (`view` is `staff`)."
    ),
)
def service_get(request: HttpRequest, service_id: int) -> dict[str, Any]:
    service = _member_service(_viewer(request), service_id)
    if service is not None:
        return _staff_service_out(service)
    return _service_out(service_public_by_id(service_id=service_id), staff=False)


# --- writes: agency administrators and service managers ------------------------------------

WRITE_RESPONSES: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_DOCS = _described({401: NO_CREDENTIALS, 404: NOT_AN_EDITOR, 422: INVALID})
STATUS_RESPONSES: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
STATUS_DOCS = _described({401: NO_CREDENTIALS, 404: NOT_AN_EDITOR})


@router.post(
    "/agencies/{slug}/services",
    response={201: ServiceStaffOut, **WRITE_RESPONSES},
    openapi_extra=WRITE_DOCS,
    summary="Add a service to the agency, as a draft with start, process and end stages",
)
def service_add(request: HttpRequest, slug: str, payload: ServiceIn) -> tuple[int, dict]:
    user = _staff(request)
    agency = access_agency(user=user, agency_slug=slug, need=Can.EDIT_SERVICES)
    fields = payload.model_dump()
    segments = _segments(agency, fields.pop("segments"))
    with _model_errors():
        service = registry.service_create(actor=user, agency=agency, segments=segments, **fields)
    return 201, _staff_service_out(service)


@router.patch(
    "/services/{service_id}",
    response={200: ServiceStaffOut, **WRITE_RESPONSES},
    openapi_extra=WRITE_DOCS,
    summary="Change a service's fields; those left out keep their values",
)
def service_change(request: HttpRequest, service_id: int, payload: ServicePatchIn) -> dict:
    user = _staff(request)
    service = access_service(
        user=user, agency_slug=None, service_id=service_id, need=Can.EDIT_SERVICES
    )
    fields = payload.model_dump(exclude_unset=True)
    segments = _segments(service.agency, fields.pop("segments")) if "segments" in fields else None
    with _model_errors():
        registry.service_update(actor=user, service=service, segments=segments, **fields)
    return _staff_service_out(service)


@router.post(
    "/services/{service_id}/publish",
    response={200: ServiceStaffOut, **STATUS_RESPONSES},
    openapi_extra=STATUS_DOCS,
    summary="Publish a service: show it to the public",
)
def service_publish(request: HttpRequest, service_id: int) -> dict:
    user = _staff(request)
    service = access_service(
        user=user, agency_slug=None, service_id=service_id, need=Can.EDIT_SERVICES
    )
    return _staff_service_out(registry.service_publish(actor=user, service=service))


@router.post(
    "/services/{service_id}/archive",
    response={200: ServiceStaffOut, **STATUS_RESPONSES},
    openapi_extra=STATUS_DOCS,
    summary="Archive a service: take it off the public site, keeping its history",
)
def service_archive(request: HttpRequest, service_id: int) -> dict:
    user = _staff(request)
    service = access_service(
        user=user, agency_slug=None, service_id=service_id, need=Can.EDIT_SERVICES
    )
    return _staff_service_out(registry.service_archive(actor=user, service=service))


@router.post(
    "/services/{service_id}/channels",
    response={201: ChannelStaffOut, **WRITE_RESPONSES},
    openapi_extra=WRITE_DOCS,
    summary="Add a channel (a way to get the service) after the service's other channels",
)
def channel_add(request: HttpRequest, service_id: int, payload: ChannelIn) -> tuple[int, dict]:
    user = _staff(request)
    service = access_service(
        user=user, agency_slug=None, service_id=service_id, need=Can.EDIT_SERVICES
    )
    # Left-out optional fields take the service's defaults (is_digital from the kind).
    fields = payload.model_dump(exclude_none=True)
    with _model_errors():
        channel = registry.channel_create(actor=user, service=service, **fields)
    return 201, _staff_channel_out(channel)


@router.patch(
    "/channels/{channel_id}",
    response={200: ChannelStaffOut, **WRITE_RESPONSES},
    openapi_extra=WRITE_DOCS,
    summary="Change a channel's fields; those left out keep their values",
)
def channel_change(request: HttpRequest, channel_id: int, payload: ChannelPatchIn) -> dict:
    user = _staff(request)
    channel = access_channel(
        user=user, agency_slug=None, channel_id=channel_id, need=Can.EDIT_SERVICES
    )
    fields = payload.model_dump(exclude_unset=True)
    with _model_errors():
        registry.channel_update(actor=user, channel=channel, **fields)
    return _staff_channel_out(channel)


@router.put(
    "/channels/{channel_id}/hours",
    response={200: ChannelStaffOut, **WRITE_RESPONSES},
    openapi_extra=WRITE_DOCS,
    summary="Replace a channel's weekly opening hours",
    description=(
        "One entry per opening interval, in the agency's local time; a day may have several "
        "(09:00 to 12:00 and 13:00 to 17:00) or none (closed). An empty list removes all hours."
    ),
)
def channel_hours_replace(
    request: HttpRequest, channel_id: int, payload: list[HoursIn]
) -> dict[str, Any]:
    user = _staff(request)
    channel = access_channel(
        user=user, agency_slug=None, channel_id=channel_id, need=Can.EDIT_SERVICES
    )
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in payload:
        weekly[row.weekday].append((time.fromisoformat(row.opens), time.fromisoformat(row.closes)))
    with _model_errors():
        registry.channel_hours_set(actor=user, channel=channel, weekly_hours=weekly)
    return _staff_channel_out(channel)
