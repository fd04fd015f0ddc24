from django.db import migrations

from groupings.reference import install_v1


def add_v1(apps, schema_editor):
    install_v1(apps)


class Migration(migrations.Migration):
    dependencies = [("groupings", "0001_initial")]
    operations = [migrations.RunPython(add_v1, migrations.RunPython.noop)]
