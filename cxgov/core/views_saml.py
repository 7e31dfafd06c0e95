"""SAML 2.0 single sign-on pages: start sign-in, the assertion consumer service (ACS) the
provider posts back to, and our service provider metadata (decision 0033)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import login
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.metadata import entity_descriptor
from saml2.xmldsig import SIG_RSA_SHA256

from cxgov.core.oidc import SESSION_FLAG
from cxgov.core.ratelimit import client_address
from cxgov.core.saml import (
    BACKEND,
    REQUEST_COOKIE,
    REQUEST_COOKIE_SALT,
    REQUEST_MAX_AGE_SECONDS,
    login_binding,
    person_read,
    safe_path,
    sp_config,
)
from cxgov.core.services import saml_refusal_record, saml_sign_in
from cxgov.core.views import sign_in_paused, sign_in_refund

logger = logging.getLogger(__name__)


def _enabled() -> None:
    if not settings.SAML_ENABLED:
        raise Http404


def _refused(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    response = render(
        request, "registration/saml_refused.html", {"message": message}, status=status
    )
    response.delete_cookie(REQUEST_COOKIE, path="/saml/")
    return response


def _unavailable(request: HttpRequest) -> HttpResponse:
    return _refused(
        request,
        _(
            "Single sign-on is not working at the moment. Sign in with your email and password, "
            "or try again later."
        ),
        status=503,
    )


@never_cache
@require_GET
def saml_login(request: HttpRequest) -> HttpResponse:
    """Send the person to the provider with a sign-in request; remember its id in a cookie."""
    _enabled()
    next_path = safe_path(request.GET.get("next"), request) or reverse("core:staff_home")
    try:
        client = Saml2Client(sp_config())
        signed = bool(settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE)
        request_id, info = client.prepare_for_authenticate(
            relay_state=next_path,
            binding=login_binding(),
            sign=signed,
            sigalg=SIG_RSA_SHA256 if signed else None,
        )
    except Exception:
        logger.exception("SAML sign-in request could not be made")
        return _unavailable(request)
    location = dict(info["headers"])["Location"]
    response = HttpResponseRedirect(location)
    secure = request.is_secure()
    response.set_cookie(
        REQUEST_COOKIE,
        signing.dumps(request_id, salt=REQUEST_COOKIE_SALT),
        max_age=REQUEST_MAX_AGE_SECONDS,
        path="/saml/",
        httponly=True,
        secure=secure,
        samesite="None" if secure else "Lax",
    )
    return response


def _refusal_audited(request: HttpRequest, email: str, reason: str) -> None:
    saml_refusal_record(email=email, reason=reason, address=client_address(request))


@csrf_exempt  # the provider's form posts here from its own site; the signed request id binds it
@never_cache
@require_POST
def saml_acs(request: HttpRequest) -> HttpResponse:
    """Check the provider's signed response and sign the person in with their mapped roles."""
    _enabled()
    # Each response counts against the address's failed sign-ins (taken back when it signs in),
    # before any signature is checked, so nobody can keep xmlsec1 busy or try responses at will.
    paused = sign_in_paused(request)
    if paused:
        return paused
    saml_response = request.POST.get("SAMLResponse", "")
    if not saml_response:
        return _refused(request, _("The identity provider sent no sign-in response."), status=400)
    try:
        request_id = signing.loads(
            request.COOKIES.get(REQUEST_COOKIE, ""),
            salt=REQUEST_COOKIE_SALT,
            max_age=REQUEST_MAX_AGE_SECONDS,
        )
    except signing.BadSignature:
        _refusal_audited(request, "", "no_request")
        return _refused(
            request,
            _(
                "This sign-in took too long or was started in another browser. Start again from "
                "the sign-in page."
            ),
            status=400,
        )
    try:
        client = Saml2Client(sp_config())
    except Exception:
        logger.exception("SAML configuration could not be loaded")
        return _unavailable(request)
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={str(request_id): "/"}
        )
        if response is None or response.assertion is None or not response.assertion.id:
            raise ValueError("no assertion")
        if response.in_response_to != request_id:
            raise ValueError("InResponseTo does not match the request this browser sent")
    except Exception as error:
        # pysaml2 raises many kinds (signature, audience, time, status, XML): all mean "no".
        logger.warning("SAML response refused: %s: %s", type(error).__name__, str(error)[:300])
        _refusal_audited(request, "", "invalid")
        return _refused(
            request,
            _(
                "We could not verify the response from your identity provider, so you are not "
                "signed in. Start again from the sign-in page; if it happens again, tell your "
                "agency's IT team."
            ),
        )
    email = ""
    try:
        person = person_read(ava=response.ava or {}, name_id=response.name_id)
        email = person.email
        expires = response.not_on_or_after
        user = saml_sign_in(
            email=person.email,
            full_name=person.full_name,
            roles=person.roles,
            issuer=str(response.issuer() or ""),
            assertion_id=str(response.assertion.id),
            expires_at=(
                datetime.fromtimestamp(expires, tz=UTC)
                if expires
                else timezone.now() + timedelta(hours=1)
            ),
        )
    except ValidationError as refusal:
        _refusal_audited(request, email, str(getattr(refusal, "code", "") or "refused"))
        return _refused(request, " ".join(refusal.messages))
    sign_in_refund(request)
    login(request, user, backend=BACKEND)
    if settings.SAML_COUNTS_AS_SECOND_FACTOR:
        request.session[SESSION_FLAG] = True
    target = safe_path(request.POST.get("RelayState"), request) or reverse("core:staff_home")
    redirect = HttpResponseRedirect(target)
    redirect.delete_cookie(REQUEST_COOKIE, path="/saml/")
    return redirect


@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    """Our service provider metadata, for the agency's IT team to load into their provider."""
    _enabled()
    try:
        descriptor = entity_descriptor(sp_config())
    except Exception:
        logger.exception("SAML configuration could not be loaded")
        raise Http404 from None
    return HttpResponse(str(descriptor), content_type="application/samlmetadata+xml")
