from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "cxgov.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from cxgov.complaints.integrations import (
            complaints_standard_counts,
            followup_for_low_score,
        )
        from cxgov.complaints.models import ClassifierModel, RoutingRule, SlaPolicy
        from cxgov.complaints.notices import narrative_review_notices, overdue_complaint_notices
        from cxgov.complaints.services import complaint_deadlines_recompute
        from cxgov.complaints.tasks import complaints_escalate_task, complaints_fetch_mail_task
        from cxgov.core.agency_settings import agency_settings_receiver
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.schedule import periodic_register
        from cxgov.core.services import calendar_recompute_register
        from cxgov.standards.models import ResultSource
        from cxgov.standards.results import register_result_provider
        from cxgov.surveys.signals import response_submitted

        # What intake reads once per settings version (decision 0065); post_delete also
        # catches the rules and policies a deleted team, service or category takes along.
        for model in (RoutingRule, SlaPolicy, ClassifierModel):
            for signal in (post_save, post_delete):
                signal.connect(
                    agency_settings_receiver,
                    sender=model,
                    dispatch_uid=f"complaints.settings.{model.__name__}",
                )

        register_result_provider(ResultSource.COMPLAINTS, complaints_standard_counts)
        response_submitted.connect(followup_for_low_score, dispatch_uid="complaints-followup")
        periodic_register(
            name="complaints.escalate",
            task=complaints_escalate_task,
            every_setting="SCHEDULE_COMPLAINTS_ESCALATE_MINUTES",
        )
        periodic_register(
            name="complaints.fetch_mail",
            task=complaints_fetch_mail_task,
            every_setting="SCHEDULE_COMPLAINTS_FETCH_MAIL_MINUTES",
            when=lambda: bool(settings.COMPLAINTS_IMAP_HOST),
        )
        staff_notice_register(name="complaints.overdue", provider=overdue_complaint_notices)
        staff_notice_register(name="complaints.narratives", provider=narrative_review_notices)
        calendar_recompute_register(
            name="complaints.deadlines",
            recompute=lambda *, actor, agency, first, last: complaint_deadlines_recompute(
                agency=agency, first=first, last=last
            ),
        )
