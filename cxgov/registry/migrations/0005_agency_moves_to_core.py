"""`Agency` moves from registry to core: state only, the table keeps the name registry_agency."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("a11", "0003_agency_moves_to_core"),
        ("actions", "0002_agency_moves_to_core"),
        ("benchmarks", "0002_agency_moves_to_core"),
        ("complaints", "0005_agency_moves_to_core"),
        ("core", "0005_agency_moves_here"),
        ("plans", "0002_agency_moves_to_core"),
        ("registry", "0004_channel_volume_history_and_service_kind_text"),
        ("reports", "0002_agency_moves_to_core"),
        ("standards", "0002_agency_moves_to_core"),
        ("surveys", "0004_agency_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="customersegment",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="segments",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="retentionpolicy",
                    name="agency",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="retention_policy",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="service",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="services",
                        to="core.agency",
                    ),
                ),
                migrations.DeleteModel(
                    name="Agency",
                ),
            ],
            database_operations=[],
        ),
    ]
