"""Race-free counters: the next number of a counter row, in one statement on both databases.

`INSERT ... ON CONFLICT (key) DO UPDATE SET last = last + 1 RETURNING last` on a table whose unique key is
the counter's identity (e.g. agency and day). PostgreSQL locks the row until the caller's transaction ends,
so concurrent callers queue on it and never share a number; SQLite serialises writers anyway. A rolled-back
caller leaves a gap, which keeps the lock short (codes are unique, not dense).
"""

from __future__ import annotations

from django.db import connection, models


def next_in_sequence(model: type[models.Model], **key) -> int:
    """Increment the `last` column of `model`'s row for `key` (created at 1) and return it. Inside the
    transaction that uses the number, both commit together (and the row stays locked until then); outside
    any, the number is taken at once and a failure after it leaves a gap. `key` must be the model's unique
    fields."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in key]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}, last) VALUES ({', '.join(['%s'] * len(key))}, 1) "
            f"ON CONFLICT ({names}) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            list(key.values()),
        )
        return cursor.fetchone()[0]
