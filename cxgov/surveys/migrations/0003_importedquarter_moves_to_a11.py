"""`ImportedQuarter` moves from surveys to a11: state only, the table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_answer_rollups"),
        ("a11", "0002_importedquarter_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportedQuarter")],
            database_operations=[],
        ),
    ]
