from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Customer service plans (EO 12862 section 3): versioned, assembled from live records."""

    name = "cxgov.plans"
    label = "plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext
        from django.utils.translation import gettext_lazy as _

        from cxgov.core.approvals import ApprovalKind, approval_kind_register
        from cxgov.core.permissions import Can
        from cxgov.plans.selectors import access_plan
        from cxgov.plans.services import (
            APPROVAL_KIND,
            plan_approval_state,
            plan_publish,
            plan_unpublish,
        )

        approval_kind_register(
            ApprovalKind(
                key=APPROVAL_KIND,
                label=_("Customer service plan"),
                access=access_plan,
                id_name="plan_id",
                edit=Can.EDIT_PLANS,
                approve=Can.PUBLISH_PLANS,
                state=plan_approval_state,
                title=lambda plan: (
                    gettext("Customer service plan for fiscal year %(year)s") % {"year": plan.year}
                ),
                url=lambda plan: reverse(
                    "plans:plan_detail", kwargs={"slug": plan.agency.slug, "plan_id": plan.pk}
                ),
                on_publish=lambda *, actor, record: plan_publish(actor=actor, plan=record),
                on_unpublish=lambda *, actor, record, reason: plan_unpublish(
                    actor=actor, plan=record, reason=reason
                ),
            )
        )
