"""An index the counts of a quarter's counted responses by service read alone (decision 0076).

On PostgreSQL the index is made on the partitioned table, so every monthly partition has its
own, and partitions made later get one when they are attached. SQLite makes it as written.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("surveys", "0018_responses_answers_partitioned_by_month")]

    operations = [
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("status", "valid")),
                fields=["survey", "submitted_at", "service"],
                name="response_counted_by_service",
            ),
        ),
    ]
