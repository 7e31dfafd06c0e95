from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "cxgov.site"
    label = "site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.site.translations import translation_tracking_connect

        translation_tracking_connect()
