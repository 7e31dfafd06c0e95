from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cxgov.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import cxgov.registry.prepared  # noqa: F401 - registers the export's builder
        from cxgov.core.schedule import periodic_register
        from cxgov.registry.tasks import retention_purge_task

        periodic_register(
            name="registry.retention_purge",
            task=retention_purge_task,
            every_setting="SCHEDULE_RETENTION_PURGE_MINUTES",
        )
