"""`Agency` moves from registry to core: state only, the foreign keys keep their columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_agency_moves_here"),
        ("plans", "0001_customer_service_plans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="plan",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="service_plans",
                        to="core.agency",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
