from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cxgov.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cxgov.core.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="cxgov.core.session_start")
