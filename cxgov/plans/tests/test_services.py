"""Plan services: drafts, sections, and published versions frozen at publishing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cxgov.core.approvals import approval_kind
from cxgov.core.models import AuditEvent, DocumentStatus
from cxgov.core.services_approvals import approval_step_take
from cxgov.plans.document import plan_diff
from cxgov.plans.models import Plan, PlanVersion, SectionKey
from cxgov.plans.services import plan_create, plan_publish, plan_section_update
from cxgov.plans.tests.factories import service_with_records
from cxgov.standards.services import standard_update


@pytest.mark.django_db
def test_new_plan_has_every_section_and_is_audited(agency_a, admin_a) -> None:
    plan = plan_create(actor=admin_a, agency=agency_a, year=2027)
    assert plan.status == DocumentStatus.DRAFT
    assert sorted(plan.sections.values_list("key", flat=True)) == sorted(SectionKey.values)
    assert AuditEvent.objects.filter(action="plan.create", target_id=str(plan.pk)).exists()


@pytest.mark.django_db
def test_second_plan_for_the_same_year_is_a_field_error(agency_a) -> None:
    plan_create(actor=None, agency=agency_a, year=2027)
    with pytest.raises(ValidationError) as error:
        plan_create(actor=None, agency=agency_a, year=2027)
    assert "year" in error.value.message_dict
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_unknown_section_is_refused(agency_a) -> None:
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    with pytest.raises(ValidationError):
        plan_section_update(actor=None, plan=plan, key="secrets", text_en="x", text_es="")


@pytest.mark.django_db
def test_publishing_freezes_records_and_numbers_versions(agency_a, admin_a) -> None:
    standard = service_with_records(agency_a)
    plan = plan_create(actor=admin_a, agency=agency_a, year=2027)
    plan_section_update(
        actor=admin_a, plan=plan, key="training", text_en="  We train staff.  ", text_es="Sí."
    )
    first = plan_publish(actor=admin_a, plan=plan)
    assert first.number == 1
    assert first.snapshot["authored"]["training"] == {"en": "We train staff.", "es": "Sí."}
    assert [s["target"] for s in first.snapshot["standards"]] == ["0.9000"]

    standard_update(actor=admin_a, standard=standard, target="0.9500")
    plan_section_update(actor=admin_a, plan=plan, key="training", text_en="Changed.", text_es="")
    first.refresh_from_db()
    assert first.snapshot["standards"][0]["target"] == "0.9000"
    assert first.snapshot["authored"]["training"]["en"] == "We train staff."

    second = plan_publish(actor=admin_a, plan=plan)
    assert second.number == 2
    assert second.snapshot["standards"][0]["target"] == "0.9500"
    assert Plan.objects.get(pk=plan.pk).status == DocumentStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="plan.publish").count() == 2


@pytest.mark.django_db
def test_a_published_version_cannot_be_changed(agency_a) -> None:
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    version = plan_publish(actor=None, plan=plan)
    version.snapshot = {"forged": True}
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        PlanVersion.objects.filter(pk=version.pk).update(snapshot={"forged": True})
    version.refresh_from_db()
    assert "forged" not in version.snapshot


@pytest.mark.django_db
def test_publish_plan_command_publishes_only_an_approved_plan(agency_a, admin_a, analyst_a) -> None:
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    with pytest.raises(CommandError, match="it cannot be published now"):
        call_command("publish_plan", agency="alpha", year=2027, stdout=io.StringIO())
    assert plan.versions.count() == 0
    kind = approval_kind("plan")
    assert kind is not None
    approval_step_take(actor=analyst_a, kind=kind, record=plan, act="submit")
    approval_step_take(actor=admin_a, kind=kind, record=plan, act="approve")
    out = io.StringIO()
    call_command("publish_plan", agency="alpha", year=2027, stdout=out)
    assert "version 1 published" in out.getvalue()
    assert plan.versions.count() == 1
    with pytest.raises(CommandError, match="no plan for agency 'alpha' and fiscal year 2030"):
        call_command("publish_plan", agency="alpha", year=2030)


@pytest.mark.django_db
def test_diff_shows_changes_with_a_little_context(agency_a) -> None:
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    lines = "\n".join(f"Line {n}." for n in range(1, 21))
    plan_section_update(actor=None, plan=plan, key="training", text_en=lines, text_es="")
    first = plan_publish(actor=None, plan=plan)
    plan_section_update(
        actor=None, plan=plan, key="training", text_en=lines.replace("Line 10.", "Ten."), text_es=""
    )
    second = plan_publish(actor=None, plan=plan)
    training = plan_diff(first.snapshot, second.snapshot)[-1]
    kinds = [(line.kind, line.text) for line in training.lines]
    assert ("removed", "Line 10.") in kinds and ("added", "Ten.") in kinds
    assert [kind for kind, _text in kinds].count("skipped") == 2
    assert ("skipped", "5 unchanged lines not shown") in kinds
    assert ("skipped", "6 unchanged lines not shown") in kinds
    assert not any(d.changed for d in plan_diff(first.snapshot, first.snapshot))
