"""The ``redis`` fixture: Django's cache on the Redis server of ``REDIS_URL``, configured as ``linli.settings`` does it.

Tests marked ``@pytest.mark.redis`` exercise the Redis path (cache, rate limits, huey queue) against a real server:
``.ci/run`` starts a throwaway ``redis-server`` on loopback and runs them with ``REDIS_URL`` set.  Without
``REDIS_URL`` they are skipped with a message saying so; a ``REDIS_URL`` that does not answer fails them.

Each test gets a key prefix (cache) and a queue name (huey) of its own and deletes its keys afterwards; it never
flushes the database, so parallel workers and other users of the server are left alone.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

__all__ = ["redis"]

SKIP = ("Redis test skipped: REDIS_URL is not set (.ci/run starts a redis-server for these; by hand: "
        "redis-server --port 6399 --save '' & then REDIS_URL=redis://127.0.0.1:6399/0 .venv/bin/pytest -m redis)")


@pytest.fixture
def redis(settings) -> Iterator[SimpleNamespace]:
    """``client`` (a raw connection, as another process would have), ``prefix``, ``url``, ``production`` (the
    settings ``linli.settings`` built from the environment); the test's Django cache is Redis under ``prefix``."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip(SKIP)
    import redis as redis_py

    from linli import settings as production

    client = redis_py.Redis.from_url(url)
    try:
        client.ping()
    except redis_py.RedisError as exc:
        pytest.fail(f"REDIS_URL={url} does not answer: {exc}")
    prefix = f"linli-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {**production.CACHES["default"], "KEY_PREFIX": prefix}}
    try:
        yield SimpleNamespace(client=client, prefix=prefix, url=url, production=production)
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        client.close()
