import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max


def existing_responses_folded(apps, schema_editor):
    """Responses stored before the fold were added to the rollups by their intake."""
    Response = apps.get_model("surveys", "Response")
    RollupWatermark = apps.get_model("surveys", "RollupWatermark")
    last = Response.objects.values("survey_id").annotate(last=Max("id")).order_by()
    RollupWatermark.objects.bulk_create(
        [RollupWatermark(survey_id=row["survey_id"], folded_through=row["last"]) for row in last],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0014_question_logic"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupWatermark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("folded_through", models.BigIntegerField(default=0)),
                ("fold_requested", models.BooleanField(default=False)),
                (
                    "survey",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rollup_watermark",
                        to="surveys.survey",
                    ),
                ),
            ],
        ),
        migrations.RunPython(existing_responses_folded, migrations.RunPython.noop),
    ]
