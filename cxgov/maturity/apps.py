from django.apps import AppConfig


class MaturityConfig(AppConfig):
    """The annual CX maturity (capacity) self-assessment of OMB A-11 Section 280."""

    name = "cxgov.maturity"
    label = "maturity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.maturity.prepared  # noqa: F401 - registers the indicators' builder
