"""Settings come from the environment, fail loudly when wrong, and default to secure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]


def test_env_bool_rejects_words_it_does_not_know():
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", default=False, environ={"DEBUG": "maybe"})


def test_env_bool_reads_common_spellings():
    assert env_bool("X", default=False, environ={"X": "Yes"}) is True
    assert env_bool("X", default=True, environ={"X": "off"}) is False
    assert env_bool("X", default=True, environ={}) is True


def test_env_int_names_the_variable_and_the_problem():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='twenty' is not a whole number"):
        env_int("EMAIL_PORT", default=25, environ={"EMAIL_PORT": "twenty"})
    with pytest.raises(ImproperlyConfigured, match="below 60"):
        env_int(
            "SESSION_TIMEOUT_SECONDS",
            default=1800,
            minimum=60,
            environ={"SESSION_TIMEOUT_SECONDS": "5"},
        )


def test_env_str_requires_a_value_without_default():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        env_str("SECRET_KEY", environ={"SECRET_KEY": "  "})


def test_env_list_drops_blanks():
    assert env_list("H", default=[], environ={"H": "a.gov, ,b.gov"}) == ["a.gov", "b.gov"]


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_is_required_unless_debug():
    assert "SECRET_KEY is required" in _load_settings().stderr
    assert _load_settings(DEBUG="true").returncode == 0


def test_short_secret_key_is_refused():
    assert "at least 32 characters" in _load_settings(SECRET_KEY="short").stderr


def test_bad_time_zone_is_refused():
    result = _load_settings(DEBUG="true", TIME_ZONE="Mars/Olympus")
    assert "not an IANA time zone" in result.stderr


def test_the_redis_task_queue_needs_its_address():
    refused = _load_settings(DEBUG="true", TASKS_BACKEND="django_tasks_rq.RQBackend")
    assert "set REDIS_URL" in refused.stderr
    accepted = _load_settings(
        DEBUG="true",
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert accepted.returncode == 0, accepted.stderr


def test_secure_defaults_when_debug_is_off(settings):
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.X_FRAME_OPTIONS == "DENY"


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
