from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed, retried deliveries of an agency's events to the systems it names."""

    name = "cxgov.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from cxgov.core.agency_settings import agency_settings_receiver
        from cxgov.webhooks.models import Subscription
        from cxgov.webhooks.receivers import receivers_connect

        receivers_connect()
        # Which subscriptions want which events is read once per settings version (0065).
        for signal in (post_save, post_delete):
            signal.connect(
                agency_settings_receiver, sender=Subscription, dispatch_uid="webhooks.settings"
            )
