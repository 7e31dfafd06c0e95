"""A real SAML 2.0 identity provider for tests: pysaml2's IdP server behind http.server on
127.0.0.1, signing with a key and certificate made when it starts (none is kept in the repo).

    with TestIdentityProvider() as idp:
        settings.SAML_IDP_METADATA_FILE = idp.metadata_file
        idp.trust(sp_metadata_xml)
        idp.identity = {"mail": [...], "cxgovRole": ["alpha:cx_analyst"]}

GET /sso takes the HTTP-Redirect sign-in request and answers with the HTTP-POST form (the page a
browser submits by itself) carrying a signed response for `identity`; `respond()` makes one
directly, with the changes a negative test needs.
"""

from __future__ import annotations

import datetime
import html
import re
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

AUTHN_CONTEXT_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def key_and_certificate(directory: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


@dataclass
class SignInRequest:
    """What the provider read from a sign-in request: enough to answer it."""

    args: dict[str, Any]
    relay_state: str


def form_fields(page: str) -> dict[str, str]:
    """The hidden inputs of an HTTP-POST binding page (SAMLResponse, RelayState)."""
    fields = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        fields[name] = html.unescape(value)
    return fields


class TestIdentityProvider:
    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="cxgov-saml-idp-"))
        self.key_file, self.cert_file = key_and_certificate(self.directory, "idp")
        self.identity: dict[str, list[str]] = {}
        self.server: Server | None = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path != "/sso":
                    self.send_error(404)
                    return
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                request = provider.read_request(query["SAMLRequest"], query.get("RelayState", ""))
                page = provider.post_page(request, provider.respond(request))
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.entity_id = f"{self.base}/metadata"
        self.metadata_file = str(self.directory / "idp-metadata.xml")
        Path(self.metadata_file).write_text(str(entity_descriptor(self._config(sp_metadata=None))))
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def _config(self, *, sp_metadata: str | None) -> IdPConfig:
        config: dict[str, Any] = {
            "entityid": self.entity_id,
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{self.base}/sso", BINDING_HTTP_REDIRECT)]
                    },
                    "policy": {
                        "default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                }
            },
            "key_file": self.key_file,
            "cert_file": self.cert_file,
        }
        if sp_metadata is not None:
            config["metadata"] = {"inline": [sp_metadata]}
        return IdPConfig().load(config)

    def trust(self, sp_metadata: str) -> None:
        """Know the service provider by its metadata (our /saml/metadata/)."""
        self.server = Server(config=self._config(sp_metadata=sp_metadata))

    def read_request(self, saml_request: str, relay_state: str) -> SignInRequest:
        assert self.server is not None, "call trust() with the service provider's metadata first"
        parsed = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        return SignInRequest(
            args=self.server.response_args(parsed.message), relay_state=relay_state
        )

    def request_from_url(self, url: str) -> SignInRequest:
        query = {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}
        return self.read_request(query["SAMLRequest"], query.get("RelayState", ""))

    def respond(
        self,
        request: SignInRequest,
        *,
        identity: dict[str, list[str]] | None = None,
        sign_assertion: bool = True,
        audience: str | None = None,
    ) -> str:
        """The signed response to a request, as the XML text; `audience` names another
        service provider, `sign_assertion=False` leaves the assertion unsigned."""
        assert self.server is not None
        identity = self.identity if identity is None else identity
        email = (identity.get("mail") or ["nobody@example.gov"])[0]
        args = dict(request.args)
        if audience is not None:
            args["sp_entity_id"] = audience
        response = self.server.create_authn_response(
            identity,
            userid=email,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            sign_assertion=sign_assertion,
            sign_response=False,
            authn={"class_ref": AUTHN_CONTEXT_CLASS},
            **args,
        )
        return str(response)

    def post_page(self, request: SignInRequest, response_xml: str) -> str:
        """The HTTP-POST binding page that sends a response to the service provider."""
        assert self.server is not None
        binding = self.server.apply_binding(
            BINDING_HTTP_POST,
            response_xml,
            request.args["destination"],
            relay_state=request.relay_state,
            response=True,
        )
        return str(binding["data"])

    def post_fields(self, request: SignInRequest, response_xml: str) -> dict[str, str]:
        return form_fields(self.post_page(request, response_xml))

    def __enter__(self) -> TestIdentityProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()
