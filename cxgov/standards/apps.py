from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "cxgov.standards"
    label = "standards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.benchmarks.measures import measure_provider_register
        from cxgov.standards.integrations import attainment_measures

        measure_provider_register("standards.attainment", attainment_measures)
