from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "cxgov.standards"
    label = "standards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.benchmarks.measures import measure_provider_register
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.services import calendar_recompute_register
        from cxgov.standards.integrations import attainment_measures
        from cxgov.standards.notices import missed_standard_notices
        from cxgov.standards.services import standards_reclock

        measure_provider_register("standards.attainment", attainment_measures)
        staff_notice_register(name="standards.missed", provider=missed_standard_notices)
        calendar_recompute_register(name="standards.elapsed", recompute=standards_reclock)
        _approvals_register()


def _approvals_register() -> None:
    """Posting a standard goes through its review (`core.approvals`)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from cxgov.core.approvals import ApprovalKind, approval_kind_register
    from cxgov.core.permissions import Can
    from cxgov.standards.selectors import access_standard
    from cxgov.standards.services import (
        APPROVAL_KIND,
        standard_approval_state,
        standard_post,
        standard_unpost,
    )

    approval_kind_register(
        ApprovalKind(
            key=APPROVAL_KIND,
            label=_("Service standard"),
            access=access_standard,
            id_name="standard_id",
            edit=Can.EDIT_STANDARDS,
            approve=Can.POST_STANDARDS,
            state=standard_approval_state,
            title=lambda standard: standard.statement,
            url=lambda standard: reverse(
                "standards:standard_detail",
                kwargs={"slug": standard.agency.slug, "standard_id": standard.pk},
            ),
            on_publish=lambda *, actor, record: standard_post(actor=actor, standard=record),
            on_unpublish=lambda *, actor, record, reason: standard_unpost(
                actor=actor, standard=record, reason=reason
            ),
        )
    )
