from django.apps import AppConfig


class ActionsConfig(AppConfig):
    """Action plans that turn drivers, missed standards, complaint and employee themes into work,
    and the annual CX action plan built from them."""

    name = "cxgov.actions"
    label = "actions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.actions.notices import overdue_action_notices
        from cxgov.actions.views_plans import ACTION_PLAN
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.views_documents import document_kind_register

        staff_notice_register(name="actions.overdue", provider=overdue_action_notices)
        document_kind_register(ACTION_PLAN)
