"""Open311 GeoReport v2 at /open311/v2/: discovery, services, definitions, requests, tokens.

One endpoint serves every agency: `jurisdiction_id` is the agency's slug (optional when the
site has a single agency). A service is a complaint category; its definition's attributes
are the category's extra fields. XML (required by the spec) and JSON (bare arrays), UTF-8,
timezone-aware datetimes, and the spec's error bodies with 400, 403 and 404.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from cxgov.core.models import Agency
from cxgov.core.permissions import Can, user_can
from cxgov.core.ratelimit import RateLimited, address_rate_check
from cxgov.core.selectors import token_authenticate

from . import services
from .models import OPEN_STATUSES, Category, Channel, Complaint, Status
from .selectors import complaint_settings_for, narrative_published

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-24T00:00:00Z"
DEFAULT_WINDOW_DAYS = 90
MAX_REQUESTS = 1000
MAX_DESCRIPTION = 4000
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
# Element names of list items in XML, by list name (the Spark convention's reverse).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """An error the spec answers with an `errors` body and this HTTP status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- rendering -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _datetime(value)
    return "" if value is None else str(value)


def _datetime(value: datetime) -> str:
    return value.astimezone(timezone.get_current_timezone()).isoformat(timespec="seconds")


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):
        item_name = ITEMS.get(name, "item")
        for item in value:
            _append(element, item_name, item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    else:
        element.text = _text(value)


def _render(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(
            _jsonable(value),
            safe=False,
            status=status,
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
    element = ET.Element(root)
    if isinstance(value, list):
        for item in value:
            _append(element, ITEMS.get(root, "item"), item)
    else:
        for key, inner in value.items():
            _append(element, key, inner)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(inner) for key, inner in value.items()}
    if isinstance(value, datetime):
        return _datetime(value)
    return value


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    return _render(
        fmt if fmt in ("xml", "json") else "xml",
        "errors",
        [{"code": error.status, "description": error.description}],
        status=error.status,
    )


def _endpoint(view):  # type: ignore[no-untyped-def]
    """Wrap a view: check the format, turn Open311Error into the spec's error body."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in ("xml", "json"):
            return _error("xml", Open311Error(400, "Format must be xml or json."))
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return _error(fmt, error)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


# --- lookups -------------------------------------------------------------------------------


def _param(request: HttpRequest, name: str) -> str:
    # The spec: an empty optional parameter is the same as an absent one.
    source = request.POST if request.method == "POST" else request.GET
    value = (source.get(name) or "").strip()
    # A NUL byte can never match a stored value, and PostgreSQL refuses it in a query.
    if "\x00" in value:
        raise Open311Error(400, f"{name} contains a NUL character.")
    return value


def _jurisdiction(request: HttpRequest) -> Agency:
    slug = _param(request, "jurisdiction_id")
    if not slug:
        agencies = list(Agency.objects.all()[:2])
        if len(agencies) == 1:
            return agencies[0]
        raise Open311Error(400, "jurisdiction_id was not provided.")
    agency = Agency.objects.filter(slug=slug[:60]).first()
    if agency is None:
        raise Open311Error(404, "jurisdiction_id not found.")
    return agency


def _category(agency: Agency, code: str) -> Category:
    if not code:
        raise Open311Error(400, "service_code was not provided.")
    category = (
        Category.objects.filter(agency=agency, pk=int(code), is_active=True)
        .select_related("parent")
        .first()
        if code.isascii() and code.isdigit() and len(code) < 12
        else None
    )
    if category is None:
        raise Open311Error(404, "service_code not found.")
    return category


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": category.name,
        "metadata": bool(category.extra_fields),
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent else "",
    }


def _attributes(category: Category) -> list[dict[str, Any]]:
    attributes = []
    for position, field in enumerate(category.extra_fields or [], start=1):
        attribute: dict[str, Any] = {
            "variable": bool(field.get("variable", True)),
            "code": str(field.get("code", "")),
            "datatype": field.get("datatype", "string")
            if field.get("datatype") in DATATYPES
            else "string",
            "required": bool(field.get("required", False)),
            "datatype_description": str(field.get("datatype_description", "")),
            "order": int(field.get("order", position)),
            "description": str(field.get("description", "")),
        }
        if attribute["datatype"] in ("singlevaluelist", "multivaluelist"):
            attribute["values"] = [
                {"key": str(value.get("key", "")), "name": str(value.get("name", ""))}
                for value in field.get("values", [])
            ]
        attributes.append(attribute)
    return attributes


def _posted_attributes(request: HttpRequest, category: Category) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for attribute in _attributes(category):
        code = attribute["code"]
        if attribute["datatype"] == "multivaluelist":
            value: Any = [v for v in request.POST.getlist(f"attribute[{code}][]") if v]
        else:
            value = (request.POST.get(f"attribute[{code}]") or "").strip()
        if not value:
            if attribute["required"]:
                raise Open311Error(400, f"attribute[{code}] is required.")
            continue
        keys = {item["key"] for item in attribute.get("values", [])}
        chosen = value if isinstance(value, list) else [value]
        if keys and any(item not in keys for item in chosen):
            raise Open311Error(400, f"attribute[{code}] is not one of the listed values.")
        if attribute["datatype"] == "number":
            try:
                float(value)
            except ValueError:
                raise Open311Error(400, f"attribute[{code}] must be a number.") from None
        if attribute["datatype"] == "datetime" and _aware(value) is None:
            raise Open311Error(400, f"attribute[{code}] must be a datetime with a timezone.")
        answers[code] = value[:4000] if isinstance(value, str) else value
    return answers


def _aware(raw: str) -> datetime | None:
    try:
        value = parse_datetime(raw.replace(" ", "+") if "T" in raw else raw)
    except ValueError:
        return None
    if value is None or value.tzinfo is None:
        return None
    return value


def _open311_status(complaint: Complaint) -> str:
    return "open" if complaint.status in (*OPEN_STATUSES, Status.RESPONDED) else "closed"


def _request(complaint: Complaint, narrative: str) -> dict[str, Any]:
    """One request as the public sees it: the narrative only as published (consent, the
    agency's response or its waiting period, scrubbed and approved by a reviewer)."""
    status = _open311_status(complaint)
    description = narrative[:MAX_DESCRIPTION]
    expected = (
        complaint.respond_due_at if complaint.responded_at is None else complaint.final_due_at
    )
    return {
        "service_request_id": str(complaint.pk),
        "status": status,
        "status_notes": complaint.get_status_display(),
        "service_name": complaint.category.name if complaint.category else "",
        "service_code": str(complaint.category_id or ""),
        "description": description,
        "agency_responsible": complaint.referred_to or complaint.agency.name,
        "service_notice": "",
        "requested_datetime": complaint.received_at,
        "updated_datetime": complaint.closed_at
        if status == "closed" and complaint.closed_at
        else complaint.updated_at,
        "expected_datetime": expected,
        "address": complaint.address_string,
        "address_id": "",
        "zipcode": "",
        # A number or null (the spec's schema): never "" for a request filed by address.
        "lat": complaint.latitude,
        "long": complaint.longitude,
        "media_url": complaint.media_url or None,
    }


# --- endpoints -----------------------------------------------------------------------------


@_endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service discovery: where the endpoint is and which formats it speaks.

    The URL is built from the host that answered, so a client reaching the site under any of
    its allowed names is sent back to that name.
    """
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    base = base.rsplit("/", 1)[0]
    return _render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": f"{settings.DEFAULT_FROM_EMAIL}",
            "key_service": "Agency staff who handle complaints create an API token on their "
            "account page; the token is the api_key.",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@_endpoint
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every active complaint category of the jurisdiction, as a service."""
    agency = _jurisdiction(request)
    categories = Category.objects.filter(agency=agency, is_active=True).select_related("parent")
    return _render(fmt, "services", [_service(category) for category in categories])


@_endpoint
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    """The extra questions of one category, as attributes."""
    category = _category(_jurisdiction(request), service_code)
    return _render(
        fmt,
        "service_definition",
        {"service_code": str(category.pk), "attributes": _attributes(category)},
    )


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    token = token_authenticate(raw=_param(request, "api_key"))
    agency = _jurisdiction(request)
    if token is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    code = _param(request, "service_code")
    if code and not user_can(user=token.user, agency=agency, need=Can.HANDLE_COMPLAINTS):
        # Like the API: a service the key's person may not file into answers as a missing one.
        raise Open311Error(404, "service_code not found.")
    if not token.can_write:
        raise Open311Error(403, "This api_key may only read: create_request needs a write token.")
    idempotency_key = request.headers.get("Idempotency-Key", "")
    if len(idempotency_key) > 200:
        raise Open311Error(400, "The Idempotency-Key header is longer than 200 characters.")
    category = _category(agency, code)
    lat, long = _param(request, "lat"), _param(request, "long")
    address = _param(request, "address_string") or _param(request, "address_id")
    latitude = longitude = None
    if lat or long:
        try:
            latitude, longitude = float(lat), float(long)
        except ValueError:
            raise Open311Error(400, "lat and long must both be numbers.") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise Open311Error(400, "lat and long are outside WGS84 ranges.")
    if latitude is None and not address:
        raise Open311Error(
            400, "A location is required: lat and long, address_string or address_id."
        )
    description = _param(request, "description")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, "description is longer than 4,000 characters.")
    attributes = _posted_attributes(request, category)
    name = " ".join(filter(None, [_param(request, "first_name"), _param(request, "last_name")]))
    media_url = _param(request, "media_url")
    if media_url and not media_url.startswith(("http://", "https://")):
        raise Open311Error(400, "media_url must be an http or https URL.")
    try:
        complaint = services.complaint_create(
            agency=agency,
            category=category,
            channel=Channel.OPEN311,
            actor=token.user,
            what_happened=description or category.name,
            contact_name=name,
            contact_email=_param(request, "email")[:254],
            contact_phone=_param(request, "phone")[:40],
            latitude=latitude,
            longitude=longitude,
            address_string=address[:300],
            attributes=attributes,
            media_url=media_url,
            source="open311",
            source_ref=_param(request, "device_id") or _param(request, "account_id"),
            idempotency_key=idempotency_key,
            idempotency_scope=f"open311:{token.user_id}",
        )
    except ValidationError as error:
        raise Open311Error(400, " ".join(error.messages)) from None
    return _render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": str(complaint.pk),
                "token": complaint.open311_token,
                "service_notice": _notice(request, complaint),
                "account_id": _param(request, "account_id") or None,
            }
        ],
    )


def _notice(request: HttpRequest, complaint: Complaint) -> str:
    """What the person needs to follow the complaint on the site: the tracking number and
    the public status page, on the host that answered."""
    status_page = request.build_absolute_uri(reverse("public:complaint_status"))
    return (
        f"Tracking number {complaint.tracking_number}. Check its status at {status_page} "
        "with this number and the email address given with the request."
    )


def _window(request: HttpRequest) -> tuple[datetime, datetime]:
    """start_date and end_date as the spec reads them: W3C datetimes with a timezone; either
    alone spans 90 days from it; neither is the last 90 days; a range longer is refused."""
    raw_start, raw_end = _param(request, "start_date"), _param(request, "end_date")
    start = _utc(raw_start, "start_date") if raw_start else None
    end = _utc(raw_end, "end_date") if raw_end else None
    window = timedelta(days=DEFAULT_WINDOW_DAYS)
    try:
        if start is None and end is None:
            end = timezone.now()
        if start is None and end is not None:
            start = end - window
        if end is None and start is not None:
            end = start + window
    except OverflowError:
        raise Open311Error(
            400, "start_date or end_date is too far from today to add 90 days to."
        ) from None
    if start is None or end is None:  # pragma: no cover - one of the branches above set both
        raise Open311Error(400, "start_date and end_date could not be read.")
    if end < start:
        raise Open311Error(400, "end_date is before start_date.")
    if end - start > window:
        raise Open311Error(400, "The date range may span at most 90 days.")
    return start, end


def _utc(raw: str, name: str) -> datetime:
    value = _aware(raw)
    if value is None:
        raise Open311Error(
            400, f"{name} must be a W3C datetime with a timezone, such as 2026-01-31T09:00:00Z."
        )
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise Open311Error(400, f"{name} is outside the years a datetime can hold.") from None


def _listed_param(request: HttpRequest, name: str) -> list[str]:
    """A parameter that may be given several times and comma delimited (service_code, status,
    service_request_id), as a list of its parts."""
    _param(request, name)  # the NUL check
    parts = []
    for raw in request.GET.getlist(name):
        parts += [part.strip() for part in raw.split(",") if part.strip()]
    if len(parts) > MAX_REQUESTS:
        raise Open311Error(400, f"{name} may list at most {MAX_REQUESTS} values.")
    return parts


def _ids(values: list[str], name: str) -> list[int]:
    bad = [
        value for value in values if not (value.isascii() and value.isdigit() and len(value) < 12)
    ]
    if bad:
        raise Open311Error(
            400, f"{name} must be a comma-separated list of numbers: {bad[0][:40]!r}."
        )
    return [int(value) for value in values]


def _listed(agency: Agency) -> QuerySet[Complaint]:
    return Complaint.objects.filter(agency=agency, category__isnull=False).select_related(
        "agency", "category"
    )


def _get_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    agency = _jurisdiction(request)
    complaints = _listed(agency)
    ids = _ids(_listed_param(request, "service_request_id"), "service_request_id")
    if ids:
        # The spec: service_request_id overrides every other argument.
        complaints = complaints.filter(pk__in=ids)
    else:
        start, end = _window(request)
        complaints = complaints.filter(received_at__gte=start, received_at__lte=end)
        codes = _ids(_listed_param(request, "service_code"), "service_code")
        if codes:
            known = set(
                Category.objects.filter(agency=agency, pk__in=codes).values_list("pk", flat=True)
            )
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise Open311Error(400, f"service_code {unknown[0]} is not a service here.")
            complaints = complaints.filter(category_id__in=codes)
        statuses = set(_listed_param(request, "status"))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both (comma-separated).")
        if statuses == {"open"}:
            complaints = complaints.filter(status__in=(*OPEN_STATUSES, Status.RESPONDED))
        elif statuses == {"closed"}:
            complaints = complaints.exclude(status__in=(*OPEN_STATUSES, Status.RESPONDED))
    rows = complaints.order_by("-received_at", "-id")[:MAX_REQUESTS]
    settings_, now = complaint_settings_for(agency=agency), timezone.now()
    return _render(
        fmt,
        "service_requests",
        [
            _request(
                complaint, narrative_published(complaint=complaint, settings=settings_, now=now)
            )
            for complaint in rows
        ],
    )


@_endpoint
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: requests of the last 90 days (or as filtered); POST: create one (api_key needed)."""
    if request.method == "POST":
        try:
            address_rate_check(request, scope="open311", limit=settings.PUBLIC_WRITES_PER_MINUTE)
        except RateLimited as limited:
            response = _error(fmt, Open311Error(429, "Too many requests: try again later."))
            response["Retry-After"] = str(limited.retry_after)
            return response
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(400, "Use GET or POST.")
    return _get_requests(request, fmt)


@_endpoint
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    """One request by its id."""
    agency = _jurisdiction(request)
    complaint = (
        _listed(agency).filter(pk=int(service_request_id)).first()
        if service_request_id.isascii()
        and service_request_id.isdigit()
        and len(service_request_id) < 12
        else None
    )
    if complaint is None:
        raise Open311Error(404, "service_request_id not found.")
    narrative = narrative_published(
        complaint=complaint, settings=complaint_settings_for(agency=agency), now=timezone.now()
    )
    return _render(fmt, "service_requests", [_request(complaint, narrative)])


@_endpoint
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """The request id a token stands for."""
    agency = _jurisdiction(request)
    complaint = (
        Complaint.objects.filter(agency=agency, open311_token=token[:40]).first() if token else None
    )
    if complaint is None:
        raise Open311Error(404, "token not found.")
    return _render(
        fmt,
        "service_requests",
        [{"service_request_id": str(complaint.pk), "token": complaint.open311_token}],
    )
