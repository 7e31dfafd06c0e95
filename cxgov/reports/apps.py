from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cxgov.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.reports.prepared  # noqa: F401 - registers the report PDF's builder
