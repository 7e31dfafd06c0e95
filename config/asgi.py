"""ASGI entry point: Django's handler, stopping an undeclared-length body at its cap."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from cxgov.core.faults import CappedASGIHandler  # noqa: E402 - needs the settings loaded

application = CappedASGIHandler()
