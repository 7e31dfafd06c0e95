"""Submission ids get a narrow table of their own, and answers carry their response's time, so
that responses and answers can be partitioned by month on PostgreSQL (decision 0073)."""

import django.db.models.deletion
from django.db import migrations, models

KEYS_FILL = (
    "INSERT INTO surveys_submission (agency_id, survey_id, submission_id, response_id) "
    "SELECT agency_id, survey_id, submission_id, id FROM surveys_response"
)
TIMES_FILL = (
    "UPDATE surveys_answer SET submitted_at = (SELECT r.submitted_at FROM surveys_response r "
    "WHERE r.id = surveys_answer.response_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0025_audit_events_partitioned_by_month"),
        ("surveys", "0016_survey_rows_carry_agency"),
    ]

    operations = [
        migrations.CreateModel(
            name="Submission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("submission_id", models.CharField(max_length=64)),
                (
                    "agency",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.agency",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="surveys.response",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="surveys.survey",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "survey", "submission_id"), name="submission_unique_id"
                    )
                ],
            },
        ),
        migrations.RunSQL(KEYS_FILL, migrations.RunSQL.noop, elidable=False),
        migrations.RemoveConstraint(model_name="response", name="response_unique_submission"),
        migrations.AlterField(
            model_name="answer",
            name="response",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="surveys.response",
            ),
        ),
        migrations.AddField(
            model_name="answer", name="submitted_at", field=models.DateTimeField(null=True)
        ),
        migrations.RunSQL(TIMES_FILL, migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="answer", name="submitted_at", field=models.DateTimeField()
        ),
    ]
