from django.apps import AppConfig


class ActionsConfig(AppConfig):
    """Action plans that turn drivers, missed standards, complaint and employee themes into work."""

    name = "cxgov.actions"
    label = "actions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.actions.notices import overdue_action_notices
        from cxgov.core.notices import staff_notice_register

        staff_notice_register(name="actions.overdue", provider=overdue_action_notices)
