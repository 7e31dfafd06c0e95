"""Events lose the index on the standard alone: both composite indexes lead with the standard
and serve every read of it, so ingest maintains one index fewer (decision 0072)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("standards", "0006_event_file_runs_in_batches")]

    operations = [
        migrations.AlterField(
            model_name="standardevent",
            name="standard",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="standards.standard",
            ),
        ),
    ]
