from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Customer service plans (EO 12862 section 3): versioned, assembled from live records."""

    name = "cxgov.plans"
    label = "plans"
    default_auto_field = "django.db.models.BigAutoField"
