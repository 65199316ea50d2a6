"""Errors answer with a Chinese page that shows no data and never needs the database to fail."""

import pytest
from django.test import override_settings
from django.views.defaults import server_error


def test_unknown_url_gives_the_chinese_404_page(client, db, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-Hans"' in html and "页面不存在" in html and "返回首页" in html


def test_404_page_is_english_for_an_english_reader(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_person_outside_scope_gives_the_same_404_page_without_their_name(client, tree, make_user, make_person):
    stranger = make_person(tree.h1, name="外街居民")
    client.force_login(make_user("w", "grid_worker", tree.g1))
    response = client.get(f"/people/{stranger.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "外街居民" not in html


@override_settings(ROOT_URLCONF="linli.core.tests.urls_errors")
def test_a_bug_gives_the_chinese_500_page(client, db):
    client.raise_request_exception = False
    response = client.get("/test-boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出了点问题" in html and "a bug" not in html and "Traceback" not in html


@override_settings(ROOT_URLCONF="linli.core.tests.urls_errors")
def test_forbidden_gives_the_chinese_403_page(client, db):
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


def test_500_page_renders_without_touching_the_database(rf):
    # No ``db`` fixture: pytest-django makes any database access here an error.
    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "系统出了点问题" in response.content.decode()


@pytest.mark.parametrize("path", ["/no-such-page/", "/people/999999/", "/places/grids/999999999999999/"])
def test_missing_pages_are_404_not_500_for_a_signed_in_user(client, tree, make_user, path):
    client.force_login(make_user("w", "grid_worker", tree.g1))
    assert client.get(path).status_code == 404


def test_expired_form_gives_a_chinese_explanation(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "此页面已过期" in response.content.decode()
