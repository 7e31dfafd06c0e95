"""API tokens name the areas they may call; tokens made before areas existed keep every area."""

from django.db import migrations, models


def existing_tokens_keep_all_areas(apps, schema_editor):
    apps.get_model("core", "ApiToken").objects.update(all_areas=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0016_saml_assertions_used_once"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="all_areas",
            field=models.BooleanField(default=False, verbose_name="all areas"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="areas",
            field=models.JSONField(blank=True, default=list, verbose_name="areas"),
        ),
        migrations.RunPython(existing_tokens_keep_all_areas, migrations.RunPython.noop),
    ]
