"""One writer at a time on SQLite, queued in the kernel rather than in SQLite's busy handler.

SQLite lets one connection write at a time.  A connection that finds the write lock taken sleeps in its
busy handler (1, 2, 5, 10 … up to 100 ms between tries) and goes on sleeping after the lock is free, so
under a burst of writes from several web processes some wait hundreds of milliseconds: the tail of the
intake's latency.  ``serialised()`` queues the transactions of a hot write path on a thread lock (this
process) and then an exclusive ``flock`` on ``LINLI_HOME/write.lock`` (every process), which the kernel
hands to the next waiter the moment the holder lets go (or dies: a killed process holds no lock).  On
PostgreSQL it does nothing: rows are locked there, not the database.  Not re-entrant.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

_thread_lock = threading.Lock()
_file = {"pid": 0, "fd": -1}


def _descriptor() -> int:
    """This process's descriptor of the lock file: opened anew after a fork, since an ``flock`` belongs to
    the open file, which a forked child would share with its parent (and its siblings)."""
    pid = os.getpid()
    if _file["pid"] != pid:
        path = settings.LINLI_HOME / "write.lock"
        _file.update(pid=pid, fd=os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
    return _file["fd"]


@contextmanager
def serialised(using: str = "default") -> Iterator[None]:
    """Run the block as the only writer of the SQLite database among the callers of this function."""
    if connections[using].vendor != "sqlite":
        yield
        return
    with _thread_lock:
        fd = _descriptor()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
