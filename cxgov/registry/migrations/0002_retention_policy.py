import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import cxgov.registry.models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_service_inventory"),
    ]

    operations = [
        migrations.CreateModel(
            name="RetentionPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "complaint_contact_days",
                    models.PositiveIntegerField(
                        default=cxgov.registry.models.default_complaint_contact_days,
                        validators=[django.core.validators.MaxValueValidator(36500)],
                        verbose_name="days after a complaint closes to keep contact details and attachments",
                    ),
                ),
                (
                    "survey_ip_days",
                    models.PositiveIntegerField(
                        default=cxgov.registry.models.default_survey_ip_days,
                        validators=[django.core.validators.MaxValueValidator(36500)],
                        verbose_name="days to keep the IP address of survey responses",
                    ),
                ),
                (
                    "survey_contact_days",
                    models.PositiveIntegerField(
                        default=cxgov.registry.models.default_survey_contact_days,
                        validators=[django.core.validators.MaxValueValidator(36500)],
                        verbose_name="days to keep contact email addresses given with survey responses",
                    ),
                ),
                (
                    "invitation_email_days",
                    models.PositiveIntegerField(
                        default=cxgov.registry.models.default_invitation_email_days,
                        validators=[django.core.validators.MaxValueValidator(36500)],
                        verbose_name="days to keep the email addresses of survey invitations",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "agency",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="retention_policy",
                        to="registry.agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "retention policy",
                "verbose_name_plural": "retention policies",
            },
        ),
    ]
