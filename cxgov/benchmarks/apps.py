from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "cxgov.benchmarks"
    label = "benchmarks"
    default_auto_field = "django.db.models.BigAutoField"
