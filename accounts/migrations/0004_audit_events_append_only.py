"""Audit events are append-only: the database itself refuses UPDATE and DELETE of their rows.

PostgreSQL (production and tests) uses a trigger function; SQLite (`make run`) its RAISE(ABORT) triggers.
"""

from django.db import migrations

MESSAGE = "audit events are append-only"

POSTGRESQL = (
    f"""
    CREATE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP;
    END
    $$;
    """,
    """
    CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change();
    """,
)
POSTGRESQL_REVERSE = (
    "DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;",
    "DROP FUNCTION IF EXISTS accounts_auditevent_refuse_change();",
)
SQLITE = tuple(
    f"""
    CREATE TRIGGER accounts_auditevent_no_{operation.lower()}
    BEFORE {operation} ON accounts_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {operation} refused'); END;
    """
    for operation in ("UPDATE", "DELETE")
)
SQLITE_REVERSE = tuple(
    f"DROP TRIGGER IF EXISTS accounts_auditevent_no_{operation};" for operation in ("update", "delete")
)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_events")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
