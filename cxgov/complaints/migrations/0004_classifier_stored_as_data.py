"""Delete classifiers stored by older versions as pickled pipelines.

Pickled bytes run code when they are loaded, so they are never loaded again. A classifier is
derived data: `cxgov train_complaint_classifier --agency SLUG` trains a new one from the
agency's complaints, stored as plain arrays.
"""

from django.db import migrations

NPZ_MAGIC = b"PK\x03\x04"


def delete_pickled_classifiers(apps, schema_editor):
    classifier_model = apps.get_model("complaints", "ClassifierModel")
    pickled = [
        row.pk
        for row in classifier_model.objects.only("pk", "model").iterator()
        if not bytes(row.model).startswith(NPZ_MAGIC)
    ]
    classifier_model.objects.filter(pk__in=pickled).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_category_classifier")]

    operations = [
        migrations.RunPython(delete_pickled_classifiers, migrations.RunPython.noop),
    ]
