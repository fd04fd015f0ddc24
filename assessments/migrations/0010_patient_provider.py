"""Each patient record belongs to a provider; the NHS number is unique within a provider (issue 15)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def give_patients_a_provider(apps, schema_editor):
    """The provider of the patient's first case's team; without a case, of the registering user (their own
    provider, or their first team's); with neither, the only provider if there is just one."""
    Patient = apps.get_model("assessments", "Patient")
    Case = apps.get_model("assessments", "Case")
    Provider = apps.get_model("accounts", "Provider")
    Team = apps.get_model("accounts", "Team")
    first_case = Case.objects.filter(patient=OuterRef("pk")).order_by("referral_date", "pk")
    Patient.objects.update(provider=Subquery(first_case.values("team__provider")[:1]))
    for patient in Patient.objects.filter(provider__isnull=True).select_related("registered_by"):
        user = patient.registered_by
        provider_id = user and (
            user.provider_id
            or Team.objects.filter(members=user).order_by("pk").values_list("provider", flat=True).first()
        )
        if not provider_id and Provider.objects.count() == 1:
            provider_id = Provider.objects.get().pk
        if not provider_id:
            raise RuntimeError(
                f"Patient {patient.pk} has no case and no registering user with a provider: "
                "give it a case or a registering user, then migrate again."
            )
        patient.provider_id = provider_id
        patient.save(update_fields=["provider"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_professions"),
        ("assessments", "0009_submission_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="provider",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="patients",
                to="accounts.provider",
            ),
        ),
        migrations.RunPython(give_patients_a_provider, migrations.RunPython.noop),
    ]
