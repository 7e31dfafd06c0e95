"""SCIM 2.0 at /scim/v2/: an agency's identity provider creates, changes and deactivates its
staff and their roles (docs/scim.md, docs/decisions/0030).

Thin endpoints: `core.scim` reads bodies and filters and shapes resources, `core.selectors`
finds the people the token's agency sees, `core.services.scim_*` write through the member
services. Only a SCIM token authenticates here (`Authorization: Bearer`, no session, so no
CSRF), and it reaches the members of its one agency: anyone else answers 404. Every error
answers in SCIM's error body, `application/scim+json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer

from cxgov.api.common import CallerThrottle, ErrorBodyAPI, View, utc_iso
from cxgov.core import scim
from cxgov.core.models import ApiToken, Role, User
from cxgov.core.scim import ScimError
from cxgov.core.selectors import access_scim_user, scim_role_members, scim_users, token_authenticate
from cxgov.core.services import (
    scim_role_members_change,
    scim_user_create,
    scim_user_delete,
    scim_user_update,
    token_touch,
)

MAX_BODY = 1_000_000  # bytes; a provider's request is a few kilobytes


def scim_json(request: HttpRequest, data: Any, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=_Encoder), status=status, content_type=scim.CONTENT_TYPE
    )
    if status == 201 and isinstance(data, dict) and "meta" in data:
        response["Location"] = data["meta"]["location"]
    return response


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        return utc_iso(o) if hasattr(o, "astimezone") else super().default(o)


def _error(request: HttpRequest, exc: ScimError) -> HttpResponse:
    return scim_json(request, exc.body(), status=exc.status)


class ScimTokenAuth(HttpBearer):
    """A live SCIM token whose owner still administers its agency; the owner is the actor of
    every write, and the token's agency the only one reached."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = token_authenticate(raw=token, scim=True)
        if api_token is None:
            return None
        token_touch(token=api_token)
        request.scim_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class ScimAPI(ErrorBodyAPI):
    """An API whose refused methods (405) answer in SCIM's error body too."""

    def method_refused(self, request: HttpRequest, allowed: str) -> HttpResponseBase:
        refused = _error(request, ScimError(405, f"This path does not answer {request.method}."))
        refused["Allow"] = allowed
        return refused

    def root_view(self) -> View:
        # ninja's root view raises the site's HTML 404; answer SCIM's instead.
        return unknown_path


api = ScimAPI(
    title="cxgov SCIM 2.0",
    version="2",
    urls_namespace="scim",
    auth=ScimTokenAuth(),
    throttle=[CallerThrottle()],
    docs_url=None,
    openapi_url=None,
)


@api.exception_handler(ScimError)
def _scim_error(request: HttpRequest, exc: ScimError) -> HttpResponse:
    return _error(request, exc)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, ScimError(404, "Resource not found."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request,
        ScimError(401, "Send a valid SCIM token of the agency as 'Authorization: Bearer …'."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _error(request, ScimError(429, f"Too many requests: try again in {exc.wait} seconds."))


@api.exception_handler(ValidationError)
def _invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, scim.invalid("A parameter of the request is not valid."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, ScimError(exc.status_code, str(exc)))


@api.exception_handler(ModelValidationError)
def _refused(request: HttpRequest, exc: ModelValidationError) -> HttpResponse:
    """A service's refusal: a duplicate is 409 uniqueness, the rest 400 naming why."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {"": exc.error_list}
    codes = {error.code for field_errors in errors.values() for error in field_errors}
    messages = [
        f"{field}: {message}" if field and field != "__all__" else str(message)
        for field, field_errors in errors.items()
        for error in field_errors
        for message in error.messages
    ]
    detail = " ".join(messages)[:1000] or "The request was refused."
    if "unique" in codes:
        return _error(request, ScimError(409, detail, "uniqueness"))
    if "mutability" in codes:
        return _error(request, ScimError(400, detail, "mutability"))
    return _error(request, scim.invalid(detail))


# --- helpers -----------------------------------------------------------------------------------


def _token(request: HttpRequest) -> ApiToken:
    return request.scim_token  # type: ignore[attr-defined]


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2").rstrip("/")


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise ScimError(413, "The request body is too large.", "tooMany")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from None
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return body


def _members(request: HttpRequest, ids: list[str]) -> list[User]:
    """The users named as group members; one the agency does not see is a bad value (400)."""
    agency = _agency(request)
    people = []
    for user_id in ids:
        try:
            people.append(access_scim_user(agency=agency, user_id=user_id))
        except Http404:
            raise scim.invalid("A member named is not a user of this agency.") from None
    return people


def _role(role_id: str) -> str:
    if role_id not in Role.values:
        raise Http404
    return role_id


def _user_answer(request: HttpRequest, user: User, *, status: int = 200) -> HttpResponse:
    resource = scim.user_resource(agency=_agency(request), user=user, base=_base(request))
    return scim_json(request, resource, status=status)


def _agency(request: HttpRequest) -> Any:
    agency = _token(request).agency
    assert agency is not None  # noqa: S101 - a SCIM token always has one (a database check)
    return agency


# --- discovery ---------------------------------------------------------------------------------


@api.get("/ServiceProviderConfig", url_name="service_provider_config")
def service_provider_config(request: HttpRequest) -> HttpResponse:
    return scim_json(request, scim.service_provider_config(_base(request)))


def _discovery(path: str, *, url_name: str, items: Callable[[str], list[dict[str, Any]]]) -> None:
    """Serve the discovery `items` (resource types or schemas) at `path` as one list response,
    and each at `path/<id>` (404 when there is none), named `<url_name>s` and `url_name`."""

    @api.get(path, url_name=f"{url_name}s")
    def listing(request: HttpRequest) -> HttpResponse:
        found = items(_base(request))
        return scim_json(request, scim.list_response(found, total=len(found), start=1))

    @api.get(f"{path}/{{item_id}}", url_name=url_name)
    def item(request: HttpRequest, item_id: str) -> HttpResponse:
        for found in items(_base(request)):
            if found["id"] == item_id:
                return scim_json(request, found)
        raise Http404


_discovery("/ResourceTypes", url_name="resource_type", items=scim.resource_types)
_discovery("/Schemas", url_name="schema", items=scim.schemas)


# --- users -------------------------------------------------------------------------------------

USER_FILTERS = {
    "username": "email__iexact",
    "emails.value": "email__iexact",
    "emails": "email__iexact",
    "externalid": "scim_identities__external_id",
    "id": "pk",
}


@api.get("/Users", url_name="users")
def users(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    start, count = scim.page_bounds(request.GET.get("startIndex"), request.GET.get("count"))
    people = scim_users(agency=agency)
    if request.GET.get("filter"):
        lookup, value = scim.filter_parse(request.GET["filter"], USER_FILTERS)
        if lookup == "pk" and not (value.isdigit() and len(value) < 18):
            people = people.none()
        elif lookup.startswith("scim_identities"):
            people = people.filter(scim_identities__agency=agency, **{lookup: value})
        else:
            people = people.filter(**{lookup: value})
    total = people.count()
    page = list(people[start - 1 : start - 1 + count]) if count else []
    base = _base(request)
    resources = [scim.user_resource(agency=agency, user=user, base=base) for user in page]
    return scim_json(request, scim.list_response(resources, total=total, start=start))


@api.post("/Users", url_name="users")
def user_create(request: HttpRequest) -> HttpResponse:
    fields = scim.user_fields(_body(request))
    assert fields.email is not None  # noqa: S101 - user_fields requires userName
    user = scim_user_create(
        agency=_agency(request),
        actor=_token(request).user,
        email=fields.email,
        full_name=fields.name_for("") or "",
        external_id=fields.external_id or "",
        active=True if fields.active is None else fields.active,
        roles=fields.roles or [],
        password=fields.password,
    )
    return _user_answer(request, user, status=201)


@api.get("/Users/{user_id}", url_name="user")
def user_read(request: HttpRequest, user_id: str) -> HttpResponse:
    return _user_answer(request, access_scim_user(agency=_agency(request), user_id=user_id))


def _user_change(
    request: HttpRequest, user_id: str, read: Callable[[dict[str, Any]], scim.UserFields]
) -> HttpResponse:
    """Change a user with the fields `read` takes from the body (a PUT's or a PATCH's)."""
    agency = _agency(request)
    user = access_scim_user(agency=agency, user_id=user_id)
    fields = read(_body(request))
    scim_user_update(
        agency=agency, actor=_token(request).user, user=user, **fields.as_kwargs(user.full_name)
    )
    return _user_answer(request, user)


@api.put("/Users/{user_id}", url_name="user")
def user_replace(request: HttpRequest, user_id: str) -> HttpResponse:
    return _user_change(request, user_id, scim.user_fields)


@api.patch("/Users/{user_id}", url_name="user")
def user_patch(request: HttpRequest, user_id: str) -> HttpResponse:
    return _user_change(request, user_id, scim.user_patch)


@api.delete("/Users/{user_id}", url_name="user")
def user_delete(request: HttpRequest, user_id: str) -> HttpResponse:
    agency = _agency(request)
    user = access_scim_user(agency=agency, user_id=user_id)
    scim_user_delete(agency=agency, actor=_token(request).user, user=user)
    return HttpResponse(status=204)


# --- groups (the agency's roles) ---------------------------------------------------------------


@api.get("/Groups", url_name="groups")
def groups(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    start, count = scim.page_bounds(request.GET.get("startIndex"), request.GET.get("count"))
    roles = list(Role.values)
    if request.GET.get("filter"):
        key, value = scim.filter_parse(
            request.GET["filter"], {"displayname": "displayName", "id": "id"}
        )
        roles = [
            role
            for role in roles
            if (scim.group_name(agency, role) if key == "displayName" else role).lower()
            == value.lower()
        ]
    members = "members" not in request.GET.get("excludedAttributes", "")
    page = roles[start - 1 : start - 1 + count]
    base = _base(request)
    resources = [
        scim.group_resource(agency=agency, role=role, base=base, members=members) for role in page
    ]
    return scim_json(request, scim.list_response(resources, total=len(roles), start=start))


@api.post("/Groups", url_name="groups")
def group_create(request: HttpRequest) -> HttpResponse:
    name = _body(request).get("displayName")
    agency = _agency(request)
    if isinstance(name, str) and name.lower() in {
        scim.group_name(agency, role).lower() for role in Role.values
    }:
        raise ScimError(409, "This group exists: it is one of the agency's roles.", "uniqueness")
    raise ScimError(
        400,
        "Groups are the agency's roles and cannot be created: use one of "
        + ", ".join(scim.group_name(agency, role) for role in Role.values)
        + ".",
        "mutability",
    )


@api.get("/Groups/{role_id}", url_name="group")
def group_read(request: HttpRequest, role_id: str) -> HttpResponse:
    members = "members" not in request.GET.get("excludedAttributes", "")
    resource = scim.group_resource(
        agency=_agency(request), role=_role(role_id), base=_base(request), members=members
    )
    return scim_json(request, resource)


def _members_set(request: HttpRequest, role: str, change: scim.MemberChange) -> None:
    agency = _agency(request)
    add, remove = _members(request, change.add), _members(request, change.remove)
    if change.replace is not None:
        wanted = _members(request, change.replace)
        current = list(scim_role_members(agency=agency, role=role))
        add = [user for user in wanted if user not in current]
        remove = [user for user in current if user not in wanted]
    scim_role_members_change(
        agency=agency, actor=_token(request).user, role=role, add=add, remove=remove
    )


@api.patch("/Groups/{role_id}", url_name="group")
def group_patch(request: HttpRequest, role_id: str) -> HttpResponse:
    role = _role(role_id)
    _members_set(request, role, scim.group_patch(_body(request)))
    return group_read(request, role_id)


@api.put("/Groups/{role_id}", url_name="group")
def group_replace(request: HttpRequest, role_id: str) -> HttpResponse:
    role = _role(role_id)
    body = _body(request)
    if body.get("displayName") not in (None, scim.group_name(_agency(request), role)):
        raise ScimError(400, "A group's name is its role's.", "mutability")
    members = scim.member_ids(body.get("members"))
    _members_set(request, role, scim.MemberChange(add=[], remove=[], replace=members))
    return group_read(request, role_id)


@api.delete("/Groups/{role_id}", url_name="group")
def group_delete(request: HttpRequest, role_id: str) -> HttpResponse:
    _role(role_id)
    raise ScimError(400, "Groups are the agency's roles and cannot be deleted.", "mutability")


def unknown_path(request: HttpRequest) -> HttpResponse:
    """404 in SCIM's error body for a path under /scim/ that no operation answers."""
    return _error(request, ScimError(404, "No SCIM endpoint answers at this path."))
