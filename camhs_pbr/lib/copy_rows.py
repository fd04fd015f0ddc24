"""Large inserts written with one COPY on PostgreSQL (bulk_create elsewhere, e.g. `make run`'s SQLite): a model
instance per row was most of the time of seeding 100,000 demo cases and of loading an extract's contacts."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.db import connection, models

NULL = "\\N"


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[object]], batch_size: int
) -> int:
    """Insert `rows`, each the values of `fields` (attribute names such as `case_id`, every column without a
    default), ids assigned in row order as bulk_create would; how many were inserted."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=batch_size)
        return len(objects)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for row in rows:
        writer.writerow([NULL if value is None else value for value in row])
        count += 1
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(_column(model, name)) for name in fields)
    with connection.cursor() as cursor:
        cursor.connection.cursor().copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN "
            f"WITH (FORMAT csv, NULL '{NULL}')",
            buffer,
        )
    return count


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column
