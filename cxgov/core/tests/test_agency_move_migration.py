"""A database made before `Agency` moved from registry to core migrates forward with its data."""

from __future__ import annotations

import pytest

from cxgov.core.models import Agency, AuditEvent, Membership, User
from cxgov.registry.models import Service
from cxgov.testing.migrations import migrate_to_before, migrate_to_latest

BEFORE_MOVE = [("core", "0003_site_grant_import_government_data")]


@pytest.mark.usefixtures("migrating_database")
def test_agencies_their_rows_and_labels_survive_the_move() -> None:
    old = migrate_to_before(BEFORE_MOVE)
    old_agency = old.get_model("registry", "Agency")
    parent = old_agency.objects.create(name="Department", slug="dept")
    agency = old_agency.objects.create(name="Old Agency", slug="old", parent=parent)
    old.get_model("registry", "Service").objects.create(agency=agency, name="Renew", slug="renew")
    user = old.get_model("core", "User").objects.create(email="member@old.example.gov")
    old.get_model("core", "Membership").objects.create(user=user, agency=agency, role="cx_analyst")
    old.get_model("core", "AuditEvent").objects.create(
        agency=agency, action="agency.update", target_type="registry.agency", target_id=agency.pk
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="registry", model="agency"
    )[0]
    grant = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="change_agency", defaults={"name": "Can change agency"}
    )[0]
    user.user_permissions.add(grant)

    migrate_to_latest()

    moved = Agency.objects.get(slug="old")
    assert (moved.pk, moved.parent.slug) == (agency.pk, "dept")
    assert Service.objects.get(slug="renew").agency == moved
    assert Membership.objects.get(user__email="member@old.example.gov").agency == moved
    event = AuditEvent.objects.get(action="agency.update")
    assert (event.agency, event.target_type) == (moved, "core.agency")
    member = User.objects.get(email="member@old.example.gov")
    assert member.has_perm("core.change_agency")
