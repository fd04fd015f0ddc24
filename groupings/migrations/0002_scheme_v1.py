from django.db import migrations

from groupings.reference import V1_DEFINITION, V1_GROUPINGS, V1_LABEL


def add_v1(apps, schema_editor):
    # Frozen at this migration's model state (the model was called Scheme then); the current-state
    # installer is groupings.reference.install_v1.
    Scheme = apps.get_model("groupings", "Scheme")
    Grouping = apps.get_model("groupings", "Grouping")
    scheme, _ = Scheme.objects.get_or_create(
        label=V1_LABEL,
        defaults={
            "rules_definition": V1_DEFINITION,
            "is_current": not Scheme.objects.filter(is_current=True).exists(),
            "description": "Needs-based groupings of the CAMHS Payment System Project; rules of SPEC §3.",
        },
    )
    for code, super_group, name, review_months, expected in V1_GROUPINGS:
        Grouping.objects.get_or_create(
            scheme=scheme,
            code=code,
            defaults={
                "super_group": super_group,
                "name": name,
                "review_months": review_months,
                "expected_appointments": expected,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("groupings", "0001_initial")]
    operations = [migrations.RunPython(add_v1, migrations.RunPython.noop)]
