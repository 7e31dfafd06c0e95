from django.apps import AppConfig


class JourneysConfig(AppConfig):
    """Journey maps, personas and life experiences, with each stage's measured burden."""

    name = "cxgov.journeys"
    label = "journeys"
    default_auto_field = "django.db.models.BigAutoField"
