from django.db import migrations

from assessments.reference import install_outcome_reference


def add_reference(apps, schema_editor):
    install_outcome_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_outcome_measures")]
    operations = [migrations.RunPython(add_reference, migrations.RunPython.noop)]
