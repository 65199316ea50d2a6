"""Faults: a locked or unreachable database answers a clear, retryable 503 (never a 500) and changes nothing."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import OperationalError, ProgrammingError, connection, connections
from django.test import Client

from linli.api.tests.conftest import token_for
from linli.cases.models import Case
from linli.conftest import PASSWORD
from linli.core.tests.reliability import check
from linli.core.views import database_unavailable

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="locks a SQLite file")


def locked_database():
    """Another process holds the write lock; our connection waits 50 ms, not 20 s."""
    connection.ensure_connection()
    connection.connection.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield
    other.execute("ROLLBACK")
    other.close()
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_sign_in_while_the_database_is_locked_gives_503_then_works_on_retry(tree, make_user):
    make_user("staff", "community_staff", tree.comm_a1)
    client = Client(raise_request_exception=False)
    lock = locked_database()
    next(lock)
    response = client.post("/login/", {"username": "staff", "password": PASSWORD})
    ok = response.status_code == 503 and response["Retry-After"] and "请稍后再试" in response.content.decode()
    next(lock, None)
    assert check("faults", "database locked: page write", ok), response.status_code
    assert client.post("/login/", {"username": "staff", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_api_write_while_the_database_is_locked_gives_503_json(tree, make_user, categories):
    token = token_for(make_user("worker", "grid_worker", tree.g1))
    client = Client(raise_request_exception=False)
    lock = locked_database()
    next(lock)
    response = client.post("/api/cases", {"category": "manhole-cover", "description": "井盖坏了", "lat": 29.401,
                                          "lng": 106.501}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    next(lock, None)
    ok = response.status_code == 503 and "detail" in response.json() and response["Retry-After"]
    assert check("faults", "database locked: API write", ok), response.status_code
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_gives_503(tree, make_user, monkeypatch):
    make_user("staff", "community_staff", tree.comm_a1)
    client = Client(raise_request_exception=False)
    connection.close()

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(type(connections["default"]), "get_new_connection", refuse)
    response = client.post("/login/", {"username": "staff", "password": PASSWORD})
    monkeypatch.undo()
    assert check("faults", "database unreachable", response.status_code == 503), response.status_code


def test_a_real_bug_is_still_a_500():
    assert database_unavailable(OperationalError("database is locked"))
    assert not database_unavailable(OperationalError("no such column: x"))
    assert not database_unavailable(ProgrammingError("syntax error"))
