"""OpenID Connect sign-in against a fake provider on this machine that speaks only the spec."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cxgov.core.models import User

pytestmark = pytest.mark.django_db

CLIENT_ID = "cxgov-test-client"


class FakeProvider:
    """Token, userinfo and JWKS endpoints of an identity provider, signing with RS256."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.nonce = ""
        self.email = ""
        self.email_verified = True
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # the token endpoint
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                assert form["client_id"] == [CLIENT_ID]
                claims = {
                    "iss": provider.base,
                    "aud": CLIENT_ID,
                    "sub": "person-1",
                    "email": provider.email,
                    "nonce": provider.nonce,
                    "iat": int(time.time()),
                    "exp": int(time.time()) + 300,
                }
                token = jwt.encode(claims, provider.key, algorithm="RS256", headers={"kid": "k1"})
                self._send({"id_token": token, "access_token": "at-1", "token_type": "Bearer"})

            def do_GET(self) -> None:
                if self.path.startswith("/jwks"):
                    self._send(provider.jwks)
                else:  # userinfo
                    self._send(
                        {
                            "sub": "person-1",
                            "email": provider.email,
                            "email_verified": provider.email_verified,
                        }
                    )

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings) -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = "secret"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = fake.base + "/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = fake.base + "/token"
        settings.OIDC_OP_USER_ENDPOINT = fake.base + "/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = fake.base + "/jwks"
        settings.AUTHENTICATION_BACKENDS = [
            "axes.backends.AxesStandaloneBackend",
            "cxgov.core.oidc.StaffOIDCBackend",
            "django.contrib.auth.backends.ModelBackend",
        ]
        yield fake


def _start(client, provider: FakeProvider) -> str:
    """Begin sign-in; return the state, and give the provider the nonce it must sign."""
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == provider.base + "/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    provider.nonce = query["nonce"][0]
    return query["state"][0]


def test_staff_member_signs_in_through_the_provider(client, provider, analyst_a):
    provider.email = analyst_a.email.upper()
    state = _start(client, provider)
    response = client.get("/oidc/callback/", {"code": "c-1", "state": state})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    page = client.get("/staff/").content.decode()
    assert "Agency Alpha" in page


def test_unknown_person_gets_no_account(client, provider):
    provider.email = "stranger@example.gov"
    state = _start(client, provider)
    response = client.get("/oidc/callback/", {"code": "c-1", "state": state}, follow=True)
    assert "could not sign you in with your agency account" in response.content.decode()
    assert not User.objects.filter(email="stranger@example.gov").exists()
    assert client.get("/staff/").status_code == 302


def test_unverified_email_is_refused(client, provider, analyst_a):
    provider.email = analyst_a.email
    provider.email_verified = False
    state = _start(client, provider)
    client.get("/oidc/callback/", {"code": "c-1", "state": state})
    assert client.get("/staff/").status_code == 302


def test_forged_state_is_refused(client, provider, analyst_a):
    provider.email = analyst_a.email
    _start(client, provider)
    client.get("/oidc/callback/", {"code": "c-1", "state": "forged"})
    assert client.get("/staff/").status_code == 302


def test_provider_sign_in_still_needs_our_second_step_unless_trusted(
    client, provider, analyst_a, settings
):
    settings.STAFF_MFA_REQUIRED = True
    provider.email = analyst_a.email
    client.get("/oidc/callback/", {"code": "c", "state": _start(client, provider)})
    assert client.get("/staff/")["Location"].startswith("/accounts/two-factor/setup/")
    client.post("/accounts/logout/")
    settings.OIDC_COUNTS_AS_SECOND_FACTOR = True
    client.get("/oidc/callback/", {"code": "c", "state": _start(client, provider)})
    assert client.get("/staff/").status_code == 200


def test_login_page_offers_the_provider_only_when_configured(client, provider, settings):
    assert "Sign in with your agency account" in client.get("/accounts/login/").content.decode()
    settings.OIDC_ENABLED = False
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
