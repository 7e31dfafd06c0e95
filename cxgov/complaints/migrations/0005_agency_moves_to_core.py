"""`Agency` moves from registry to core: state only, the foreign keys keep their columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_classifier_stored_as_data"),
        ("core", "0005_agency_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="category",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaint_categories",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="classifiermodel",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaint_classifiers",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="complaint",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaints",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="routingrule",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaint_routing_rules",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="slapolicy",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaint_sla_policies",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="team",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaint_teams",
                        to="core.agency",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
