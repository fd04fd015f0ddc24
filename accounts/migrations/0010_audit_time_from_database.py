"""An audit event's time is set by the database, not by whoever inserts it: the column's default, and on
PostgreSQL a trigger that stamps every new row with the clock time whatever the INSERT said (a back-dated
event cannot be written). SQLite (`make run`) keeps the default only."""

import django.db.models.functions.datetime
from django.db import migrations, models

POSTGRESQL = (
    """
    CREATE FUNCTION accounts_auditevent_stamp_time() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.at := clock_timestamp();
        RETURN NEW;
    END
    $$;
    """,
    """
    CREATE TRIGGER accounts_auditevent_time_from_database
    BEFORE INSERT ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_stamp_time();
    """,
)
POSTGRESQL_REVERSE = (
    "DROP TRIGGER IF EXISTS accounts_auditevent_time_from_database ON accounts_auditevent;",
    "DROP FUNCTION IF EXISTS accounts_auditevent_stamp_time();",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_auditevent_admin_index")]
    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True),
        ),
        migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE)),
    ]
