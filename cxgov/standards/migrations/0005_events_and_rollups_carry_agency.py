"""Events and daily rollups carry their standard's agency, part of each unique constraint,
so the tables can be distributed by agency (docs/scale.md)."""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE {table} SET agency_id = (SELECT s.agency_id FROM standards_standard s "
    "WHERE s.id = {table}.standard_id)"
)


def _agency(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="core.agency",
    )


class Migration(migrations.Migration):
    dependencies = [("standards", "0004_standardevent_event_bucket_day_elapsed")]

    operations = [
        migrations.AddField(model_name="standardevent", name="agency", field=_agency(True)),
        migrations.AddField(model_name="dailyrollup", name="agency", field=_agency(True)),
        migrations.RunSQL(FILL.format(table="standards_standardevent"), migrations.RunSQL.noop),
        migrations.RunSQL(FILL.format(table="standards_dailyrollup"), migrations.RunSQL.noop),
        migrations.AlterField(model_name="standardevent", name="agency", field=_agency(False)),
        migrations.AlterField(model_name="dailyrollup", name="agency", field=_agency(False)),
        migrations.RemoveConstraint(model_name="standardevent", name="event_unique_id"),
        migrations.AddConstraint(
            model_name="standardevent",
            constraint=models.UniqueConstraint(
                fields=("standard", "event_id", "agency"), name="event_unique_id"
            ),
        ),
        migrations.RemoveConstraint(model_name="dailyrollup", name="rollup_unique_day"),
        migrations.AddConstraint(
            model_name="dailyrollup",
            constraint=models.UniqueConstraint(
                fields=("standard", "day", "agency"), name="rollup_unique_day"
            ),
        ),
    ]
