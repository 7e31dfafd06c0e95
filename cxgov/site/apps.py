from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "cxgov.site"
    label = "site"
    default_auto_field = "django.db.models.BigAutoField"
