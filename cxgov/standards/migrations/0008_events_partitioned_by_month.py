"""Events lose their unique key for a plain index on (standard, event id), and are partitioned
by the month of `day` on PostgreSQL (decisions 0066 and 0073). The write path keeps one row per
event id. Nothing else changes on SQLite."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from cxgov.core.partitions import table_partition, table_unpartition

TABLE = "standards_standardevent"


def partition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    table_partition(db=schema_editor.connection, table=TABLE, column="day")


def unpartition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    table_unpartition(db=schema_editor.connection, table=TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0025_audit_events_partitioned_by_month"),
        ("standards", "0007_event_standard_index_dropped"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="standardevent",
            index=models.Index(fields=["standard", "event_id"], name="event_standard_event_id"),
        ),
        migrations.RemoveConstraint(model_name="standardevent", name="event_unique_id"),
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
