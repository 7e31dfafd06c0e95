"""`Agency` moves from registry to core: state only, the foreign keys keep their columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_agency_moves_here"),
        ("reports", "0001_survey_report_authored_sections"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="surveyreport",
                    name="agency",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="survey_reports",
                        to="core.agency",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
