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


class _FakeWorker:
    pid = 4242

    def __init__(self) -> None:
        self.stopped = False

    def poll(self):
        return 0 if self.stopped else None

    def terminate(self) -> None:
        self.stopped = True

    def wait(self, timeout=None) -> int:
        return 0


@pytest.mark.parametrize("server_ends", [None, KeyboardInterrupt])
def test_demo_runs_a_worker_beside_the_server_and_stops_it_on_exit(
    server_ends, settings, monkeypatch, capsys
):
    """`cxgov demo` starts `cxgov worker` as a child process and stops it when serving ends."""
    from cxgov.site.management.commands import demo

    settings.DEBUG = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    started: list[list[str]] = []
    worker = _FakeWorker()
    commands: list[str] = []

    def popen(argv, env):
        started.append(argv)
        assert env["DJANGO_SETTINGS_MODULE"] == settings.SETTINGS_MODULE
        return worker

    def command(name, *args, **kwargs):
        commands.append(name)
        assert not worker.stopped, "the worker runs while the server does"
        if name == "runserver" and server_ends is not None:
            raise server_ends

    monkeypatch.setattr(demo.subprocess, "Popen", popen)
    monkeypatch.setattr(demo, "call_command", command)
    if server_ends is None:
        call_command("demo")
    else:
        with pytest.raises(server_ends):
            call_command("demo")
    assert started == [[demo.sys.executable, "-m", "django", "worker"]]
    assert commands[-1] == "runserver"
    assert worker.stopped
    assert "Started the background worker (process 4242)" in capsys.readouterr().out


def test_demo_needs_no_worker_when_tasks_run_at_once(settings, monkeypatch):
    from cxgov.site.management.commands import demo

    settings.DEBUG = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(demo, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(demo.subprocess, "Popen", lambda *args, **kwargs: pytest.fail("started"))
    call_command("demo")
    call_command("demo", "--no-worker")
