"""An agreed statement, its lines and a price list an agreed statement used cannot change: the database
refuses UPDATE and DELETE of them (and new lines or prices for them), whatever the code does.

PostgreSQL (production and tests) uses trigger functions; SQLite (`make run`) its RAISE(ABORT) triggers
with the same conditions. A statement is agreed when both sides' agreement times are set.
"""

from django.db import migrations

AGREED = "commissioner_agreed_at IS NOT NULL AND provider_agreed_at IS NOT NULL"
STATEMENT_AGREED = f"EXISTS (SELECT 1 FROM payments_statement s WHERE s.id = {{row}}.statement_id AND s.{AGREED.replace(' AND ', ' AND s.')})"
PRICES_USED = f"EXISTS (SELECT 1 FROM payments_statement s WHERE s.price_list_id = {{row}} AND s.{AGREED.replace(' AND ', ' AND s.')})"

# (table, operations, condition on OLD/NEW, message)
GUARDS = (
    ("payments_statement", ("UPDATE", "DELETE"), f"OLD.{AGREED.replace(' AND ', ' AND OLD.')}", "an agreed statement cannot change"),
    ("payments_statementline", ("UPDATE", "DELETE"), STATEMENT_AGREED.format(row="OLD"), "the lines of an agreed statement cannot change"),
    ("payments_statementline", ("INSERT",), STATEMENT_AGREED.format(row="NEW"), "the lines of an agreed statement cannot change"),
    ("payments_pricelist", ("UPDATE", "DELETE"), PRICES_USED.format(row="OLD.id"), "a price list used by an agreed statement is read-only"),
    ("payments_pricelistline", ("UPDATE", "DELETE"), PRICES_USED.format(row="OLD.price_list_id"), "a price list used by an agreed statement is read-only"),
    ("payments_pricelistline", ("INSERT",), PRICES_USED.format(row="NEW.price_list_id"), "a price list used by an agreed statement is read-only"),
)


def _name(table: str, operations: tuple[str, ...]) -> str:
    return f"{table}_guard_{'_'.join(op.lower() for op in operations)}"


def _postgresql():
    for table, operations, condition, message in GUARDS:
        name = _name(table, operations)
        yield f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{message}: % refused', TG_OP;
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END
        $$;
        """
        yield f"""
        CREATE TRIGGER {name} BEFORE {" OR ".join(operations)} ON {table}
        FOR EACH ROW EXECUTE FUNCTION {name}();
        """


def _postgresql_reverse():
    for table, operations, _, _ in GUARDS:
        name = _name(table, operations)
        yield f"DROP TRIGGER IF EXISTS {name} ON {table};"
        yield f"DROP FUNCTION IF EXISTS {name}();"


def _sqlite():
    for table, operations, condition, message in GUARDS:
        for operation in operations:
            yield f"""
            CREATE TRIGGER {table}_guard_{operation.lower()} BEFORE {operation} ON {table}
            WHEN {condition}
            BEGIN SELECT RAISE(ABORT, '{message}: {operation} refused'); END;
            """


def _sqlite_reverse():
    for table, operations, _, _ in GUARDS:
        for operation in operations:
            yield f"DROP TRIGGER IF EXISTS {table}_guard_{operation.lower()};"


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, lambda: ())():
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_prices_contracts_statements")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": _postgresql, "sqlite": _sqlite}),
            _run({"postgresql": _postgresql_reverse, "sqlite": _sqlite_reverse}),
        )
    ]
