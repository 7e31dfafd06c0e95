"""The role table is the one source of who may do what, and docs/permissions.md follows it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command

from cxgov.core.models import Membership, Role
from cxgov.core.permissions import (
    CAPABILITY_TEXT,
    ROLE_CAPABILITIES,
    SITE_CAPABILITIES,
    Can,
    permissions_markdown,
    roles_with,
    user_can,
)


def test_docs_permissions_md_matches_the_table():
    doc = Path(settings.BASE_DIR) / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == permissions_markdown(), (
        "docs/permissions.md is out of date: run `python manage.py permissions_doc`"
    )


def test_permissions_doc_command_writes_the_table(tmp_path):
    target = tmp_path / "permissions.md"
    call_command("permissions_doc", path=target, stdout=StringIO())
    assert target.read_text(encoding="utf-8") == permissions_markdown()


def test_every_role_and_capability_is_in_the_table():
    assert set(ROLE_CAPABILITIES) == set(Role)
    assert set(CAPABILITY_TEXT) == set(Can)
    held = set().union(*ROLE_CAPABILITIES.values())
    assert held | SITE_CAPABILITIES == set(Can)


def test_no_agency_role_holds_a_site_wide_capability():
    for need in SITE_CAPABILITIES:
        assert roles_with(need) == frozenset()


def test_every_role_may_view_its_agency():
    assert roles_with(Can.VIEW_AGENCY) == frozenset(Role)


@pytest.mark.django_db
def test_site_grant_comes_from_the_user_permission_not_a_role(agency_a, analyst_a):
    Membership.objects.create(user=analyst_a, agency=agency_a, role=Role.OVERSIGHT)
    assert not user_can(user=analyst_a, agency=agency_a, need=Can.IMPORT_GOVERNMENT_DATA)
    grant = Permission.objects.get(
        content_type__app_label="core", codename=Can.IMPORT_GOVERNMENT_DATA.value
    )
    analyst_a.user_permissions.add(grant)
    analyst_a = type(analyst_a).objects.get(pk=analyst_a.pk)
    assert user_can(user=analyst_a, agency=None, need=Can.IMPORT_GOVERNMENT_DATA)


@pytest.mark.django_db
def test_user_can_answers_from_the_role_held_in_that_agency(analyst_a, agency_a, agency_b):
    assert user_can(user=analyst_a, agency=agency_a, need=Can.EDIT_SURVEYS)
    assert not user_can(user=analyst_a, agency=agency_a, need=Can.EDIT_SERVICES)
    assert not user_can(user=analyst_a, agency=agency_b, need=Can.VIEW_AGENCY)
