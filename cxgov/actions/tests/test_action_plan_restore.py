"""An agency archive carries its annual CX action plans: text, chosen items and the published
snapshot come back on restore (`registry.transfer`)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from cxgov.actions.models import ActionPlan
from cxgov.actions.services_plans import (
    action_plan_create,
    action_plan_items_choose,
    action_plan_publish,
    action_plan_update,
)
from cxgov.actions.tests.factories import ActionItemFactory
from cxgov.core.models import DocumentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_restored_agency_keeps_its_published_action_plan(agency_a, analyst_a, tmp_path):
    item = ActionItemFactory(
        agency=agency_a, owner=analyst_a, title="Shorten the queue", due_date=date(2030, 3, 1)
    )
    plan = action_plan_create(actor=None, agency=agency_a, fiscal_year=2030)
    action_plan_update(
        actor=None,
        plan=plan,
        summary_en="Faster calls.",
        summary_es="Llamadas más rápidas.",
        budget_notes_en="",
        budget_notes_es="",
    )
    action_plan_items_choose(actor=None, plan=plan, items=[item])
    action_plan_publish(actor=None, plan=plan)
    archive = tmp_path / "alpha.zip"
    call_command(
        "export_agency", "--agency", "alpha", "--output", str(archive), stdout=io.StringIO()
    )

    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not ActionPlan.objects.exists()
    call_command("import_agency", str(archive), stdout=io.StringIO())

    restored = ActionPlan.objects.get(agency__slug="alpha")
    assert restored.status == DocumentStatus.PUBLISHED
    assert restored.summary_es == "Llamadas más rápidas."
    assert [i.title for i in restored.items.all()] == ["Shorten the queue"]
    assert [i["title"] for i in restored.snapshot["planned"]] == ["Shorten the queue"]
