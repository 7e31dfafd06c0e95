"""`Agency` moves from registry to core: state only, the foreign keys keep their columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0001_benchmark_library"),
        ("core", "0005_agency_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="selection",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="benchmark_choices",
                        to="core.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="series",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="benchmark_series",
                        to="core.agency",
                        verbose_name="agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="source",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="benchmark_sources",
                        to="core.agency",
                        verbose_name="agency",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
