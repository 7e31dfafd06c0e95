"""The audit log is partitioned by the month of `created_at` on PostgreSQL (decision 0066).

Nothing changes on SQLite, and nothing changes in Django's state: `id` stays the primary key
Django uses, while PostgreSQL's primary key becomes (id, created_at).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from cxgov.core.partitions import table_partition, table_unpartition

TABLE = "core_auditevent"


def partition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    table_partition(db=schema_editor.connection, table=TABLE, column="created_at")


def unpartition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    table_unpartition(db=schema_editor.connection, table=TABLE)


class Migration(migrations.Migration):
    dependencies = [("core", "0024_agency_languages")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
