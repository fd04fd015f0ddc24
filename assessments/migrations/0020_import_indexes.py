"""The indexes an import writes into, cut to those the pages read (issue 31): a single-column index repeating
the first column of another (a contact's and a Current View's case, a case's team, a patient's provider), and
the columns an extract's records leave empty or never read alone (who registered, discharged or corrected a
record; the provider an extract came from) indexed only where they are set.

The foreign keys themselves stay as they are: AlterField would drop and add each one again, checking every row
of the table, where only its index goes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, the index Django made for the foreign key)
DROPPED = [
    ("assessments_case", "discharged_by_id", "assessments_case_discharged_by_id_39b47d1f"),
    ("assessments_case", "source_provider_id", "assessments_case_source_provider_id_b53d0c13"),
    ("assessments_case", "team_id", "assessments_case_team_id_c4e442ca"),
    ("assessments_contact", "case_id", "assessments_contact_case_id_9d5f78d3"),
    ("assessments_contact", "corrected_by_id", "assessments_contact_corrected_by_id_636ad17e"),
    ("assessments_contact", "recorded_by_id", "assessments_contact_recorded_by_id_2ed3e5a5"),
    ("assessments_contact", "source_provider_id", "assessments_contact_source_provider_id_8e9b6557"),
    ("assessments_currentview", "case_id", "assessments_currentview_case_id_7ffd8a9e"),
    ("assessments_currentview", "corrected_by_id", "assessments_currentview_corrected_by_id_db5d9b09"),
    ("assessments_currentview", "source_provider_id", "assessments_currentview_source_provider_id_0857ec08"),
    ("assessments_patient", "provider_id", "assessments_patient_provider_id_46374a72"),
    ("assessments_patient", "registered_by_id", "assessments_patient_registered_by_id_b80d107f"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0017_audit_action_request_agreement"),
        ("assessments", "0019_imports_local_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="discharged_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="source_provider",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The provider whose records system the record came from.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.provider",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="team",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="accounts.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="assessments.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="corrected_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Who recorded the contact as it now reads, when it was corrected.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="recorded_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="source_provider",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The provider whose records system the record came from.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.provider",
                    ),
                ),
                migrations.AlterField(
                    model_name="currentview",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="current_views",
                        to="assessments.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="currentview",
                    name="corrected_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Who recorded the form as it now reads, when it was corrected.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="currentview",
                    name="source_provider",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The provider whose records system the record came from.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.provider",
                    ),
                ),
                migrations.AlterField(
                    model_name="patient",
                    name="provider",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="patients",
                        to="accounts.provider",
                    ),
                ),
                migrations.AlterField(
                    model_name="patient",
                    name="registered_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f"DROP INDEX IF EXISTS {name}" for _, _, name in DROPPED],
                    [
                        f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})"
                        for table, column, name in DROPPED
                    ],
                )
            ],
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("discharged_by__isnull", False)),
                fields=["discharged_by"],
                name="case_discharged_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("not_in_latest_extract__isnull", False)),
                fields=["source_provider", "local_id"],
                name="case_flagged_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("recorded_by__isnull", False)),
                fields=["recorded_by"],
                name="contact_recorded_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("corrected_by__isnull", False)),
                fields=["corrected_by"],
                name="contact_corrected_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("not_in_latest_extract__isnull", False)),
                fields=["source_provider", "local_id"],
                name="contact_flagged_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="currentview",
            index=models.Index(
                condition=models.Q(("corrected_by__isnull", False)),
                fields=["corrected_by"],
                name="currentview_corrected_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="currentview",
            index=models.Index(
                condition=models.Q(("not_in_latest_extract__isnull", False)),
                fields=["source_provider", "local_id"],
                name="currentview_flagged_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                condition=models.Q(("registered_by__isnull", False)),
                fields=["registered_by"],
                name="patient_registered_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                condition=models.Q(("not_in_latest_extract__isnull", False)),
                fields=["provider", "local_id"],
                name="patient_flagged_idx",
            ),
        ),
    ]
