"""`ImportedQuarter` moves from surveys to a11: state only, the table keeps its name."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def content_type_follow(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Relabel the model's content type so its permissions and grants follow it."""
    content_type = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    if (
        not content_type.objects.using(using)
        .filter(app_label="a11", model="importedquarter")
        .exists()
    ):
        content_type.objects.using(using).filter(
            app_label="surveys", model="importedquarter"
        ).update(app_label="a11")


def content_type_return(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    if (
        not content_type.objects.using(using)
        .filter(app_label="surveys", model="importedquarter")
        .exists()
    ):
        content_type.objects.using(using).filter(app_label="a11", model="importedquarter").update(
            app_label="surveys"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("a11", "0001_collections"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("surveys", "0002_answer_rollups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportedQuarter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("fiscal_year", models.PositiveIntegerField()),
                        ("quarter", models.PositiveSmallIntegerField()),
                        ("source_id", models.CharField(blank=True, max_length=40)),
                        ("service_provided", models.CharField(blank=True, max_length=300)),
                        ("transaction_point", models.CharField(blank=True, max_length=300)),
                        ("channel_text", models.CharField(blank=True, max_length=100)),
                        ("volume_of_customers", models.BigIntegerField(blank=True, null=True)),
                        ("volume_offered_survey", models.BigIntegerField(blank=True, null=True)),
                        ("volume_of_respondents", models.BigIntegerField(blank=True, null=True)),
                        ("omb_control_number", models.CharField(blank=True, max_length=40)),
                        ("published_point_scale", models.JSONField(blank=True, default=dict)),
                        ("imported_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "survey",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="imported_quarters",
                                to="surveys.survey",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "surveys_importedquarter",
                        "ordering": ["survey", "fiscal_year", "quarter"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("survey", "fiscal_year", "quarter"),
                                name="imported_quarter_unique",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follow, content_type_return, elidable=True),
    ]
