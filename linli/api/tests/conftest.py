"""Fixtures of the API tests: categories, people around grid g1, tokens and an API client."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from PIL import Image

from linli.api.models import ApiToken
from linli.cases.services import file_case

INSIDE_G1 = (29.401, 106.501)
INSIDE_H1 = (29.401, 106.601)
OUTSIDE = (29.9, 107.5)


@pytest.fixture(autouse=True)
def api_env(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    from django.core.cache import cache

    cache.clear()


def token_for(user, name: str = "test") -> str:
    token = ApiToken(user=user, name=name)
    raw = token.set_new_key()
    token.save()
    return raw


class Api:
    """A test client speaking to /api/ with a Bearer token (or a session when ``token`` is None)."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params=None):
        return self.client.get(f"/api{path}", params or {}, headers=self.headers)

    def post(self, path: str, data=None):
        return self.client.post(f"/api{path}", json.dumps(data or {}), content_type="application/json",
                                headers=self.headers)

    def form(self, path: str, data=None):
        return self.client.post(f"/api{path}", data or {}, headers=self.headers)


@pytest.fixture
def api_as():
    def make(user) -> Api:
        return Api(token_for(user))

    return make


@pytest.fixture
def make_case(categories, tree, actors):
    def make(area=None, category=None, reporter=None, description="井盖松动", **kw):
        area = area or tree.g1
        return file_case(category=category or categories.manhole, channel=kw.pop("channel", "h5"),
                         description=description, reporter=reporter if reporter is not None else actors.reporter,
                         area=area, **kw)

    return make


def jpeg(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()
