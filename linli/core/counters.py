"""Counters in the shared cache (rate limits).

``bump`` is exact: one add-or-increment in the shared cache per call, for the low limits (reports per
hour, sign-in attempts).  ``bump_batched`` is for the high per-minute limits of the APIs, counted on
every call: the shared cache (a file cache without Redis, one write and a rename per increment) is
touched once every ``step`` calls of a process, ``step`` being a twentieth of the limit.  The count it
returns is the shared total last seen plus the calls this process has not sent yet, so a limit ``L``
served by ``P`` processes lets at most ``P × L/20`` extra calls through in a window; a limit below 40
is counted exactly.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

BATCH_FRACTION = 20
_MAX_LOCAL_KEYS = 10_000


def bump(key: str, timeout: int, amount: int = 1) -> int:
    """Add ``amount`` to the counter ``key`` (created with ``timeout`` seconds to live); return its new value."""
    if cache.add(key, amount, timeout):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout)
        return amount


def current(key: str) -> int:
    return cache.get(key, 0)


@dataclass
class _Local:
    shared: int  # the shared total when this process last sent its calls
    pending: int  # calls counted here and not sent yet
    expires: float  # monotonic time after which the shared counter is gone too


_local: dict[str, _Local] = {}
_lock = threading.Lock()


def batch_step(limit: int) -> int:
    return max(1, limit // BATCH_FRACTION)


def bump_batched(key: str, timeout: int, limit: int) -> int:
    """Count one call against ``limit`` under ``key`` (a key per window); return the estimated total."""
    step = batch_step(limit)
    now = time.monotonic()
    with _lock:
        entry = _local.get(key)
        if entry is None or entry.expires <= now:
            entry = _local[key] = _Local(shared=0, pending=0, expires=now + timeout)
        entry.pending += 1
        if entry.pending < step and entry.shared + entry.pending <= limit:
            return entry.shared + entry.pending
        sending, entry.pending = entry.pending, 0
    total = bump(key, timeout, sending)
    with _lock:
        entry.shared = max(entry.shared, total)
        if len(_local) > _MAX_LOCAL_KEYS:
            for stale in [k for k, e in _local.items() if e.expires <= now]:
                del _local[stale]
    return total


def forget_local() -> None:
    """Drop the calls counted in this process and not sent yet (tests; a fresh process)."""
    with _lock:
        _local.clear()
