from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed, retried deliveries of an agency's events to the systems it names."""

    name = "cxgov.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.webhooks.receivers import receivers_connect

        receivers_connect()
