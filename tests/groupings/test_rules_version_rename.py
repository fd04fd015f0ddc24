"""The model once called Scheme is RulesVersion now: a state-only migration, no table or row changes."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from groupings.models import Grouping, RegroupingRun, RulesVersion, Suggestion


def test_the_rename_migration_runs_no_sql(db):
    loader = MigrationLoader(connection)
    migration = loader.get_migration("groupings", "0005_rules_version_one_name")
    state = loader.project_state(("groupings", "0004_limit_messages"))
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        migration.apply(state, editor, collect_sql=True)
    assert [sql for sql in editor.collected_sql if not sql.startswith("--")] == []


@pytest.mark.parametrize(
    ("model", "column"), [(Grouping, "scheme_id"), (Suggestion, "scheme_id"), (RegroupingRun, "scheme_id")]
)
def test_the_tables_keep_their_names_and_columns(model, column):
    assert RulesVersion._meta.db_table == "groupings_scheme"
    assert model._meta.get_field("rules_version").column == column


def test_the_v1_rules_version_installed_by_the_data_migration_is_readable(reference_data):
    current = RulesVersion.objects.get(is_current=True)
    assert current.label == "CAMHS-NBG v1" and current.groupings.count() == 17
