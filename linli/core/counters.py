"""Counters in the shared cache (rate limits): one add-or-increment used by every limit."""

from __future__ import annotations

from django.core.cache import cache


def bump(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (created with ``timeout`` seconds to live) and return its new value."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def current(key: str) -> int:
    return cache.get(key, 0)
