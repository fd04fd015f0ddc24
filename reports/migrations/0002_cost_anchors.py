from django.db import migrations

from reports.reference import install_costs


def add_costs(apps, schema_editor):
    install_costs(apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_reports_and_costs"), ("accounts", "0002_professions")]
    operations = [migrations.RunPython(add_costs, migrations.RunPython.noop)]
