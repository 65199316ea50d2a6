"""The service catalogue (``services`` and each ``services/{code}``) rendered once and kept in memory.

Every web process keeps the rendered bytes of each answer with its ``ETag`` (a hash of the bytes) and
``Last-Modified`` (when the catalogue last changed).  A saved or deleted category or service attribute
clears this process's copies at once and moves the shared version (in the cache every process sees)
to now, again after its transaction commits; another process notices within ``RECHECK_SECONDS``.  A
change that sends no signal (``QuerySet.update``, raw SQL) shows at the latest after ``MAX_AGE_SECONDS``.
``kept`` holds the rows the answers and a POST are made of the same way: a category, the API keys and the
streets' review settings (their saves move the version too: ``apps.py``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "open311:catalogue:version"
RECHECK_SECONDS = 1.0
MAX_AGE_SECONDS = 300.0
T = TypeVar("T")


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str
    last_modified: int  # seconds since 1970, the catalogue version


_lock = threading.Lock()
_memo: dict[tuple, Rendered] = {}
_objects: dict[tuple, object] = {}  # rows the catalogue is made of (a POST's category), kept like the answers
_state = {"version": 0.0, "checked": 0.0, "built": 0.0}


def _shared_version() -> float:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time(), None)
        version = cache.get(VERSION_KEY) or time.time()
    return float(version)


def current_version() -> float:
    """The catalogue version this process serves (read from the shared cache at most once a second)."""
    now = time.monotonic()
    if now - _state["checked"] >= RECHECK_SECONDS:
        version = _shared_version()
        with _lock:
            if version != _state["version"] or now - _state["built"] >= MAX_AGE_SECONDS:
                _memo.clear()
                _objects.clear()
                _state["version"], _state["built"] = version, now
            _state["checked"] = now
    return _state["version"]


def rendered(key: tuple, build: Callable[[], tuple[bytes, str]]) -> Rendered:
    """The cached answer under ``key``, or ``build()`` (body and content type) rendered and kept."""
    version = current_version()
    found = _memo.get(key)
    if found is not None:
        return found
    body, content_type = build()
    found = Rendered(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', int(version))
    with _lock:
        if _state["version"] == version:
            _memo[key] = found
    return found


def kept(key: tuple, load: Callable[[], T | None]) -> T | None:
    """The object under ``key`` read by ``load()`` once per catalogue version (``None`` is not kept)."""
    version = current_version()
    found = _objects.get(key)
    if found is None:
        found = load()
        with _lock:
            if found is not None and _state["version"] == version:
                _objects[key] = found
    return found  # type: ignore[return-value]


def _move_version() -> None:
    with _lock:
        _memo.clear()
        _objects.clear()
        _state["checked"] = 0.0
    cache.set(VERSION_KEY, max(time.time(), float(cache.get(VERSION_KEY) or 0) + 1), None)


def changed(**_signal) -> None:
    """A category or service attribute changed: drop the rendered copies, here now and everywhere soon."""
    _move_version()
    transaction.on_commit(_move_version)  # a process that rebuilt from the old rows meanwhile rebuilds again


def forget() -> None:
    """Drop this process's copies (tests)."""
    with _lock:
        _memo.clear()
        _objects.clear()
        _state.update(version=0.0, checked=0.0, built=0.0)
