"""Deliveries and attempts carry their event's agency, part of each unique constraint, so the
three tables can be distributed by agency together (decision 0070)."""

import django.db.models.deletion
from django.db import migrations, models

# Subqueries, not UPDATE ... FROM: the same SQL runs on SQLite and PostgreSQL.
FILL_DELIVERY = (
    "UPDATE webhooks_delivery SET agency_id = (SELECT e.agency_id FROM webhooks_event e "
    "WHERE e.id = webhooks_delivery.event_id)"
)
FILL_ATTEMPT = (
    "UPDATE webhooks_attempt SET agency_id = (SELECT d.agency_id FROM webhooks_delivery d "
    "WHERE d.id = webhooks_attempt.delivery_id)"
)


def _agency(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="core.agency",
    )


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_webhook_subscriptions_and_deliveries")]

    operations = [
        migrations.AddField(model_name="delivery", name="agency", field=_agency(True)),
        migrations.AddField(model_name="attempt", name="agency", field=_agency(True)),
        migrations.RunSQL(FILL_DELIVERY, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_ATTEMPT, migrations.RunSQL.noop),
        migrations.AlterField(model_name="delivery", name="agency", field=_agency(False)),
        migrations.AlterField(model_name="attempt", name="agency", field=_agency(False)),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("agency", "event", "subscription"), name="webhook_delivery_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="attempt",
            constraint=models.UniqueConstraint(
                fields=("agency", "delivery", "number"), name="webhook_attempt_number_once"
            ),
        ),
    ]
