from django.apps import AppConfig


class ActionsConfig(AppConfig):
    """Action plans that turn drivers, missed standards, complaint and employee themes into work."""

    name = "cxgov.actions"
    label = "actions"
    default_auto_field = "django.db.models.BigAutoField"
