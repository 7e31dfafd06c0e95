from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "cxgov.standards"
    label = "standards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.benchmarks.measures import measure_provider_register_many
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.schedule import periodic_register
        from cxgov.core.services import calendar_recompute_register
        from cxgov.standards.integrations import attainment_measures
        from cxgov.standards.notices import missed_standard_notices
        from cxgov.standards.services import standards_reclock
        from cxgov.standards.tasks import standard_quantiles_prepare_all_task

        measure_provider_register_many("standards.attainment", attainment_measures)
        staff_notice_register(name="standards.missed", provider=missed_standard_notices)
        calendar_recompute_register(name="standards.elapsed", recompute=standards_reclock)
        periodic_register(
            name="standards.quantiles",
            task=standard_quantiles_prepare_all_task,
            every_setting="SCHEDULE_STANDARD_QUANTILES_MINUTES",
        )
        _approvals_register()


def _approvals_register() -> None:
    """Posting a standard goes through its review (`core.approvals`)."""
    from django.utils.translation import gettext_lazy as _

    from cxgov.core.approval_records import record_kind_register
    from cxgov.core.permissions import Can
    from cxgov.standards import services
    from cxgov.standards.selectors import access_standard

    record_kind_register(
        key=services.APPROVAL_KIND,
        label=_("Service standard"),
        access=access_standard,
        edit=Can.EDIT_STANDARDS,
        approve=Can.POST_STANDARDS,
        state=services.standard_approval_state,
        title=lambda standard: standard.statement,
        url_name="standards:standard_detail",
        noun="standard",
        publish=services.standard_post,
        unpublish=services.standard_unpost,
    )
