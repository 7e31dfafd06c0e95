"""A body larger than its caller may send is refused before it is read, sign-in or no."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

THREE_HUNDRED_MB = 300 * 1024 * 1024


def _raw_request(live_server, head: bytes, body_start: bytes) -> bytes:
    """Send a request's head and the first bytes of its body; what the server answered."""
    address = urlparse(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=20) as connection:
        connection.sendall(head + body_start)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def test_an_anonymous_300_mb_post_to_a_staff_url_is_refused_before_the_body(
    live_server, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    head = (
        b"POST /staff/agencies/fba/services/import/ HTTP/1.1\r\n"
        b"Host: localhost\r\n"
        b"Content-Type: multipart/form-data; boundary=b\r\n"
        + f"Content-Length: {THREE_HUNDRED_MB}\r\n\r\n".encode()
    )
    body_start = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    answer = _raw_request(live_server, head, body_start + b"x" * 65536)
    assert answer.startswith(b"HTTP/1.1 413")
    assert list(tmp_path.iterdir()) == []


def test_a_chunked_body_without_a_length_is_refused(live_server):
    head = (
        b"POST /complaints/status/ HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    answer = _raw_request(live_server, head, b"4\r\nab=c\r\n")
    assert answer.startswith(b"HTTP/1.1 411")


def test_staff_urls_take_only_small_forms_before_sign_in(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    body = b"x" * 8192
    anonymous = client.post("/staff/", body, content_type="application/octet-stream")
    assert anonymous.status_code == 413
    assert "What you sent is too large" in anonymous.content.decode()
    assert (
        client.post("/accounts/login/", {"username": "a@b.gov", "password": "x"}).status_code == 200
    )


def test_signed_in_staff_may_send_an_import_file(analyst_a_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    settings.REQUEST_MAX_BYTES = 4096
    settings.IMPORT_MAX_BYTES = 64 * 1024
    upload = SimpleUploadedFile("services.csv", b"x" * 32 * 1024)
    assert analyst_a_client.post("/staff/", {"file": upload}).status_code != 413
    larger = SimpleUploadedFile("services.csv", b"x" * 128 * 1024)
    assert analyst_a_client.post("/staff/", {"file": larger}).status_code == 413


def test_public_pages_keep_the_request_cap_in_spanish(client, settings):
    settings.REQUEST_MAX_BYTES = 4096
    response = client.post(
        "/es/complaints/status/", b"x" * 8192, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "demasiado" in response.content.decode().lower()
