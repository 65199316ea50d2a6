"""Planner statistics after bulk writes.

PostgreSQL plans a query from table statistics that autovacuum refreshes only some time after rows are
committed, and never for rows still inside the writing transaction.  Right after a bulk load (the demo, the
generator) the tables look empty to the planner, and a join or ``DELETE … WHERE id IN (subquery)`` over a few
thousand rows can pick a nested loop that takes minutes.  ``ANALYZE`` is allowed inside a transaction and
counts the transaction's own rows, so calling this at the end of a bulk write keeps the next queries fast.
"""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics() -> None:
    """Run ``ANALYZE`` on PostgreSQL (SQLite plans well enough without statistics; nothing to do)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
