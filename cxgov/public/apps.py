from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "cxgov.public"
    label = "public"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.public.prepared  # noqa: F401 - registers the plan PDF's builder
