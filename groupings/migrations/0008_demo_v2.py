from django.db import migrations

from groupings.reference import install_demo_v2


def add_demo_v2(apps, schema_editor):
    install_demo_v2(apps)


class Migration(migrations.Migration):
    dependencies = [("groupings", "0007_add_on_and_suggestible")]
    operations = [migrations.RunPython(add_demo_v2, migrations.RunPython.noop)]
