"""A database made before `Agency` moved from registry to core migrates forward with its data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cxgov.core.models import Agency, AuditEvent, Membership, User
from cxgov.registry.models import Service

BEFORE_MOVE = [("core", "0003_site_grant_import_government_data")]


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    yield executor
    # Whatever the test did, leave the database at the latest state for the tests after it.
    # A test that got there itself leaves nothing to apply: skip rebuilding every model state.
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    if executor.migration_plan(latest):
        executor.migrate(latest)


def test_agencies_their_rows_and_labels_survive_the_move(executor: MigrationExecutor) -> None:
    executor.migrate(BEFORE_MOVE)
    old = executor.loader.project_state(BEFORE_MOVE).apps
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

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Agency.objects.get(slug="old")
    assert (moved.pk, moved.parent.slug) == (agency.pk, "dept")
    assert Service.objects.get(slug="renew").agency == moved
    assert Membership.objects.get(user__email="member@old.example.gov").agency == moved
    event = AuditEvent.objects.get(action="agency.update")
    assert (event.agency, event.target_type) == (moved, "core.agency")
    member = User.objects.get(email="member@old.example.gov")
    assert member.has_perm("core.change_agency")
