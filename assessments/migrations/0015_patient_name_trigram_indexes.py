"""Trigram indexes for the caseload's search by part of a name (`icontains`, i.e. UPPER(name) LIKE '%..%').

PostgreSQL only (pg_trgm is a trusted extension from PostgreSQL 13: the database's owner may add it); on
SQLite the search scans, as before. Not in the models' Meta, whose indexes must work on both databases.
"""

from django.db import migrations

COLUMNS = ("given_name", "family_name")


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS patient_{column}_trgm_idx ON assessments_patient "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS patient_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0014_case_updated_at_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
