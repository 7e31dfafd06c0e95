"""SCIM 2.0 (RFC 7643, RFC 7644) for an agency's identity provider: the resources it reads, the
filters and PATCH operations it sends, read into what `core.services.scim_*` take.

Users are people the agency sees (`selectors.scim_users`); Groups are the agency's roles, one
group per role named `<agency slug>:<role>`. Nothing here writes: the router at /scim/v2/
(`cxgov/api/scim.py`) hands what these functions read to the services. docs/scim.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cxgov.core.models import Agency, Role, User
from cxgov.core.selectors import scim_identity, scim_role_members, scim_roles, scim_user_active

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
CONTENT_TYPE = "application/scim+json"

MAX_COUNT = 200  # the most resources one page of a list holds
MAX_OPERATIONS = 100  # the most operations one PATCH may carry
MAX_VALUE = 300  # the longest string value read from a body


class ScimError(Exception):
    """An answer in SCIM's error body: `status`, `scimType` (may be empty), `detail`."""

    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schemas": [ERROR_SCHEMA],
            "status": str(self.status),
            "detail": self.detail,
        }
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


# --- resources ---------------------------------------------------------------------------------


def group_name(agency: Agency, role: str) -> str:
    return f"{agency.slug}:{role}"


def user_resource(*, agency: Agency, user: User, base: str) -> dict[str, Any]:
    """A person as a SCIM User, as the agency's provider sees them."""
    identity = scim_identity(agency=agency, user=user)
    given, _, family = user.full_name.partition(" ")
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(user.pk),
        "userName": user.email,
        "name": {"formatted": user.full_name, "givenName": given, "familyName": family},
        "displayName": user.full_name or user.email,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "active": scim_user_active(agency=agency, user=user, identity=identity),
        "preferredLanguage": user.preferred_language,
        "roles": [
            {"value": role, "display": str(Role(role).label), "type": "agency", "primary": False}
            for role in scim_roles(agency=agency, user=user)
        ],
        "groups": [
            {
                "value": role,
                "display": group_name(agency, role),
                "$ref": f"{base}/Groups/{role}",
                "type": "direct",
            }
            for role in scim_roles(agency=agency, user=user)
        ],
        "meta": {
            "resourceType": "User",
            "created": (identity.created_at if identity else user.date_joined),
            "lastModified": (identity.updated_at if identity else user.date_joined),
            "location": f"{base}/Users/{user.pk}",
        },
    }
    if identity is not None and identity.external_id:
        resource["externalId"] = identity.external_id
    return resource


def group_resource(*, agency: Agency, role: str, base: str, members: bool) -> dict[str, Any]:
    """One of the agency's roles as a SCIM Group, with its members unless left out."""
    resource: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": role,
        "displayName": group_name(agency, role),
        "meta": {"resourceType": "Group", "location": f"{base}/Groups/{role}"},
    }
    if members:
        resource["members"] = [
            {"value": str(user.pk), "display": user.email, "$ref": f"{base}/Users/{user.pk}"}
            for user in scim_role_members(agency=agency, role=role)
        ]
    return resource


def list_response(resources: list[dict[str, Any]], *, total: int, start: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def page_bounds(start_index: str | None, count: str | None) -> tuple[int, int]:
    """`startIndex` (1-based; below 1 means 1) and `count` (below 0 means 0; at most MAX_COUNT)."""
    start = _integer(start_index, "startIndex", default=1)
    size = _integer(count, "count", default=MAX_COUNT)
    return max(start, 1), min(max(size, 0), MAX_COUNT)


def _integer(value: str | None, name: str, *, default: int) -> int:
    if value is None or value == "":
        return default
    if not re.fullmatch(r"-?\d{1,9}", value.strip()):
        raise invalid(f"{name} must be a whole number.")
    return int(value)


# --- filters -----------------------------------------------------------------------------------

_FILTER = re.compile(r'^\s*([A-Za-z][\w.]*)\s+(\w+)\s+"((?:[^"\\]|\\.)*)"\s*$')


def filter_parse(text: str, attributes: dict[str, str]) -> tuple[str, str]:
    """The (attribute, value) of `<attribute> eq "<value>"`, the one filter SCIM clients send
    to find a resource; `attributes` maps each accepted name, in lower case, to its key."""
    match = _FILTER.match(text) if len(text) <= 1000 else None
    if match is None:
        raise ScimError(400, 'Use a filter of the form: userName eq "name".', "invalidFilter")
    name, operator, value = match.groups()
    key = attributes.get(name.lower())
    if key is None:
        names = ", ".join(sorted(set(attributes.values())))
        raise ScimError(400, f"Filter on one of: {names}.", "invalidFilter")
    if operator.lower() != "eq":
        raise ScimError(400, "Only the eq operator is supported.", "invalidFilter")
    return key, re.sub(r"\\(.)", r"\1", value)


# --- reading bodies ----------------------------------------------------------------------------


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string.")
    if len(value) > MAX_VALUE:
        raise invalid(f"{name} is longer than {MAX_VALUE} characters.")
    return value


def _boolean(value: Any, name: str) -> bool:
    # Some providers (Microsoft Entra) send booleans as the strings "True" and "False".
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(f"{name} must be true or false.")


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"{name} must be an object.")
    return value


def _roles(value: Any) -> list[str]:
    if not isinstance(value, list):
        value = [value]
    roles = []
    for item in value:
        role = _text(item.get("value") if isinstance(item, dict) else item, "roles.value")
        if role not in Role.values:
            raise invalid(f"Unknown role {role[:40]!r}: use one of {', '.join(Role.values)}.")
        roles.append(role)
    return roles


def _primary_email(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        raise invalid("emails must be a list of objects with a value.")
    emails = [_object(item, "emails") for item in value]
    chosen = next((item for item in emails if item.get("primary") is True), emails[0])
    return _text(chosen.get("value"), "emails.value") if "value" in chosen else None


@dataclass
class UserFields:
    """What a SCIM User body sets; None leaves a value as it is."""

    email: str | None = None
    full_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    external_id: str | None = None
    active: bool | None = None
    roles: list[str] | None = None
    password: str | None = None

    def name_for(self, current: str) -> str | None:
        """The full name after the change, from `formatted` or the given and family names."""
        if self.full_name is not None:
            return self.full_name
        if self.given_name is None and self.family_name is None:
            return None
        given, _, family = current.partition(" ")
        given = given if self.given_name is None else self.given_name
        family = family if self.family_name is None else self.family_name
        return f"{given.strip()} {family.strip()}".strip()

    def as_kwargs(self, current_name: str) -> dict[str, Any]:
        return {
            "email": self.email,
            "full_name": self.name_for(current_name),
            "external_id": self.external_id,
            "active": self.active,
            "roles": self.roles,
            "password": self.password,
        }


def _set(fields: UserFields, attribute: str, value: Any) -> None:
    """Set one attribute of a User, named as in a body or a PATCH path (lower case)."""
    if attribute == "username":
        fields.email = _text(value, "userName")
    elif attribute == "name":
        for key, item in _object(value, "name").items():
            _set(fields, f"name.{key.lower()}", item)
    elif attribute == "name.formatted":
        fields.full_name = _text(value, "name.formatted")
    elif attribute == "name.givenname":
        fields.given_name = _text(value, "name.givenName")
    elif attribute == "name.familyname":
        fields.family_name = _text(value, "name.familyName")
    elif attribute == "displayname":
        if fields.full_name is None and fields.given_name is None:
            fields.full_name = _text(value, "displayName")
    elif attribute == "externalid":
        fields.external_id = "" if value is None else _text(value, "externalId")
    elif attribute == "active":
        fields.active = _boolean(value, "active")
    elif attribute == "roles":
        fields.roles = _roles(value)
    elif attribute == "password":
        fields.password = _text(value, "password")
    elif attribute == "emails":
        email = _primary_email(value)
        if email is not None:
            fields.email = email
    elif re.fullmatch(r'emails\[(type eq "work"|primary eq true)\]\.value', attribute):
        fields.email = _text(value, "emails.value")
    elif attribute in ("groups", "id", "meta"):
        raise ScimError(400, f"{attribute} cannot be changed here.", "mutability")
    # Any other attribute (phone numbers, titles, extensions) is not kept, so it is ignored.


def user_fields(body: dict[str, Any]) -> UserFields:
    """A whole User (POST, PUT): userName is required."""
    if "userName" not in body:
        raise invalid("userName is required.")
    fields = UserFields()
    for key, value in body.items():
        if key.lower() in ("schemas", "id", "meta", "groups"):
            continue  # read-only or fixed; clients send them back as they read them
        _set(fields, key.lower(), value)
    if fields.email is None or not fields.email.strip():
        raise invalid("userName is required.")
    return fields


def _operations(body: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """A PatchOp body's operations as (op, path in lower case, value)."""
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise invalid("Send a PatchOp with a list of Operations.")
    if len(operations) > MAX_OPERATIONS:
        raise ScimError(413, f"At most {MAX_OPERATIONS} operations at once.", "tooMany")
    read = []
    for operation in operations:
        operation = _object(operation, "Operations")
        op = _text(operation.get("op", ""), "op").lower()
        if op not in ("add", "replace", "remove"):
            raise invalid("op must be add, replace or remove.")
        path = operation.get("path")
        path = "" if path is None else _text(path, "path").strip()
        if path.lower().startswith(USER_SCHEMA.lower() + ":"):
            path = path[len(USER_SCHEMA) + 1 :]
        read.append((op, path if path.startswith("members[") else path.lower(), operation))
    return [(op, path, operation.get("value")) for op, path, operation in read]


def user_patch(body: dict[str, Any]) -> UserFields:
    """A PatchOp on a User: add and replace set attributes (by path, or several at once
    without one); remove clears externalId and roles."""
    fields = UserFields()
    for op, path, value in _operations(body):
        if op == "remove":
            if path == "externalid":
                fields.external_id = ""
            elif path == "roles":
                fields.roles = []
            else:
                raise ScimError(400, f"{path or 'That'} cannot be removed.", "noTarget")
        elif path:
            _set(fields, path, value)
        else:
            for key, item in _object(value, "value").items():
                _set(fields, key.lower(), item)
    return fields


_MEMBER_FILTER = re.compile(r'^members\[value eq "([^"]{1,30})"\]$', re.IGNORECASE)


@dataclass
class MemberChange:
    """What a Group PATCH or PUT does to its members (user ids as strings)."""

    add: list[str]
    remove: list[str]
    replace: list[str] | None = None


def member_ids(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    ids = []
    for item in value:
        member = _object(item, "members")
        ids.append(_text(member.get("value"), "members.value"))
    return ids


def group_patch(body: dict[str, Any]) -> MemberChange:
    """A PatchOp on a Group: members added, removed (by value or by a `members[value eq ""]`
    path) or replaced; a displayName is the role's and cannot change."""
    change = MemberChange(add=[], remove=[])
    for op, path, value in _operations(body):
        matched = _MEMBER_FILTER.match(path)
        if matched and op == "remove":
            change.remove.append(matched.group(1))
        elif path.lower() == "members" or (not path and isinstance(value, dict)):
            members = value.get("members") if not path and isinstance(value, dict) else value
            if not path and isinstance(value, dict) and set(value) - {"members"}:
                raise ScimError(400, "A group's name is its role's.", "mutability")
            if op == "add":
                change.add += member_ids(members)
            elif op == "remove":
                change.remove += member_ids(members)
            else:
                change.replace = member_ids(members)
                change.add, change.remove = [], []
        elif path.lower() in ("displayname", "externalid"):
            raise ScimError(400, "A group's name is its role's.", "mutability")
        else:
            raise ScimError(400, "Only members can be changed.", "invalidPath")
    return change


# --- discovery ---------------------------------------------------------------------------------


def service_provider_config(base: str) -> dict[str, Any]:
    return {
        "schemas": [CONFIG_SCHEMA],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_COUNT},
        "changePassword": {"supported": True},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A SCIM token of one agency: cxgov scim_token.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }


def resource_types(base: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": name,
            "name": name,
            "endpoint": f"/{name}s",
            "schema": schema,
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{name}"},
        }
        for name, schema in (("User", USER_SCHEMA), ("Group", GROUP_SCHEMA))
    ]


def _attribute(
    name: str,
    kind: str = "string",
    *,
    multi: bool = False,
    required: bool = False,
    mutability: str = "readWrite",
    returned: str = "default",
    uniqueness: str = "none",
    sub: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": kind,
        "multiValued": multi,
        "required": required,
        "caseExact": False,
        "mutability": mutability,
        "returned": returned,
        "uniqueness": uniqueness,
    }
    if sub is not None:
        attribute["subAttributes"] = sub
    return attribute


def schemas(base: str) -> list[dict[str, Any]]:
    """The attributes this service keeps, per RFC 7643 section 7."""
    user = [
        _attribute("userName", required=True, uniqueness="server"),
        _attribute(
            "name",
            "complex",
            sub=[_attribute(n) for n in ("formatted", "givenName", "familyName")],
        ),
        _attribute("displayName"),
        _attribute("emails", "complex", multi=True, sub=[_attribute("value"), _attribute("type")]),
        _attribute("active", "boolean"),
        _attribute("externalId"),
        _attribute("password", mutability="writeOnly", returned="never"),
        _attribute("roles", "complex", multi=True, sub=[_attribute("value")]),
        _attribute(
            "groups", "complex", multi=True, mutability="readOnly", sub=[_attribute("value")]
        ),
    ]
    group = [
        _attribute("displayName", required=True, mutability="readOnly", uniqueness="server"),
        _attribute("members", "complex", multi=True, sub=[_attribute("value")]),
    ]
    return [
        {
            "schemas": [SCHEMA_SCHEMA],
            "id": schema,
            "name": name,
            "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{schema}"},
        }
        for schema, name, attributes in (
            (USER_SCHEMA, "User", user),
            (GROUP_SCHEMA, "Group", group),
        )
    ]
