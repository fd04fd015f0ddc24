"""The application's own database role: everything it needs, and no way to rewrite the audit trail.

In production the application connects as a role that does not own the tables (so it cannot TRUNCATE them,
disable their triggers or alter them), and `manage.py migrate` connects as the owner (MIGRATION_DATABASE_URL).
After every migration the owner grants the application's role reading and writing of every table and
sequence, except that the audit trail (`accounts_auditevent`) may only be read and added to. Switching
`session_replication_role` (which would silence the append-only triggers) needs a superuser, which the
application's role is not. PostgreSQL only: SQLite (`make run`) has no roles.
"""

from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "accounts_auditevent"


def grant_statements(role: str, quote: Any) -> list[str]:
    """The statements that give `role` (quoted with `quote`) the application's rights on the public schema."""
    who = quote(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {who}",
    ]


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> bool:
    """Grant `role` the application's rights over `connection`'s tables, as their owner; False when there is
    nothing to do (not PostgreSQL, or `role` is the connection's own user)."""
    if connection.vendor != "postgresql" or not role:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return False
        for statement in grant_statements(role, connection.ops.quote_name):
            cursor.execute(statement)
    return True


def grant_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: keep the application's role's rights in step with the tables a migration added."""
    from django.db import connections

    grant_app_role(connections[using], settings.APP_DATABASE_ROLE)
