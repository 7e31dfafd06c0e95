from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cxgov.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.reports.prepared  # noqa: F401 - registers the report PDF's builder

        # The worker stores each fiscal year's report analysis when responses change, so the
        # report page never asks for one while it is read.
        from cxgov.reports.selectors.drivers import report_driver_specs
        from cxgov.surveys.services import drivers_spec_provider_register

        drivers_spec_provider_register(report_driver_specs)
