"""Deliveries go to public https hosts only: private, loopback, link-local and reserved
addresses are refused when saved and again at each try, and names are not re-resolved between
the check and the connection."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxgov.webhooks import transport
from cxgov.webhooks.transport import TargetError, target_check


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hooks",  # plain http outside DEBUG
        "https://10.0.0.5/hooks",
        "https://172.16.3.4/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata, link-local
        "https://100.64.0.1/hooks",  # shared address space
        "https://127.0.0.2/hooks",
        "https://0.0.0.0/hooks",
        "https://[::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://224.0.0.1/hooks",
        "https://localhost/hooks",
        "https://user:secret@93.184.215.14/hooks",
        "ftp://93.184.215.14/hooks",
        "javascript:alert(1)",
        "https://",
        "",
        "https://93.184.215.14:99999/hooks",
        "https://no-such-host.invalid/hooks",
        "https://93.184.215.14/" + "a" * 600,
    ],
)
def test_unsafe_or_broken_targets_are_refused_with_a_reason(url):
    with pytest.raises(TargetError) as refused:
        target_check(url)
    assert str(refused.value)


def test_a_public_https_target_is_accepted():
    target = target_check("https://93.184.215.14:8443/hooks/cxgov?source=gov")
    assert (target.host, target.port, target.path) == (
        "93.184.215.14",
        8443,
        "/hooks/cxgov?source=gov",
    )


def test_plain_http_only_with_debug_and_loopback_only_when_allowed(settings):
    settings.DEBUG = True
    assert target_check("http://93.184.215.14/hooks").scheme == "http"
    with pytest.raises(TargetError):
        target_check("http://127.0.0.1:8080/hooks")
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert target_check("http://127.0.0.1:8080/hooks").port == 8080
    assert target_check("http://localhost/hooks").host == "localhost"
    with pytest.raises(TargetError):
        target_check("http://10.0.0.1/hooks")


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(transport, "host_addresses", lambda h, p: ["93.184.215.14", "10.1.2.3"])
    with pytest.raises(TargetError, match="private or local network"):
        target_check("https://crm.example.com/hooks")
    monkeypatch.setattr(transport, "host_addresses", lambda h, p: ["93.184.215.14"])
    assert target_check("https://crm.example.com/hooks").host == "crm.example.com"


def test_a_name_that_turns_private_after_saving_is_not_connected_to(monkeypatch):
    monkeypatch.setattr(transport, "host_addresses", lambda h, p: ["169.254.169.254"])

    def no_connection(*args, **kwargs):
        raise AssertionError("connected to a private address")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    result = transport.post(url="https://crm.example.com/hooks", body=b"{}", headers={})
    assert not result.succeeded
    assert result.response_status is None
    assert "private or local network" in result.error


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    monkeypatch.setattr(transport, "host_addresses", lambda h, p: ["93.184.215.14"])
    dialled = []

    def record(address, timeout=None):
        dialled.append(address)
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(socket, "create_connection", record)
    result = transport.post(url="https://crm.example.com/hooks", body=b"{}", headers={})
    assert dialled == [("93.184.215.14", 443)]
    assert result.error.startswith("ConnectionRefusedError")


@given(st.text(max_size=300))
def test_any_text_is_a_target_or_a_clear_refusal(text):
    try:
        target = target_check(text)
    except TargetError as refused:
        reason = str(refused)
    else:
        reason = "" if target.scheme == "https" else "accepted a target that is not https"
        assert not reason, reason
        return
    assert reason


@given(
    st.sampled_from(["http", "https", "HTTPS", "gopher", "file"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-:[]@%", max_size=40),
    st.text(max_size=40),
)
def test_url_shaped_text_is_a_target_or_a_clear_refusal(scheme, host, path):
    reason = "accepted"
    try:
        target_check(f"{scheme}://{host}/{path}")
    except TargetError as refused:
        reason = str(refused)
    assert reason
