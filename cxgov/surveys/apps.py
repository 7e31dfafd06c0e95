from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "cxgov.surveys"
    label = "surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.surveys.prepared  # noqa: F401 - registers the research export's builder
        from cxgov.benchmarks.measures import measure_provider_register_many
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
            rollups_fold_due_task,
            surveys_close_expired_task,
        )
        from cxgov.surveys.views_clearances import clearance_notices

        register_result_provider(ResultSource.SURVEY, satisfaction_standard_counts)
        measure_provider_register_many("surveys.a11", a11_measures)
        # The index needs each respondent's three answers together: the worker prepares it.
        measure_provider_register_many("surveys.acsi", acsi_measures, respondent_level=True)
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
        periodic_register(
            name="surveys.rollups_fold",
            task=rollups_fold_due_task,
            every_setting="SCHEDULE_ROLLUPS_FOLD_MINUTES",
        )
        staff_notice_register(name="surveys.clearances", provider=clearance_notices)
        _calendar_follow()
        _approvals_register()


def _calendar_follow() -> None:
    """A change of an agency's fiscal year start re-sums its surveys' quarterly rollups."""
    from django.db.models.signals import post_save, pre_save

    from cxgov.core.models import Agency
    from cxgov.surveys.rollups import agency_saved, agency_saving

    pre_save.connect(agency_saving, sender=Agency, dispatch_uid="surveys.rollups_quarters")
    post_save.connect(agency_saved, sender=Agency, dispatch_uid="surveys.rollups_quarters")


def _approvals_register() -> None:
    """Publishing a survey goes through its review (`core.approvals`); the Paperwork Reduction
    Act check runs when it is sent for review and again when it is published."""
    from django.utils.translation import gettext_lazy as _

    from cxgov.core.approval_records import record_kind_register
    from cxgov.core.permissions import Can
    from cxgov.surveys import services
    from cxgov.surveys.selectors import access_survey

    record_kind_register(
        key=services.APPROVAL_KIND,
        label=_("Survey"),
        access=access_survey,
        edit=Can.EDIT_SURVEYS,
        approve=Can.PUBLISH_SURVEYS,
        state=services.survey_approval_state,
        title=lambda survey: survey.title,
        url_name="surveys:survey_detail",
        noun="survey",
        publish=services.survey_publish,
        unpublish=services.survey_unpublish,
        on_submit=lambda *, actor, record: services.survey_publish_check(survey=record),
    )
