"""Loaded by pytest with -p before Django starts: a fixed secret for the test run.

Tests run with DEBUG off, as production does, so settings need a SECRET_KEY.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-used-only-by-the-test-suite-0123456789")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Most tests sign staff in with force_login; test_mfa.py turns the requirement on and proves
# that a staff user without a verified second factor reaches no staff page.
os.environ.setdefault("STAFF_MFA_REQUIRED", "false")
# Hypothesis tests post many forms from one address; test_rate_limits.py and
# test_login_throttle.py turn the limits on.
os.environ.setdefault("PUBLIC_WRITES_PER_MINUTE", "0")
os.environ.setdefault("STATUS_LOOKUPS_PER_MINUTE", "0")
os.environ.setdefault("API_WRITES_PER_MINUTE", "0")
os.environ.setdefault("API_READS_PER_MINUTE", "0")
os.environ.setdefault("LOGIN_ADDRESS_FAILURE_LIMIT", "0")
