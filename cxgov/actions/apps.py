from django.apps import AppConfig


class ActionsConfig(AppConfig):
    """Action plans that turn drivers, missed standards, complaint and employee themes into work,
    and the annual CX action plan built from them."""

    name = "cxgov.actions"
    label = "actions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext
        from django.utils.translation import gettext_lazy as _

        from cxgov.actions import services_plans as services
        from cxgov.actions.notices import overdue_action_notices
        from cxgov.actions.selectors_plans import access_action_plan
        from cxgov.core.approval_records import record_kind_register
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.permissions import Can

        staff_notice_register(name="actions.overdue", provider=overdue_action_notices)
        record_kind_register(
            key=services.APPROVAL_KIND,
            label=_("Annual CX action plan"),
            access=access_action_plan,
            edit=Can.EDIT_PLANS,
            approve=Can.PUBLISH_PLANS,
            state=services.action_plan_approval_state,
            title=lambda plan: (
                gettext("CX action plan for fiscal year %(year)s") % {"year": plan.fiscal_year}
            ),
            url_name="actions:action_plan_detail",
            noun="plan",
            publish=services.action_plan_publish,
            unpublish=services.action_plan_unpublish,
            on_submit=services.action_plan_submit_check,
        )
