"""Two-step sign-in as production runs it: DEBUG off, STAFF_MFA_REQUIRED at its default.

The rest of the suite mostly signs staff in with force_login and the requirement off; these
tests prove a password alone gets nowhere sensitive when it is on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cxgov.core.models import User
from cxgov.core.services import recovery_codes_replace
from cxgov.testing.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[3]
VERIFY = "/accounts/two-factor/?next="


@pytest.fixture(autouse=True)
def production(db):
    with override_settings(DEBUG=False, STAFF_MFA_REQUIRED=True):
        yield


def _setting_when(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "STAFF_MFA_REQUIRED"}}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.STAFF_MFA_REQUIRED)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_two_step_sign_in_is_required_unless_debug_or_switched_off():
    assert _setting_when() == "True"
    assert _setting_when(DEBUG="false") == "True"
    assert _setting_when(DEBUG="true") == "False"


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in_with_password(client, user: User) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def enrolled(analyst_a) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=analyst_a, name="Authenticator app", confirmed=True)
    return device, recovery_codes_replace(user=analyst_a)


def test_a_password_alone_reaches_no_staff_page_or_session_api(client, analyst_a, agency_a):
    analyst_a.is_superuser = True
    analyst_a.save(update_fields=["is_superuser"])
    _sign_in_with_password(client, analyst_a)
    for path in ("/staff/", f"/staff/agencies/{agency_a.slug}/", "/es/staff/", "/site-admin/"):
        location = client.get(path)["Location"]
        assert location.removeprefix("/es").startswith("/accounts/two-factor/setup/"), path
    assert client.get("/api/v1/me").status_code == 401


def test_with_an_app_enrolled_a_password_alone_is_sent_to_the_second_step(
    client, analyst_a, enrolled
):
    _sign_in_with_password(client, analyst_a)
    for path in ("/staff/", "/staff/tokens/", "/accounts/two-factor/recovery-codes/"):
        assert client.get(path)["Location"].startswith(VERIFY), path


def test_enrolling_or_replacing_the_app_needs_the_current_factor(client, analyst_a, enrolled):
    _sign_in_with_password(client, analyst_a)
    assert client.get("/accounts/two-factor/setup/")["Location"].startswith(VERIFY)
    assert client.post("/accounts/two-factor/setup/", {"code": "123456"})["Location"].startswith(
        VERIFY
    )
    assert TOTPDevice.objects.filter(user=analyst_a).count() == 1
    device, _codes = enrolled
    assert client.post("/accounts/two-factor/", {"code": _current_code(device)}).status_code == 302
    assert client.get("/accounts/two-factor/setup/").status_code == 200


def test_replacing_a_lost_app_works_with_a_recovery_code(client, analyst_a, enrolled):
    _device, codes = enrolled
    _sign_in_with_password(client, analyst_a)
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    assert client.get("/accounts/two-factor/setup/").status_code == 200


def test_creating_a_token_needs_the_second_factor(client, analyst_a, enrolled):
    token = {"name": "x", "scope": "read", "areas": ["surveys"], "expires_in_days": 30}
    _sign_in_with_password(client, analyst_a)
    assert client.post("/staff/tokens/", token)["Location"].startswith(VERIFY)
    api = client.post("/api/v1/tokens", token, content_type="application/json")
    assert api.status_code in {401, 403}
    assert not analyst_a.api_tokens.exists()
    _device, codes = enrolled
    client.post("/accounts/two-factor/", {"code": codes[0]})
    assert client.post("/staff/tokens/", token).status_code == 200
    assert analyst_a.api_tokens.count() == 1


def test_changing_the_password_needs_the_second_factor(client, analyst_a, enrolled):
    new_password = {
        "old_password": PASSWORD,
        "new_password1": "another-long-passphrase-7720",
        "new_password2": "another-long-passphrase-7720",
    }
    _sign_in_with_password(client, analyst_a)
    assert client.post("/accounts/password/", new_password)["Location"].startswith(VERIFY)
    analyst_a.refresh_from_db()
    assert analyst_a.check_password(PASSWORD)
    device, _codes = enrolled
    client.post("/accounts/two-factor/", {"code": _current_code(device)})
    assert client.post("/accounts/password/", new_password).status_code == 302
    analyst_a.refresh_from_db()
    assert analyst_a.check_password("another-long-passphrase-7720")
