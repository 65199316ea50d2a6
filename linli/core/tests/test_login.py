"""Sign-in with a username or a mobile number, argon2 in production, and the brake on guessing."""

from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.test import override_settings
from django.urls import reverse

import linli.settings as production
from linli.conftest import PASSWORD
from linli.core import auth
from linli.core.models import User


@pytest.fixture
def worker(tree, make_user):
    user = make_user("wang", "grid_worker", tree.g1)
    user.person.mobile = "13912345678"
    user.person.save()
    return user


def sign_in(client, login, password=PASSWORD, ip="127.0.0.1"):
    return client.post(reverse("login"), {"username": login, "password": password}, REMOTE_ADDR=ip)


def signed_in_as(client):
    return client.get(reverse("home")).wsgi_request.user


def test_login_page_asks_for_username_or_mobile_in_chinese(client, db):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "用户名或手机号" in text and "登录" in text


@pytest.mark.parametrize("login", ["wang", "13912345678", "139 1234 5678", "+86 139-1234-5678", "+8613912345678"])
def test_user_signs_in_with_username_or_mobile(client, worker, login):
    response = sign_in(client, login)
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in_as(client) == worker


def test_wrong_password_is_refused_with_a_chinese_message(client, worker):
    response = sign_in(client, "wang", "not-the-password")
    assert response.status_code == 200
    assert "用户名、手机号或密码错误" in response.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_inactive_user_cannot_sign_in(client, worker):
    worker.is_active = False
    worker.save()
    assert sign_in(client, "wang").status_code == 200
    assert sign_in(client, "13912345678").status_code == 200
    assert not signed_in_as(client).is_authenticated


def test_unknown_mobile_is_refused(client, worker):
    response = sign_in(client, "13700000000")
    assert response.status_code == 200
    assert "用户名、手机号或密码错误" in response.content.decode()


def test_mobile_shared_by_two_accounts_signs_nobody_in(client, worker, make_user, tree):
    other = make_user("li", "grid_worker", tree.g2)
    other.person.mobile = "13912345678"
    other.person.save()
    assert sign_in(client, "13912345678").status_code == 200
    assert not signed_in_as(client).is_authenticated
    assert sign_in(client, "li").status_code == 302  # the username still works


def test_script_in_login_name_is_escaped(client, db):
    response = sign_in(client, "<script>alert(1)</script>")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_production_settings_hash_passwords_with_argon2_first():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_user_created_under_argon2_can_sign_in(client, tree, make_person):
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User.objects.create_user("argon", password=PASSWORD, person=make_person(tree.g1))
        assert user.password.startswith("argon2$")
        assert sign_in(client, "argon").status_code == 302
    assert signed_in_as(client) == user


def test_sixth_attempt_after_five_failures_asks_to_wait(client, worker):
    for _ in range(auth.MAX_FAILURES - 1):
        assert "用户名、手机号或密码错误" in sign_in(client, "wang", "guess").content.decode()
    fifth = sign_in(client, "wang", "guess").content.decode()
    assert "登录失败次数过多" in fifth and "15 分钟" in fifth
    # Even the right password is not checked while locked.
    sixth = sign_in(client, "wang")
    assert sixth.status_code == 200 and "登录失败次数过多" in sixth.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_lock_counts_the_mobile_and_its_spellings_together(client, worker):
    for login in ["13912345678", "139 1234 5678", "+86 13912345678", "139-1234-5678", "13912345678"]:
        sign_in(client, login, "guess")
    assert "登录失败次数过多" in sign_in(client, "+8613912345678").content.decode()


def test_lock_applies_to_one_address_only(client, worker):
    for _ in range(auth.MAX_FAILURES):
        sign_in(client, "wang", "guess", ip="10.0.0.1")
    assert sign_in(client, "wang", ip="10.0.0.2").status_code == 302


def test_lock_ends_after_fifteen_minutes(client, worker):
    start = 1_000_000.0
    with mock.patch.object(auth, "_now", return_value=start):
        for _ in range(auth.MAX_FAILURES):
            sign_in(client, "wang", "guess")
        assert sign_in(client, "wang").status_code == 200
    with mock.patch.object(auth, "_now", return_value=start + auth.WINDOW_SECONDS + 1):
        assert sign_in(client, "wang").status_code == 302


def test_successful_sign_in_forgets_earlier_failures(client, worker):
    for _ in range(auth.MAX_FAILURES - 1):
        sign_in(client, "wang", "guess")
    assert sign_in(client, "wang").status_code == 302
    client.logout()
    for _ in range(auth.MAX_FAILURES - 1):
        sign_in(client, "wang", "guess")
    assert sign_in(client, "wang").status_code == 302


def test_backend_refuses_while_locked_even_outside_the_login_page(worker, rf):
    request = rf.post("/", REMOTE_ADDR="10.1.1.1")
    for _ in range(auth.MAX_FAILURES):
        assert authenticate(request, username="wang", password="guess") is None
    assert authenticate(request, username="wang", password=PASSWORD) is None
    assert authenticate(rf.post("/", REMOTE_ADDR="10.1.1.2"), username="wang", password=PASSWORD) == worker


def test_admin_sign_in_is_throttled_too(client, worker):
    worker.is_staff = True
    worker.save()
    for _ in range(auth.MAX_FAILURES):
        client.post("/admin/login/", {"username": "wang", "password": "guess"})
    response = client.post("/admin/login/", {"username": "wang", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
