from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "cxgov.standards"
    label = "standards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.benchmarks.measures import measure_provider_register
        from cxgov.core.notices import staff_notice_register
        from cxgov.standards.integrations import attainment_measures
        from cxgov.standards.notices import missed_standard_notices

        measure_provider_register("standards.attainment", attainment_measures)
        staff_notice_register(name="standards.missed", provider=missed_standard_notices)
