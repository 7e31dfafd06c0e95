"""A complaint's child rows carry its agency, part of each unique constraint, so that they can
be distributed by agency with their complaint (decision 0070)."""

import django.db.models.deletion
from django.db import migrations, models

CHILDREN = ("transition", "pause", "note", "message", "escalation", "intakekey", "attachment")

# A subquery, not UPDATE ... FROM: the same SQL runs on SQLite and PostgreSQL.
FILL = (
    "UPDATE complaints_{model} SET agency_id = (SELECT c.agency_id FROM complaints_complaint c "
    "WHERE c.id = complaints_{model}.complaint_id)"
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
    dependencies = [("complaints", "0012_complaint_tracking_number_unique_per_agency")]

    operations = [
        *(
            migrations.AddField(model_name=model, name="agency", field=_agency(True))
            for model in CHILDREN
        ),
        *(
            migrations.RunSQL(FILL.format(model=model), migrations.RunSQL.noop)
            for model in CHILDREN
        ),
        *(
            migrations.AlterField(model_name=model, name="agency", field=_agency(False))
            for model in CHILDREN
        ),
        migrations.RemoveConstraint(model_name="escalation", name="complaint_escalation_once"),
        migrations.AddConstraint(
            model_name="escalation",
            constraint=models.UniqueConstraint(
                fields=("agency", "complaint", "clock", "level", "deadline"),
                name="complaint_escalation_once",
            ),
        ),
        migrations.AlterField(
            model_name="intakekey",
            name="complaint",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="intake_keys",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
            model_name="intakekey", name="key_hash", field=models.CharField(max_length=64)
        ),
        migrations.AddConstraint(
            model_name="intakekey",
            constraint=models.UniqueConstraint(
                fields=("agency", "key_hash"), name="complaint_intake_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="intakekey",
            constraint=models.UniqueConstraint(
                fields=("agency", "complaint"), name="complaint_intake_key_once"
            ),
        ),
    ]
