from django.apps import AppConfig


class A11Config(AppConfig):
    """OMB Circular A-11 Section 280: quarterly CX data collections, imports and exports."""

    name = "cxgov.a11"
    label = "a11"
    default_auto_field = "django.db.models.BigAutoField"
