from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "cxgov.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.complaints.integrations import (
            complaints_standard_counts,
            followup_for_low_score,
        )
        from cxgov.standards.models import ResultSource
        from cxgov.standards.results import register_result_provider
        from cxgov.surveys.signals import response_submitted

        register_result_provider(ResultSource.COMPLAINTS, complaints_standard_counts)
        response_submitted.connect(followup_for_low_score, dispatch_uid="complaints-followup")
