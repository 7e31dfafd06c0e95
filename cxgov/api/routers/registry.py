"""The service inventory: agencies, their services, journey stages and channels.

Reads are public and show published services only. A member of the agency, signed in with a
token or the session, sees every status and the staff-only fields. Writes are for the agency's
administrators and service managers, through the registry services, so each is audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import time
from typing import Any, TypeVar

from django.db.models import Model
from django.http import Http404, HttpRequest
from ninja.pagination import paginate

from cxgov.api.common import (
    AreaRouter,
    CursorPagination,
    Shaped,
    field_error,
    staff_user,
    viewer,
)
from cxgov.api.schemas.registry import (
    AgencyOut,
    ChannelIn,
    ChannelOut,
    ChannelPatchIn,
    ChannelStaffOut,
    HoursIn,
    ServiceIn,
    ServiceOut,
    ServicePatchIn,
    ServicePublicOut,
    ServiceStaffOut,
    ServiceSummaryOut,
    ServiceSummaryPublicOut,
    ServiceSummaryStaffOut,
)
from cxgov.core.models import Agency, TokenArea, User
from cxgov.core.permissions import Can
from cxgov.core.selectors import AgencyObjectAccess, access_agency
from cxgov.registry import services as registry
from cxgov.registry.models import Channel, CustomerSegment, Service
from cxgov.registry.selectors import (
    access_channel,
    access_service,
    agencies_public,
    agency_public,
    channel_detail,
    channels_for_service,
    segments_by_id,
    service_detail,
    service_public_by_id,
    services_for_agency,
    services_published,
)

M = TypeVar("M", bound=Model)

router = AreaRouter(area=TokenArea.REGISTRY, tags=["service inventory"])

# What each error answer means, for the OpenAPI document.
REFUSED_CREDENTIALS = "A token was sent and is not valid. The public needs none."
NO_CREDENTIALS = "No valid token and no signed-in session."
NOT_AN_EDITOR = (
    "Not found, or of an agency where you are neither an agency administrator nor a service "
    "manager: the two look the same."
)
INVALID = "A field is not valid; each entry of `errors` names it at the end of `loc`."


def _described(errors: dict[int, str]) -> dict[str, Any]:
    """openapi_extra: the meaning of each error answer."""
    return {"responses": {str(code): {"description": text} for code, text in errors.items()}}


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


def _segments(agency: Agency, ids: Iterable[int]) -> list[CustomerSegment]:
    wanted = set(ids)
    segments = segments_by_id(agency=agency, ids=wanted)
    unknown = sorted(wanted - {segment.pk for segment in segments})
    if unknown:
        listed = ", ".join(str(pk) for pk in unknown)
        raise field_error(
            "segments",
            f"The agency has no customer segment with id {listed}.",
            type="unknown_segment",
        )
    return segments


def _to_edit(request: HttpRequest, access: AgencyObjectAccess[M], object_id: int) -> tuple[User, M]:
    """The signed-in staff user and the object, if they may edit services there (else 404)."""
    user = staff_user(request)
    found = access(
        user=user, agency_slug=None, need=Can.EDIT_SERVICES, **{access.id_name: object_id}
    )
    return user, found


def _staff_service_out(service: Service) -> ServiceStaffOut:
    return ServiceStaffOut.from_orm(service_detail(service=service))


def _staff_channel_out(channel: Channel) -> ChannelStaffOut:
    return ChannelStaffOut.from_orm(channel_detail(channel=channel))


# --- public reads, fuller for the agency's members -----------------------------------------


@router.public_get(
    "/agencies",
    response=list[AgencyOut],
    openapi_extra=_described({401: REFUSED_CREDENTIALS}),
    summary="Agencies, by name, with how many published services each has",
)
@paginate(CursorPagination, order=("name", "id"))
def agency_list(request: HttpRequest) -> Shaped[Agency]:
    return Shaped(agencies_public(), AgencyOut.from_orm)


@router.public_get(
    "/agencies/{slug}/services",
    response=list[ServiceSummaryOut],
    openapi_extra=_described({401: REFUSED_CREDENTIALS, 404: "No agency has this slug."}),
    summary="The agency's services, by name: published ones, or all of them for its members",
    description=(
        "The public sees published services (`view` is `public`). A member of the agency, with "
        "any role, sees every status and the staff fields (`view` is `staff`)."
    ),
)
@paginate(CursorPagination, order=("name", "id"))
def agency_service_list(request: HttpRequest, slug: str) -> Shaped[Service]:
    agency = _member_agency(viewer(request), slug)
    if agency is not None:
        return Shaped(services_for_agency(agency=agency), ServiceSummaryStaffOut.from_orm)
    published = services_published(agency=agency_public(slug=slug)).select_related("agency")
    return Shaped(published, ServiceSummaryPublicOut.from_orm)


# A public read of one service, or of its parts.
SERVICE_READ_DOCS = _described(
    {
        401: REFUSED_CREDENTIALS,
        404: "No such service, or a draft or archived one of an agency you have no role in.",
    }
)


@router.public_get(
    "/services/{service_id}",
    response=ServiceOut,
    openapi_extra=SERVICE_READ_DOCS,
    summary="A service with its journey stages and channels, hours and whether each is open now",
    description=(
        "The public sees a published service (`view` is `public`); a draft or archived one is "
        "404. A member of the service's agency, with any role, sees it in any status, with the "
        "staff fields and each channel's volumes and cost (`view` is `staff`)."
    ),
)
def service_get(request: HttpRequest, service_id: int) -> ServiceStaffOut | ServicePublicOut:
    service = _member_service(viewer(request), service_id)
    if service is not None:
        return _staff_service_out(service)
    return ServicePublicOut.from_orm(service_public_by_id(service_id=service_id))


@router.public_get(
    "/services/{service_id}/channels",
    response=list[ChannelOut],
    openapi_extra=SERVICE_READ_DOCS,
    summary="A service's channels, in their order, with hours and whether each is open now",
    description=(
        "The public reads the channels of a published service; a member of the service's "
        "agency reads them in any status. Volumes and cost are on `GET /services/{service_id}`."
    ),
)
@paginate(CursorPagination, order=("position", "id"))
def service_channel_list(request: HttpRequest, service_id: int) -> Shaped[Channel]:
    service = _member_service(viewer(request), service_id) or service_public_by_id(
        service_id=service_id
    )
    return Shaped(channels_for_service(service=service), ChannelOut.from_orm)


# --- writes: agency administrators and service managers ------------------------------------

WRITE_DOCS = _described({401: NO_CREDENTIALS, 404: NOT_AN_EDITOR, 422: INVALID})
STATUS_DOCS = _described({401: NO_CREDENTIALS, 404: NOT_AN_EDITOR})


@router.post(
    "/agencies/{slug}/services",
    response={201: ServiceStaffOut},
    openapi_extra=WRITE_DOCS,
    summary="Add a service to the agency, as a draft with start, process and end stages",
)
def service_add(request: HttpRequest, slug: str, payload: ServiceIn) -> tuple[int, ServiceStaffOut]:
    user = staff_user(request)
    agency = access_agency(user=user, agency_slug=slug, need=Can.EDIT_SERVICES)
    fields = payload.model_dump()
    segments = _segments(agency, fields.pop("segments"))
    service = registry.service_create(actor=user, agency=agency, segments=segments, **fields)
    return 201, _staff_service_out(service)


@router.patch(
    "/services/{service_id}",
    response=ServiceStaffOut,
    openapi_extra=WRITE_DOCS,
    summary="Change a service's fields; those left out keep their values",
)
def service_change(
    request: HttpRequest, service_id: int, payload: ServicePatchIn
) -> ServiceStaffOut:
    user, service = _to_edit(request, access_service, service_id)
    fields = payload.model_dump(exclude_unset=True)
    segments = _segments(service.agency, fields.pop("segments")) if "segments" in fields else None
    registry.service_update(actor=user, service=service, segments=segments, **fields)
    return _staff_service_out(service)


@router.post(
    "/services/{service_id}/publish",
    response=ServiceStaffOut,
    openapi_extra=STATUS_DOCS,
    summary="Publish a service: show it to the public",
)
def service_publish(request: HttpRequest, service_id: int) -> ServiceStaffOut:
    user, service = _to_edit(request, access_service, service_id)
    return _staff_service_out(registry.service_publish(actor=user, service=service))


@router.post(
    "/services/{service_id}/archive",
    response=ServiceStaffOut,
    openapi_extra=STATUS_DOCS,
    summary="Archive a service: take it off the public site, keeping its history",
)
def service_archive(request: HttpRequest, service_id: int) -> ServiceStaffOut:
    user, service = _to_edit(request, access_service, service_id)
    return _staff_service_out(registry.service_archive(actor=user, service=service))


@router.post(
    "/services/{service_id}/channels",
    response={201: ChannelStaffOut},
    openapi_extra=WRITE_DOCS,
    summary="Add a channel (a way to get the service) after the service's other channels",
)
def channel_add(
    request: HttpRequest, service_id: int, payload: ChannelIn
) -> tuple[int, ChannelStaffOut]:
    user, service = _to_edit(request, access_service, service_id)
    # Left-out optional fields take the service's defaults (is_digital from the kind).
    fields = payload.model_dump(exclude_none=True)
    channel = registry.channel_create(actor=user, service=service, **fields)
    return 201, _staff_channel_out(channel)


@router.patch(
    "/channels/{channel_id}",
    response=ChannelStaffOut,
    openapi_extra=WRITE_DOCS,
    summary="Change a channel's fields; those left out keep their values",
)
def channel_change(
    request: HttpRequest, channel_id: int, payload: ChannelPatchIn
) -> ChannelStaffOut:
    user, channel = _to_edit(request, access_channel, channel_id)
    fields = payload.model_dump(exclude_unset=True)
    registry.channel_update(actor=user, channel=channel, **fields)
    return _staff_channel_out(channel)


@router.put(
    "/channels/{channel_id}/hours",
    response=ChannelStaffOut,
    openapi_extra=WRITE_DOCS,
    summary="Replace a channel's weekly opening hours",
    description=(
        "One entry per opening interval, in the agency's local time; a day may have several "
        "(09:00 to 12:00 and 13:00 to 17:00) or none (closed). An empty list removes all hours."
    ),
)
def channel_hours_replace(
    request: HttpRequest, channel_id: int, payload: list[HoursIn]
) -> ChannelStaffOut:
    user, channel = _to_edit(request, access_channel, channel_id)
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in payload:
        weekly[row.weekday].append((time.fromisoformat(row.opens), time.fromisoformat(row.closes)))
    registry.channel_hours_set(actor=user, channel=channel, weekly_hours=weekly)
    return _staff_channel_out(channel)
