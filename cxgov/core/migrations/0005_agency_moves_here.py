"""`Agency` moves from registry to core: state only, the table keeps the name registry_agency.

Two stored labels follow it: the content type (so Django permissions on agencies, and any grant of
them, keep working) and the audit log's `target_type` of events about an agency.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def _relabel(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, old: str, new: str) -> None:
    using = schema_editor.connection.alias
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.using(using).filter(app_label=new, model="agency").exists():
        content_type.objects.using(using).filter(app_label=old, model="agency").update(
            app_label=new
        )
    # The label names the model, not what happened: relabelling keeps one name per model in the
    # log. The historical model has a plain manager, so the append-only guard does not apply.
    audit_event = apps.get_model("core", "AuditEvent")
    audit_event.objects.using(using).filter(target_type=f"{old}.agency").update(
        target_type=f"{new}.agency"
    )


def labels_follow(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Relabel registry.agency to core.agency where it is stored."""
    _relabel(apps, schema_editor, "registry", "core")


def labels_return(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, schema_editor, "core", "registry")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_rate_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Agency",
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
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "name_es",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="name in Spanish"
                            ),
                        ),
                        (
                            "abbreviation",
                            models.CharField(
                                blank=True, max_length=20, verbose_name="abbreviation"
                            ),
                        ),
                        (
                            "slug",
                            models.SlugField(
                                max_length=60,
                                unique=True,
                                verbose_name="short name in web addresses",
                            ),
                        ),
                        ("website", models.URLField(blank=True, verbose_name="website")),
                        ("mission", models.TextField(blank=True, verbose_name="mission")),
                        (
                            "mission_es",
                            models.TextField(blank=True, verbose_name="mission in Spanish"),
                        ),
                        (
                            "time_zone",
                            models.CharField(
                                default="America/New_York", max_length=64, verbose_name="time zone"
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                blank=True, max_length=40, verbose_name="imported from"
                            ),
                        ),
                        ("source_id", models.CharField(blank=True, db_index=True, max_length=100)),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="core.agency",
                                verbose_name="parent agency",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "agency",
                        "verbose_name_plural": "agencies",
                        "db_table": "registry_agency",
                        "ordering": ["name"],
                    },
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="audit_events",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="deadletter",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dead_letters",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="core.agency",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(labels_follow, labels_return, elidable=True),
    ]
