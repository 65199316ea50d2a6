"""The background queue on SQLite: huey's SQLite storage with the same durability as Linli's database.

huey's ``SqliteStorage`` keeps SQLite's default ``synchronous=FULL``: every enqueue waits for an fsync
(about 10 ms here, more on a busy disk), and a web request enqueues after each filed case.  In WAL mode
``synchronous=NORMAL`` is what Linli's own database uses: a power cut may lose the last transactions,
never the database.
"""

from __future__ import annotations

from huey import SqliteHuey as _SqliteHuey
from huey.storage import SqliteStorage as _SqliteStorage


class SqliteStorage(_SqliteStorage):
    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


class SqliteHuey(_SqliteHuey):
    storage_class = SqliteStorage
