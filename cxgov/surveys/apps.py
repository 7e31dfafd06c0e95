from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "cxgov.surveys"
    label = "surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.benchmarks.measures import measure_provider_register
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.schedule import periodic_register
        from cxgov.standards.models import ResultSource
        from cxgov.standards.results import register_result_provider
        from cxgov.surveys.integrations import (
            a11_measures,
            acsi_measures,
            satisfaction_standard_counts,
        )
        from cxgov.surveys.tasks import (
            clearances_alert_task,
            invitation_reminders_task,
            surveys_close_expired_task,
        )
        from cxgov.surveys.views_clearances import clearance_notices

        register_result_provider(ResultSource.SURVEY, satisfaction_standard_counts)
        measure_provider_register("surveys.a11", a11_measures)
        measure_provider_register("surveys.acsi", acsi_measures)
        periodic_register(
            name="surveys.close_expired",
            task=surveys_close_expired_task,
            every_setting="SCHEDULE_SURVEYS_CLOSE_EXPIRED_MINUTES",
        )
        periodic_register(
            name="surveys.clearances_alert",
            task=clearances_alert_task,
            every_setting="SCHEDULE_CLEARANCES_ALERT_MINUTES",
        )
        periodic_register(
            name="surveys.invitation_reminders",
            task=invitation_reminders_task,
            every_setting="SCHEDULE_SURVEY_REMINDERS_MINUTES",
        )
        staff_notice_register(name="surveys.clearances", provider=clearance_notices)
