"""The intake's rate limits counted in Redis (``REDIS_URL``), where every web process sees the same count.
Skipped without ``REDIS_URL`` (see ``linli/core/tests/redis_server.py``)."""

import pytest
from django.urls import reverse

from linli.cases.models import Category

from .intake_helpers import *  # noqa: F403
from .intake_helpers import login

pytestmark = pytest.mark.redis


def test_duplicate_lookups_are_counted_across_requests_in_redis(client, tree, make_user, redis, settings):
    settings.LINLI_DUPLICATE_LOOKUPS_PER_MINUTE = 1
    user = make_user("stranger", home=tree.h1)
    login(client, user)
    query = {"category": Category.objects.get(code="manhole").pk, "lat": 29.4012, "lng": 106.5010}
    assert client.get(reverse("cases:report_duplicates"), query).status_code == 200
    key = f"{redis.prefix}:1:linli:cases:duplookup:user:{user.pk}"
    assert int(redis.client.get(key)) == 1  # the count is in Redis after the first request
    refused = client.get(reverse("cases:report_duplicates"), query)
    assert refused.status_code == 429 and "请稍候" in refused.content.decode()
    assert int(redis.client.get(key)) == 2
