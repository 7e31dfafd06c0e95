from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "cxgov.benchmarks"
    label = "benchmarks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.benchmarks.prepared  # noqa: F401 - registers the ranking's and measures' builders
