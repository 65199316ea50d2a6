"""The Redis path of ``linli.settings`` (``REDIS_URL``) on a real Redis server: the shared cache and counters, and
the huey queue a worker takes its tasks from.  Skipped without ``REDIS_URL`` (see ``redis_server.py``)."""

import pytest
from django.core.cache import cache
from django.utils.module_loading import import_string

from linli.core.counters import bump

pytestmark = pytest.mark.redis


def test_the_cache_lives_in_redis_where_other_processes_find_it(redis):
    assert redis.production.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("greeting", "你好", 60)
    assert cache.get("greeting") == "你好"
    assert redis.client.exists(f"{redis.prefix}:1:greeting")
    assert bump("hits", 60) == 1 and bump("hits", 60, 2) == 3
    assert int(redis.client.get(f"{redis.prefix}:1:hits")) == 3  # a Redis INCR, read by a separate connection
    assert 0 < redis.client.ttl(f"{redis.prefix}:1:hits") <= 60
    cache.delete("greeting")
    assert cache.get("greeting") is None and not redis.client.exists(f"{redis.prefix}:1:greeting")


def test_a_task_waits_in_the_redis_queue_until_a_worker_runs_it(redis):
    config = redis.production.HUEY
    assert config["huey_class"] == "huey.RedisHuey" and config["url"] == redis.url
    huey = import_string(config["huey_class"])(name=redis.prefix, url=config["url"])

    @huey.task()
    def count_visit(key: str) -> int:
        return bump(key, 60)

    try:
        result = count_visit("visits")
        assert huey.pending_count() == 1 and cache.get("visits") is None  # queued in Redis, not run yet
        consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False, check_worker_health=False)
        consumer.start()
        try:
            assert result.get(blocking=True, timeout=20) == 1
        finally:
            consumer.stop(graceful=True)
        assert huey.pending_count() == 0 and cache.get("visits") == 1
    finally:
        huey.flush()
