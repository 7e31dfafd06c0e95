"""Optional staff sign-in through the agency's SAML 2.0 identity provider (decision 0033).

pysaml2 builds the sign-in request, checks the provider's response (signature by the xmlsec1
program against the certificate in the provider's metadata, audience, recipient, destination,
validity window, InResponseTo) and reads its attributes; this module turns those attributes into
who the person is and which agency roles the provider says they hold. Nothing here writes:
`core.services.saml_sign_in` records the assertion and grants roles through the member services.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.core import validators
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_UNSPECIFIED

from cxgov.core.models import Role, User

# The signed cookie that carries the id of the request we sent, so only the browser that began
# sign-in can finish it. It must reach the ACS on the provider's cross-site POST: SameSite=None
# over HTTPS (the session cookie is Lax and does not).
REQUEST_COOKIE = "cxgov_saml_request"
REQUEST_COOKIE_SALT = "cxgov.saml.request"
REQUEST_MAX_AGE_SECONDS = 600
BACKEND = "cxgov.core.saml.SamlBackend"
MAX_VALUES = 50  # the most values of one attribute read
MAX_VALUE = 300


class SamlBackend(BaseBackend):
    """Keeps a person signed in through SAML signed in; authenticates nothing by itself (the
    assertion consumer view signs the person in after checking the provider's response)."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


def acs_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("saml_acs")


_configs: dict[tuple[Any, ...], SPConfig] = {}
_configs_lock = threading.Lock()


def sp_config() -> SPConfig:
    """pysaml2's configuration of our service provider, from settings and the provider's
    metadata file (read again when the file changes)."""
    metadata = Path(settings.SAML_IDP_METADATA_FILE)
    key = (
        settings.SAML_SP_ENTITY_ID,
        acs_url(),
        str(metadata),
        metadata.stat().st_mtime_ns,
        settings.SAML_SP_KEY_FILE,
        settings.SAML_SP_CERT_FILE,
        settings.SAML_CLOCK_SKEW_SECONDS,
    )
    with _configs_lock:
        if key not in _configs:
            _configs.clear()
            _configs[key] = _build_config()
        return _configs[key]


def _build_config() -> SPConfig:
    signing = bool(settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE)
    config: dict[str, Any] = {
        "entityid": settings.SAML_SP_ENTITY_ID,
        "service": {
            "sp": {
                "name": "cxgov",
                "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
                # Only answers to requests we sent: no provider-initiated sign-in.
                "allow_unsolicited": False,
                # The assertion itself must be signed, whatever the response around it is.
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": signing,
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_UNSPECIFIED],
                "allow_unknown_attributes": True,
            }
        },
        "metadata": {"local": [settings.SAML_IDP_METADATA_FILE]},
        "accepted_time_diff": settings.SAML_CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
    }
    if signing:
        config["key_file"] = settings.SAML_SP_KEY_FILE
        config["cert_file"] = settings.SAML_SP_CERT_FILE
        config["encryption_keypairs"] = [
            {"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}
        ]
    return SPConfig().load(config)


def login_binding() -> str:
    return BINDING_HTTP_REDIRECT


def safe_path(value: str | None, request: HttpRequest) -> str | None:
    """`value` when it is a path on this site ("/staff/..."), else None: RelayState and `next`
    never send anyone to another site."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(char) < 32 for char in value):
        return None
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return value


@dataclass(frozen=True)
class SamlPerson:
    """Who the provider says signed in, and the agency roles it says they hold."""

    email: str
    full_name: str
    roles: tuple[tuple[str, str], ...]  # (agency slug, role), in the order sent


def _values(ava: dict[str, Any], name: str) -> list[str]:
    wanted = name.lower()
    for key, values in ava.items():
        if str(key).lower() == wanted:
            items = values if isinstance(values, list) else [values]
            return [str(item).strip()[:MAX_VALUE] for item in items[:MAX_VALUES]]
    return []


def _role_map() -> dict[str, str]:
    mapping = {}
    for entry in settings.SAML_ROLE_MAP:
        value, _sep, target = entry.rpartition("=")
        if value.strip():
            mapping[value.strip()] = target.strip()
    return mapping


def person_read(*, ava: dict[str, Any], name_id: Any) -> SamlPerson:
    """The person in a verified assertion's attributes (`ava`) and subject (`name_id`).

    Raises ValidationError (code "no_email", "unknown_role") with a message for the person."""
    emails = _values(ava, settings.SAML_ATTRIBUTE_EMAIL)
    email = emails[0] if emails else ""
    if not email and name_id is not None and name_id.format == NAMEID_FORMAT_EMAILADDRESS:
        email = str(name_id.text or "").strip()
    try:
        validators.validate_email(email)
    except ValidationError:
        raise ValidationError(
            _(
                "Your identity provider did not send an email address, so we cannot tell which "
                "cxgov account is yours. Ask your agency's IT team to release the email attribute."
            ),
            code="no_email",
        ) from None
    names = _values(ava, settings.SAML_ATTRIBUTE_NAME)
    mapping = _role_map()
    roles: list[tuple[str, str]] = []
    for value in _values(ava, settings.SAML_ATTRIBUTE_ROLES):
        if mapping:
            if value not in mapping:
                continue  # another of the person's groups, nothing to do with cxgov
            value = mapping[value]
        slug, _sep, role = value.partition(":")
        if not slug or role not in Role.values:
            raise ValidationError(
                _(
                    "Your identity provider gave you the role “%(value)s”, which cxgov does not "
                    "know. Ask your agency's IT team to correct it."
                )
                % {"value": value[:80]},
                code="unknown_role",
            )
        if (slug, role) not in roles:
            roles.append((slug, role))
    return SamlPerson(email=email.lower(), full_name=names[0] if names else "", roles=tuple(roles))


def grant_allowed(*, agency_slug: str, role: str) -> bool:
    """Whether signing in through SAML may grant this role in this agency (the settings
    SAML_GRANT_AGENCIES and SAML_GRANT_ROLES)."""
    agencies = settings.SAML_GRANT_AGENCIES
    return ("*" in agencies or agency_slug in agencies) and role in settings.SAML_GRANT_ROLES
