from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_existing_tokens(apps, schema_editor):
    """Tokens made before expiry existed keep working, as writers, for the longest allowed time."""
    ApiToken = apps.get_model("core", "ApiToken")
    expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_MAX_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=expires_at, scope="write")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_agency_moves_here"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and write")],
                default="read",
                max_length=10,
                verbose_name="scope",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
    ]
