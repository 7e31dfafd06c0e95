"""Project-wide fixtures: the named personas every test can use.

- agency_a, agency_b: two agencies.
- admin_a: agency administrator of A.   analyst_a: CX analyst of A.
- handler_a: complaint handler of A.   handler_b: complaint handler of B.
- The anonymous visitor is the plain `client`.
- role_a_client(role): a new person holding only that role in A, signed in.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from cxgov.core.models import Agency, Role, User
from cxgov.testing.factories import AgencyFactory, MembershipFactory, UserFactory

# The browser harness (`browser`, `page`, `page_without_js`), `demo_data`, the demo loaded once,
# and `migrating_database`, an empty database for a test of one migration.
pytest_plugins = ["cxgov.testing.browser", "cxgov.testing.demo", "cxgov.testing.migrations"]

# Tests never assert wall-clock time: both suites share two cores in CI, so a slow example or a
# slow draw is load, not a failure. Each test still sets its own example count.
hypothesis_settings.register_profile(
    "cxgov", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
hypothesis_settings.load_profile("cxgov")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Tests render templates without a collectstatic manifest; WhiteNoise serves from finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # A million PBKDF2 rounds take half a second; the suite makes thousands of users and
    # sign-ins, which took a third of its time. Production keeps Django's default count.
    settings.PASSWORD_HASHERS = ["cxgov.testing.hashers.OneRoundPBKDF2PasswordHasher"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run after the others, in the order collected."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """With BROWSER_TESTS_CLAIMS=<folder>, run a browser test only if this run claims it first.

    `make test` runs the SQLite and PostgreSQL suites side by side on two cores, and each takes
    the browser tests one at a time once its other tests are done: every browser test runs
    once, and the run that finishes its own tests first takes more of them, so both end
    together. A test the other run took is not run here and not reported.
    """
    folder = os.environ.get("BROWSER_TESTS_CLAIMS", "")
    if not folder or item.get_closest_marker("browser") is None:
        return None
    claim = Path(folder) / hashlib.sha256(item.nodeid.encode()).hexdigest()
    try:
        os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        _BROWSER_TESTS_LEFT_TO_OTHER_RUN.append(item.nodeid)
        # What running it would have ended with: the scopes the next test does not share close.
        item.session._setupstate.teardown_exact(nextitem)
        return True
    return None


_BROWSER_TESTS_LEFT_TO_OTHER_RUN: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _BROWSER_TESTS_LEFT_TO_OTHER_RUN:
        terminalreporter.write_line(
            f"{len(_BROWSER_TESTS_LEFT_TO_OTHER_RUN)} browser tests ran in the other database's"
            " run (BROWSER_TESTS_CLAIMS)."
        )


@pytest.fixture
def agency_a(db: None) -> Agency:
    return AgencyFactory(name="Agency Alpha", slug="alpha", abbreviation="AA")


@pytest.fixture
def agency_b(db: None) -> Agency:
    return AgencyFactory(name="Agency Bravo", slug="bravo", abbreviation="AB")


def _member(agency: Agency, role: Role, email: str) -> User:
    user = UserFactory(email=email)
    MembershipFactory(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def admin_a(agency_a: Agency) -> User:
    return _member(agency_a, Role.AGENCY_ADMIN, "admin@alpha.example.gov")


@pytest.fixture
def analyst_a(agency_a: Agency) -> User:
    return _member(agency_a, Role.CX_ANALYST, "analyst@alpha.example.gov")


@pytest.fixture
def handler_a(agency_a: Agency) -> User:
    return _member(agency_a, Role.COMPLAINT_HANDLER, "handler@alpha.example.gov")


@pytest.fixture
def handler_b(agency_b: Agency) -> User:
    return _member(agency_b, Role.COMPLAINT_HANDLER, "handler@bravo.example.gov")


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_a_client(admin_a: User) -> Client:
    return _signed_in(admin_a)


@pytest.fixture
def analyst_a_client(analyst_a: User) -> Client:
    return _signed_in(analyst_a)


@pytest.fixture
def handler_b_client(handler_b: User) -> Client:
    return _signed_in(handler_b)


@pytest.fixture
def role_a_client(agency_a: Agency) -> Callable[[Role], Client]:
    """Signs in a new person holding only `role` in agency A: `role_a_client(Role.OVERSIGHT)`."""

    def sign_in(role: Role) -> Client:
        return _signed_in(_member(agency_a, role, f"only-{role.value}@alpha.example.gov"))

    return sign_in


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """Each test starts in English, whatever language an earlier test left active."""
    translation.activate("en")
    yield
    translation.activate("en")
