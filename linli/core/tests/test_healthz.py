"""``/healthz``: what a load balancer or a monitoring probe sees."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from linli.core import views


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_queue_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["queue"] == "ok"
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("database is locked")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr(views, "connection", _BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"].startswith("error")
    assert "locked" not in response.content.decode()  # no internals leak to an anonymous caller


@pytest.mark.django_db
def test_healthz_answers_503_when_the_queue_cannot_be_read(client, monkeypatch):
    def broken():
        raise OSError("queue file missing")

    monkeypatch.setattr(views.HUEY, "pending_count", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"].startswith("error")
    assert response.json()["database"] == "ok"
