"""The demo commands: `cxgov demo` sets the site up, `cxgov load_demo` loads its data once."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from cxgov.core.models import Agency, Membership, User
from cxgov.registry.models import Service
from cxgov.site.demo import DEMO_PASSWORD, DEMO_SITE_ADMIN_EMAIL, DEMO_USERS

pytestmark = pytest.mark.django_db


def test_demo_sets_up_without_serving_and_prints_credentials(capsys, settings):
    settings.DEBUG = True
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    for demo_user in DEMO_USERS:
        assert demo_user.email in out
    assert DEMO_PASSWORD in out
    assert f"Site administrator     {DEMO_SITE_ADMIN_EMAIL}" in out
    assert Agency.objects.filter(slug="fba").exists()
    assert Service.objects.filter(agency__slug="fba").count() >= 3


def test_demo_data_is_deterministic_and_loads_once(demo_data, settings):
    settings.DEBUG = True
    counts = (Agency.objects.count(), Service.objects.count(), User.objects.count())
    memberships = Membership.objects.count()
    call_command("load_demo")
    assert (Agency.objects.count(), Service.objects.count(), User.objects.count()) == counts
    assert Membership.objects.count() == memberships


@pytest.mark.parametrize("argv", [["demo", "--no-serve"], ["load_demo"]])
def test_the_demo_refuses_to_run_when_debug_is_off(argv, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=true") as refused:
        call_command(*argv)
    # `cxgov` prints a CommandError's message and exits with its return code.
    assert refused.value.returncode == 1
    assert not User.objects.exists()
    assert not Agency.objects.exists()


def test_every_demo_user_can_sign_in(demo_data, client):
    for demo_user in DEMO_USERS:
        response = client.post(
            "/accounts/login/", {"username": demo_user.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, demo_user.email
        client.post("/accounts/logout/")


def test_the_demo_site_administrator_opens_the_site_admin_and_no_agency(demo_data, client):
    admin = User.objects.get(email=DEMO_SITE_ADMIN_EMAIL)
    assert admin.is_superuser and admin.is_staff
    assert not Membership.objects.filter(user=admin).exists()
    signed_in = client.post(
        "/accounts/login/", {"username": DEMO_SITE_ADMIN_EMAIL, "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.get("/site-admin/").status_code == 200
    assert client.get("/staff/agencies/fba/").status_code == 404
