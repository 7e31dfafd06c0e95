"""Responses and answers are partitioned by the month of `submitted_at` on PostgreSQL
(decisions 0066 and 0073). Nothing changes on SQLite or in Django's state."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from cxgov.core.partitions import table_partition, table_unpartition

TABLES = ("surveys_response", "surveys_answer")


def partition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for table in TABLES:
        table_partition(db=schema_editor.connection, table=table, column="submitted_at")


def unpartition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for table in reversed(TABLES):
        table_unpartition(db=schema_editor.connection, table=table)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0017_submission_ids_keyed_apart")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
