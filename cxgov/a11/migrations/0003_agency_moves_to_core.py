"""`Agency` moves from registry to core: state only, the foreign keys keep their columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("a11", "0002_importedquarter_moves_here"),
        ("core", "0005_agency_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="collection",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="a11_collections",
                        to="core.agency",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
