from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Customer service plans (EO 12862 section 3): versioned, assembled from live records."""

    name = "cxgov.plans"
    label = "plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cxgov.core.views_documents import document_kind_register
        from cxgov.plans.views import PLAN

        document_kind_register(PLAN)
