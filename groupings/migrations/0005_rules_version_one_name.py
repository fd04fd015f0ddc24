"""One name for a rules version: the model Scheme becomes RulesVersion and its foreign keys `rules_version`.

State only: the table (groupings_scheme) and the columns (scheme_id) keep their names, no row changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groupings", "0004_limit_messages")]

    state_operations = [
        migrations.RenameModel("Scheme", "RulesVersion"),
        migrations.AlterModelTable("rulesversion", "groupings_scheme"),
        migrations.RenameField("grouping", "scheme", "rules_version"),
        migrations.RenameField("suggestion", "scheme", "rules_version"),
        migrations.RenameField("regroupingrun", "scheme", "rules_version"),
        migrations.AlterField(
            "grouping",
            "rules_version",
            models.ForeignKey(
                db_column="scheme_id",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="groupings",
                to="groupings.rulesversion",
            ),
        ),
        migrations.AlterField(
            "suggestion",
            "rules_version",
            models.ForeignKey(
                db_column="scheme_id",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="groupings.rulesversion",
            ),
        ),
        migrations.AlterField(
            "regroupingrun",
            "rules_version",
            models.ForeignKey(
                db_column="scheme_id",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="groupings.rulesversion",
            ),
        ),
        # The renamed field in the ordering and in two unique constraints (same columns, same names).
        migrations.AlterModelOptions("grouping", options={"ordering": ["rules_version", "code"]}),
        migrations.RemoveConstraint("grouping", "grouping_code_unique_per_scheme"),
        migrations.RemoveConstraint("suggestion", "one_suggestion_per_view_and_scheme"),
        migrations.AddConstraint(
            "grouping",
            models.UniqueConstraint(fields=("rules_version", "code"), name="grouping_code_unique_per_scheme"),
        ),
        migrations.AddConstraint(
            "suggestion",
            models.UniqueConstraint(
                fields=("current_view", "rules_version"), name="one_suggestion_per_view_and_scheme"
            ),
        ),
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
