"""The patient's provider is required and the NHS number unique within it (after 0010 filled it in, in its own
transaction: PostgreSQL will not alter a table with pending deferred foreign-key checks)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_professions"),
        ("assessments", "0010_patient_provider"),
    ]

    operations = [
        migrations.AlterField(
            model_name="patient",
            name="provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="patients", to="accounts.provider"
            ),
        ),
        migrations.AlterField(
            model_name="patient",
            name="nhs_number",
            field=models.CharField(max_length=10, verbose_name="NHS number"),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.UniqueConstraint(
                fields=("provider", "nhs_number"),
                name="nhs_number_unique_per_provider",
                violation_error_message="A patient with this NHS number is already registered.",
            ),
        ),
    ]
