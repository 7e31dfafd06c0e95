"""Recovery codes: shown once, stored only hashed, single use, throttled, and replaceable."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cxgov.core.models import AuditEvent, RecoveryCode
from cxgov.core.services import recovery_codes_replace
from cxgov.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

CODE_ON_PAGE = re.compile(r"<li><code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code></li>")


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """An authenticator app and ten recovery codes, set up before the test."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, recovery_codes_replace(user=user)


def _all_stored_text() -> str:
    """Every value of every recovery-code and backup-code row, as one string."""
    with connection.cursor() as cursor:
        rows = []
        for table in ("core_recoverycode", "core_recoverycodedevice", "otp_static_statictoken"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            rows.extend(cursor.fetchall())
    return repr(rows)


def test_enrolment_shows_ten_codes_once_and_stores_only_their_hashes(client, analyst_a):
    _sign_in(client, analyst_a)
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=analyst_a)
    response = client.post("/accounts/two-factor/setup/", {"code": _current_code(device)})
    codes = CODE_ON_PAGE.findall(response.content.decode())
    assert len(set(codes)) == 10
    assert "no-store" in response["Cache-Control"]
    stored = _all_stored_text()
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
    assert RecoveryCode.objects.filter(device__user=analyst_a, used_at=None).count() == 10
    assert not StaticDevice.objects.exists()


def test_a_recovery_code_signs_in_once_and_the_owner_is_told_how_many_are_left(
    client, analyst_a, mailoutbox, django_capture_on_commit_callbacks
):
    _device, codes = _enrolled(analyst_a)
    _sign_in(client, analyst_a)
    with django_capture_on_commit_callbacks(execute=True):
        # Typed in capitals with spaces instead of hyphens, as people copy them.
        typed = codes[3].upper().replace("-", " ")
        response = client.post("/accounts/two-factor/", {"code": typed, "next": "/staff/"})
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert [message.subject for message in mailoutbox] == [
        "A recovery code was used to sign in to your cxgov account"
    ]
    assert "9 recovery codes left" in mailoutbox[0].body
    assert mailoutbox[0].to == [analyst_a.email]
    assert AuditEvent.objects.get(action="mfa.recovery_code_use").data == {"left": 9}
    client.post("/accounts/logout/")

    _sign_in(client, analyst_a)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1)):
        assert client.post("/accounts/two-factor/", {"code": codes[3]}).status_code == 400
    assert client.get("/staff/")["Location"].startswith("/accounts/two-factor/")


def test_wrong_recovery_codes_slow_the_next_attempt_down(client, analyst_a):
    _device, codes = _enrolled(analyst_a)
    _sign_in(client, analyst_a)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        # Each failure doubles the wait before the next try counts: 1, 2, then 4 seconds.
        for guess, wait in (("aaaa-bbbb-cccc", 1), ("dddd-eeee-ffff", 2), ("gggg-hhhh-jjjj", 3)):
            assert client.post("/accounts/two-factor/", {"code": guess}).status_code == 400
            traveller.shift(wait)
        # A right code inside the wait is refused and stays unused.
        assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 400
        assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 0
        traveller.shift(10)
        assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302


def test_an_app_code_does_not_count_against_the_recovery_codes(client, analyst_a):
    device, _codes = _enrolled(analyst_a)
    _sign_in(client, analyst_a)
    assert client.post("/accounts/two-factor/", {"code": _current_code(device)}).status_code == 302
    recovery = RecoveryCode.objects.first().device
    assert recovery.throttling_failure_count == 0


def test_a_recovery_code_lets_the_owner_replace_a_lost_authenticator(
    client, analyst_a, mailoutbox, django_capture_on_commit_callbacks
):
    lost, codes = _enrolled(analyst_a)
    _sign_in(client, analyst_a)
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    assert client.get("/accounts/two-factor/setup/").status_code == 200
    new = TOTPDevice.objects.get(user=analyst_a, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/two-factor/setup/", {"code": _current_code(new)})
    assert len(CODE_ON_PAGE.findall(response.content.decode())) == 10
    assert list(TOTPDevice.objects.filter(user=analyst_a)) == [new]
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    # The old codes went with the old authenticator.
    client.post("/accounts/logout/")
    _sign_in(client, analyst_a)
    assert client.post("/accounts/two-factor/", {"code": codes[1]}).status_code == 400


def test_new_codes_need_the_second_factor(client, analyst_a):
    _device, _codes = _enrolled(analyst_a)
    replaced_before = AuditEvent.objects.filter(action="mfa.recovery_codes_replace").count()
    _sign_in(client, analyst_a)
    for method in (client.get, client.post):
        response = method("/accounts/two-factor/recovery-codes/")
        assert response["Location"].startswith("/accounts/two-factor/?next=")
    assert AuditEvent.objects.filter(action="mfa.recovery_codes_replace").count() == replaced_before
    assert RecoveryCode.objects.filter(used_at=None).count() == 10


def test_new_codes_replace_the_old_ones_and_the_owner_is_told(
    client, analyst_a, mailoutbox, django_capture_on_commit_callbacks
):
    device, old = _enrolled(analyst_a)
    _sign_in(client, analyst_a)
    client.post("/accounts/two-factor/", {"code": _current_code(device)})
    page = client.get("/accounts/two-factor/recovery-codes/")
    assert "You have 10 unused recovery codes." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/two-factor/recovery-codes/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = CODE_ON_PAGE.findall(response.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert [message.subject for message in mailoutbox] == [
        "New recovery codes were made for your cxgov account; the old ones no longer work"
    ]
    assert AuditEvent.objects.filter(action="mfa.recovery_codes_replace", actor=analyst_a).exists()
    # The session stays verified; the old codes no longer sign in, the new ones do.
    assert client.get("/staff/").status_code == 200
    client.post("/accounts/logout/")
    _sign_in(client, analyst_a)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.post("/accounts/two-factor/", {"code": old[0]}).status_code == 400
        traveller.shift(5)
        assert client.post("/accounts/two-factor/", {"code": new[0]}).status_code == 302


def test_the_codes_page_sends_someone_without_an_app_to_set_one_up(analyst_a_client):
    response = analyst_a_client.get("/accounts/two-factor/recovery-codes/")
    assert response["Location"].startswith("/accounts/two-factor/setup/?next=")


def test_the_codes_page_speaks_spanish(client, analyst_a):
    device, _codes = _enrolled(analyst_a)
    _sign_in(client, analyst_a)
    client.post("/accounts/two-factor/", {"code": _current_code(device)})
    page = client.get("/es/accounts/two-factor/recovery-codes/").content.decode()
    assert "Códigos de recuperación" in page
    assert "Tiene 10 códigos de recuperación sin usar." in page


def test_an_administrators_reset_removes_the_recovery_codes(
    admin_a_client, admin_a, analyst_a, agency_a
):
    _enrolled(analyst_a)
    admin_device = TOTPDevice.objects.create(user=admin_a, name="phone", confirmed=True)
    session = admin_a_client.session
    session["otp_device_id"] = admin_device.persistent_id
    session.save()
    membership = analyst_a.memberships.get()
    admin_a_client.post(
        f"/staff/agencies/{agency_a.slug}/members/{membership.pk}/reset-two-factor/"
    )
    assert not RecoveryCode.objects.filter(device__user=analyst_a).exists()


def test_plaintext_backup_codes_from_before_are_hashed_by_the_migration(client, analyst_a):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cxgov.core.migrations.0009_recovery_codes")
    TOTPDevice.objects.create(user=analyst_a, name="Authenticator app", confirmed=True)
    static = StaticDevice.objects.create(user=analyst_a, name="Backup codes", confirmed=True)
    static.token_set.create(token="oldcode7")
    migration.hash_plaintext_backup_codes(apps, None)
    assert not StaticDevice.objects.exists()
    assert "oldcode7" not in _all_stored_text()
    _sign_in(client, analyst_a)
    assert client.post("/accounts/two-factor/", {"code": "oldcode7"}).status_code == 302
