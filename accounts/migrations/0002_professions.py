from django.db import migrations

from accounts.reference import install_professions


def add_professions(apps, schema_editor):
    install_professions(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_professions, migrations.RunPython.noop)]
