from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "cxgov.public"
    label = "public"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.public.prepared  # noqa: F401 - registers the plan PDF's builder
        from cxgov.maturity.indicators import accessibility_conformance_register
        from cxgov.public.acr import conformance_counts

        # The maturity indicators read the conformance report through this, as a domain app
        # may not import the public site.
        accessibility_conformance_register(conformance_counts)
