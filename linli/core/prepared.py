"""ORM queries compiled once and run again with other values: the SQL of a hot read without the ORM's work.

Building a queryset (``filter``/``annotate``/``values``) and compiling it costs about a millisecond of
Python per call, more than SQLite needs to answer it.  ``Prepared`` builds the queryset once with
*markers* (distinct stand-in values), compiles it, notes where each marker landed among the SQL
parameters, and from then on only puts the real values in those places and runs the SQL.  Rows come
back as dicts named by the queryset's ``values()`` aliases, datetimes converted like the ORM does
(aware, UTC).  One ``Prepared`` per query *shape* (which filters, how many values in an ``IN``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet

MAX_SHAPES = 256  # prepared queries kept per process (a shape includes the length of each IN list)


class Prepared:
    """``build(**markers)`` compiled once; ``rows(**values)`` runs it with ``values`` in the markers' places.

    A marker is a datetime, an int or a str the query holds nowhere else (or a list of them, for an
    ``IN``); each must land in at least one SQL parameter (every place it appears), or building fails."""

    def __init__(self, build: Callable[..., QuerySet], markers: Mapping[str, Any], datetimes: Sequence[str] = (),
                 using: str = "default"):
        self.using = using
        ops = connections[using].ops
        self.sql, params = build(**markers).query.sql_with_params()
        self.params = list(params)
        self.slots: dict[str, list[list[int]]] = {}
        for name, marker in markers.items():
            items = marker if isinstance(marker, list) else [marker]
            self.slots[name] = [self._slots(self._adapt(ops, item), name) for item in items]
        self.datetimes = frozenset(datetimes)

    @staticmethod
    def _adapt(ops, value):
        return ops.adapt_datetimefield_value(value) if isinstance(value, dt.datetime) else value

    def _slots(self, adapted, name: str) -> list[int]:
        found = [i for i, p in enumerate(self.params) if type(p) is type(adapted) and p == adapted]
        if not found:
            raise ValueError(f"marker {name!r} is in none of the SQL parameters")
        return found

    def rows(self, **values) -> list[dict]:
        """The rows for ``values`` (one per marker name; lists as long as their marker's)."""
        connection = connections[self.using]
        params = list(self.params)
        for name, slots in self.slots.items():
            items = values[name] if isinstance(values[name], list) else [values[name]]
            if len(items) != len(slots):
                raise ValueError(f"{name!r} needs {len(slots)} values")
            for places, item in zip(slots, items, strict=True):
                adapted = self._adapt(connection.ops, item)
                for place in places:
                    params[place] = adapted
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            names = [column[0] for column in cursor.description]
            found = cursor.fetchall()
        convert = [i for i, name in enumerate(names) if name in self.datetimes]
        result = []
        for row in found:
            if convert:
                row = list(row)
                for i in convert:
                    row[i] = _aware(row[i])
            result.append(dict(zip(names, row, strict=True)))
        return result


def _aware(value):
    """A datetime column as the ORM returns it with ``USE_TZ``: aware, in UTC (SQLite stores UTC as text,
    which its driver may already have parsed into a naive datetime)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class PreparedCache:
    """``Prepared`` queries by shape, built on first use (at most ``MAX_SHAPES``; then started again)."""

    def __init__(self) -> None:
        self._found: dict[tuple, Prepared] = {}
        self._lock = threading.Lock()

    def get(self, shape: tuple, make: Callable[[], Prepared]) -> Prepared:
        found = self._found.get(shape)
        if found is None:
            found = make()
            with self._lock:
                if len(self._found) >= MAX_SHAPES:
                    self._found.clear()
                self._found[shape] = found
        return found

    def clear(self) -> None:
        with self._lock:
            self._found.clear()
