from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cxgov.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from cxgov.core.languages import language_info_register

        # Before any page asks for a language's name: Tagalog and Haitian Creole.
        language_info_register()

        from cxgov.core.auth import sign_in_audited, sign_in_refusal_audited, sign_out_audited
        from cxgov.core.middleware import session_start
        from cxgov.core.notices import staff_notice_register
        from cxgov.core.views_approvals import approval_notices

        user_logged_in.connect(session_start, dispatch_uid="cxgov.core.session_start")
        # Every sign-in decision is an audit event (OWASP ASVS V7.2.1).
        user_logged_in.connect(sign_in_audited, dispatch_uid="cxgov.core.sign_in_audited")
        user_login_failed.connect(
            sign_in_refusal_audited, dispatch_uid="cxgov.core.sign_in_refusal_audited"
        )
        user_logged_out.connect(sign_out_audited, dispatch_uid="cxgov.core.sign_out_audited")
        # Records sent for review or approved, for the members who may approve them.
        staff_notice_register(name="core.approvals", provider=approval_notices)

        from django.db.models.signals import post_delete, post_save

        from cxgov.core.agency_settings import agency_created_receiver, agency_settings_receiver
        from cxgov.core.models import Agency, AgencyClosure

        # Closed days are part of the settings intake reads once per version (decision 0065).
        for signal in (post_save, post_delete):
            signal.connect(
                agency_settings_receiver, sender=AgencyClosure, dispatch_uid="core.closures"
            )
        post_save.connect(agency_created_receiver, sender=Agency, dispatch_uid="core.agency_new")

        from cxgov.core.schedule import periodic_register
        from cxgov.core.tasks import partitions_create_task, prepared_files_prune_task

        periodic_register(
            name="core.prepared_files_prune",
            task=prepared_files_prune_task,
            every_setting="SCHEDULE_PREPARED_FILES_PRUNE_MINUTES",
        )
        periodic_register(
            name="core.partitions_create",
            task=partitions_create_task,
            every_setting="SCHEDULE_PARTITIONS_CREATE_MINUTES",
        )
