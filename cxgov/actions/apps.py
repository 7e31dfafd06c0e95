from django.apps import AppConfig


class ActionsConfig(AppConfig):
    """Action plans that turn drivers, missed standards, complaint and employee themes into work,
    and the annual CX action plan built from them."""

    name = "cxgov.actions"
    label = "actions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext
        from django.utils.translation import gettext_lazy as _

        from cxgov.actions.notices import overdue_action_notices
        from cxgov.actions.selectors_plans import access_action_plan
        from cxgov.actions.services_plans import (
            APPROVAL_KIND,
            action_plan_approval_state,
            action_plan_publish,
            action_plan_submit_check,
            action_plan_unpublish,
        )
        from cxgov.core.approvals import ApprovalKind, approval_kind_register
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.permissions import Can

        staff_notice_register(name="actions.overdue", provider=overdue_action_notices)
        approval_kind_register(
            ApprovalKind(
                key=APPROVAL_KIND,
                label=_("Annual CX action plan"),
                access=access_action_plan,
                id_name="action_plan_id",
                edit=Can.EDIT_PLANS,
                approve=Can.PUBLISH_PLANS,
                state=action_plan_approval_state,
                title=lambda plan: (
                    gettext("CX action plan for fiscal year %(year)s") % {"year": plan.fiscal_year}
                ),
                url=lambda plan: reverse(
                    "actions:action_plan_detail",
                    kwargs={"slug": plan.agency.slug, "action_plan_id": plan.pk},
                ),
                on_submit=action_plan_submit_check,
                on_publish=lambda *, actor, record: action_plan_publish(actor=actor, plan=record),
                on_unpublish=lambda *, actor, record, reason: action_plan_unpublish(
                    actor=actor, plan=record, reason=reason
                ),
            )
        )
