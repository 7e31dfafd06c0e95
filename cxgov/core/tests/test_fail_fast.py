"""A database or mail server that accepts connections and never answers fails fast and cleanly."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.mail import EmailMessage
from django.db import OperationalError, connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.db.backends.utils import CursorWrapper

from config.database import database_settings
from cxgov.core.models import DeadLetter
from cxgov.core.tasks import email_send
from cxgov.testing.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A server on 127.0.0.1 that accepts TCP connections and never sends a byte; its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for peer in held:
        peer.close()
    listener.close()


def _hung_postgres(port: int) -> DatabaseWrapper:
    entry = database_settings(
        f"postgres://cxgov:secret@127.0.0.1:{port}/cxgov", connect_timeout=1, statement_timeout=1
    )
    # Fill in the keys Django adds to every DATABASES entry (TIME_ZONE, TEST, ...).
    filled = connections.configure_settings({"default": entry})["default"]
    return DatabaseWrapper(filled, alias="black_hole")


def test_postgres_settings_carry_connect_and_statement_timeouts():
    entry = database_settings(
        "postgres://u@db.example.gov:5432/cxgov?options=-c%20search_path%3Dcx",
        connect_timeout=5,
        statement_timeout=30,
    )
    assert entry["OPTIONS"]["connect_timeout"] == 5
    assert entry["OPTIONS"]["options"] == "-c search_path=cx -c statement_timeout=30000"
    sqlite = database_settings("sqlite:///tmp/x.sqlite3", connect_timeout=5, statement_timeout=30)
    assert sqlite["OPTIONS"]["timeout"] == 5


def test_connecting_to_a_database_that_never_answers_fails_with_an_operational_error(black_hole):
    hung = _hung_postgres(black_hole)
    with pytest.raises(OperationalError, match="timeout"):
        hung.ensure_connection()


def test_a_page_whose_database_hangs_answers_503(client, black_hole):
    agency = AgencyFactory(slug="fba")
    hung = _hung_postgres(black_hole)
    with (
        mock.patch.object(
            CursorWrapper, "execute", side_effect=lambda *a, **k: hung.ensure_connection()
        ),
        mock.patch.object(
            CursorWrapper, "executemany", side_effect=lambda *a: hung.ensure_connection()
        ),
    ):
        response = client.get(f"/agencies/{agency.slug}/complaints/new/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "OperationalError" not in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_the_running_postgres_connection_has_the_statement_timeout(settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
    assert shown == f"{settings.DATABASE_STATEMENT_TIMEOUT_SECONDS}s"
    # A cancelled statement is an OperationalError, which the faults middleware answers with 503.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        with pytest.raises(OperationalError):
            cursor.execute("SELECT pg_sleep(5)")


def test_email_timeout_comes_from_settings(settings):
    assert settings.EMAIL_TIMEOUT == 10


def test_a_mail_server_that_never_answers_fails_the_send_instead_of_hanging(settings, black_hole):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = black_hole
    settings.EMAIL_TIMEOUT = 0.5
    with pytest.raises((TimeoutError, smtplib.SMTPException)):
        EmailMessage(subject="Hello", body="Body", to=["someone@example.gov"]).send()


def test_the_email_task_against_a_hung_server_is_dead_lettered(settings, black_hole):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = black_hole
    settings.EMAIL_TIMEOUT = 0.5
    settings.TASK_MAX_ATTEMPTS = 1
    email_send.enqueue(subject="Your complaint", body="Body", to=["someone@example.gov"])
    dead = DeadLetter.objects.get()
    assert dead.task_path == "cxgov.core.tasks.email_send"
    assert "timed out" in dead.error
