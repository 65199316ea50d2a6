"""Rows straight into a table for ``linli gen``: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

``bulk_create`` builds a model instance per row and prepares every value through its field (about
30 µs a row on this machine, most of a district generation); the generator's rows are plain tuples
of values it made itself, so ``Table`` only converts what the driver cannot take as it is (datetimes
and dates on SQLite, to the text Django stores), gives every other column its field's default once,
and numbers the rows itself from the table's current maximum id (``next_id``).  ``reset_sequences``
moves PostgreSQL's id sequences past the rows written (SQLite's AUTOINCREMENT follows by itself).
No signals and no ``save()`` run, exactly as with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import DateField, DateTimeField, Max, Model


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    """The naive UTC text Django's SQLite backend stores (``2025-01-02 03:04:05[.ffffff]``)."""
    if value is None:
        return None
    text = value.isoformat(" ")
    if text.endswith("+00:00"):  # the generator's datetimes are UTC: the cheap way
        return text[:-6]
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def _sqlite_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def next_id(model: type[Model]) -> int:
    """The first free primary key of ``model``'s table."""
    return (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


class Table:
    """Inserts tuples of ``columns`` (attnames, the primary key first) into ``model``'s table."""

    def __init__(self, model: type[Model], columns: Sequence[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
        rest = [f for name, f in fields.items() if name not in columns]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        names = [str(fields[c].column) for c in columns] + [str(f.column) for f in rest]
        quote = connection.ops.quote_name
        table, cols = quote(str(model._meta.db_table)), ", ".join(quote(n) for n in names)
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            marks = ", ".join("?" * len(names))
            self.sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 (names from the model)
        else:
            self.sql = f"COPY {table} ({cols}) FROM STDIN"
        self.convert: list[tuple[int, Callable[[Any], Any]]] = []
        if self.sqlite:
            for i, name in enumerate(columns):
                f = fields[name]
                if isinstance(f, DateTimeField):
                    self.convert.append((i, _sqlite_datetime))
                elif isinstance(f, DateField):
                    self.convert.append((i, _sqlite_date))

    def write(self, rows: Iterable[tuple]) -> None:
        """Insert ``rows`` (each the values of the columns given, in that order)."""
        defaults, convert = self.defaults, self.convert
        if convert:
            def full(row: tuple) -> tuple:
                values = list(row)
                for i, fn in convert:
                    values[i] = fn(values[i])
                return (*values, *defaults)
        else:
            def full(row: tuple) -> tuple:
                return (*row, *defaults)
        connection.ensure_connection()
        raw = connection.connection
        if self.sqlite:
            raw.executemany(self.sql, map(full, rows))
            return
        with raw.cursor() as cursor, cursor.copy(self.sql) as copy:
            for row in rows:
                copy.write_row(full(row))


def reset_sequences(*models: type[Model]) -> None:
    """Move PostgreSQL's id sequences past the rows ``Table`` wrote with their own ids."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
