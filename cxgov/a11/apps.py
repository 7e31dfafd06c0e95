from django.apps import AppConfig


class A11Config(AppConfig):
    """OMB Circular A-11 Section 280: quarterly CX data collections, imports and exports."""

    name = "cxgov.a11"
    label = "a11"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.a11.notices import a11_due_notices
        from cxgov.core.notices import staff_notice_register

        staff_notice_register(name="a11.due", provider=a11_due_notices)
