"""Webhook tests never look host names up: literal addresses resolve to themselves."""

from __future__ import annotations

import socket

import pytest

from cxgov.webhooks import transport


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    def resolve(host: str, port: int) -> list[str]:
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        except OSError:
            raise socket.gaierror("no lookups in tests") from None
        return [host]

    monkeypatch.setattr(transport, "host_addresses", resolve)
