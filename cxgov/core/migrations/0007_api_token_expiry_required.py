# Apart from 0004 so PostgreSQL changes the column after the rows it updated are committed.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_api_token_scope_and_expiry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
