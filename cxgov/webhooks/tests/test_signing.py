"""The signature header: HMAC-SHA256 of "<t>.<body>", refused when tampered, old or garbled."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from cxgov.webhooks.signing import secret_new, signature_header, signature_verify

SECRET = "whsec_test-secret"
BODY = b'{"id":"e1","type":"complaint.created"}'


def test_the_header_is_the_hmac_of_timestamp_dot_body():
    header = signature_header(secret=SECRET, body=BODY, timestamp=1_767_225_600)
    expected = hmac.new(SECRET.encode(), b"1767225600." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1767225600,v1={expected}"
    assert signature_verify(secret=SECRET, header=header, body=BODY, now=1_767_225_700)


def test_tampered_old_or_foreign_signatures_are_refused():
    header = signature_header(secret=SECRET, body=BODY, timestamp=1_000)
    assert not signature_verify(secret=SECRET, header=header, body=BODY + b" ", now=1_000)
    assert not signature_verify(secret="whsec_other", header=header, body=BODY, now=1_000)
    assert not signature_verify(secret=SECRET, header=header, body=BODY, now=1_000 + 301)
    forged = header.replace("t=1000", "t=1001")
    assert not signature_verify(secret=SECRET, header=forged, body=BODY, now=1_001)


def test_a_header_with_several_signatures_passes_when_one_matches():
    good = signature_header(secret=SECRET, body=BODY, timestamp=5).split(",")[1]
    header = f"t=5,v1={'0' * 64},{good}"
    assert signature_verify(secret=SECRET, header=header, body=BODY, now=5)


def test_secrets_are_new_each_time_and_marked():
    first, second = secret_new(), secret_new()
    assert first != second
    assert first.startswith("whsec_") and len(first) > 40


@given(st.text(max_size=200), st.binary(max_size=200))
def test_any_header_is_checked_without_error(header, body):
    assert signature_verify(secret=SECRET, header=header, body=body) in (True, False)
