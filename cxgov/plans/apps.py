from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Customer service plans (EO 12862 section 3): versioned, assembled from live records."""

    name = "cxgov.plans"
    label = "plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext
        from django.utils.translation import gettext_lazy as _

        from cxgov.core.approval_records import record_kind_register
        from cxgov.core.permissions import Can
        from cxgov.plans import services
        from cxgov.plans.selectors import access_plan

        record_kind_register(
            key=services.APPROVAL_KIND,
            label=_("Customer service plan"),
            access=access_plan,
            edit=Can.EDIT_PLANS,
            approve=Can.PUBLISH_PLANS,
            state=services.plan_approval_state,
            title=lambda plan: (
                gettext("Customer service plan for fiscal year %(year)s") % {"year": plan.year}
            ),
            url_name="plans:plan_detail",
            noun="plan",
            publish=services.plan_publish,
            unpublish=services.plan_unpublish,
        )
