"""The sign-in brake counts per account and per address too, with backoff, and knows its proxies
(issue 14, hole 7).

Before: the throttle counted (username, IP) only: 40 usernames from one IP were never blocked, and
6 IPs × 5 guesses, then the right password from a 7th, signed in.
"""

from unittest import mock

import pytest
from django.test import RequestFactory
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.core import auth


@pytest.fixture
def worker(tree, make_user):
    return make_user("wang", "grid_worker", tree.g1)


def sign_in(client, login, password=PASSWORD, ip="127.0.0.1", **extra):
    return client.post(reverse("login"), {"username": login, "password": password}, REMOTE_ADDR=ip, **extra)


def locked(response) -> bool:
    return response.status_code == 200 and "登录失败次数过多" in response.content.decode()


def test_guessing_one_account_from_many_addresses_is_stopped(client, worker):
    for i in range(6):  # 6 addresses × 5 guesses: 30 failures, above the account's limit
        for _ in range(5):
            sign_in(client, "wang", "guess", ip=f"10.0.{i}.1")
    assert locked(sign_in(client, "wang", ip="10.0.99.1"))  # the right password from a 7th address
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_the_account_limit_is_reached_at_its_number(client, worker):
    for i in range(auth.ACCOUNT_MAX_FAILURES - 1):
        sign_in(client, "wang", "guess", ip=f"10.1.{i}.1")
    assert sign_in(client, "wang", ip="10.1.200.1").status_code == 302  # one below: still signs in


def test_trying_many_accounts_from_one_address_is_stopped(client, worker):
    for n in range(auth.IP_MAX_FAILURES):
        sign_in(client, f"user{n}", "guess", ip="10.2.0.1")
    assert locked(sign_in(client, "wang", ip="10.2.0.1"))
    assert sign_in(client, "wang", ip="10.2.0.2").status_code == 302  # another address is not affected


def test_a_lock_that_comes_back_lasts_twice_as_long(client, worker):
    start = 1_000_000.0
    with mock.patch.object(auth, "_now", return_value=start):
        for _ in range(auth.MAX_FAILURES):
            sign_in(client, "wang", "guess")
    after_first = start + auth.WINDOW_SECONDS + 1
    with mock.patch.object(auth, "_now", return_value=after_first):
        for _ in range(auth.MAX_FAILURES):
            sign_in(client, "wang", "guess")
    with mock.patch.object(auth, "_now", return_value=after_first + auth.WINDOW_SECONDS + 1):
        assert locked(sign_in(client, "wang"))  # the second lock has a 30-minute window
    with mock.patch.object(auth, "_now", return_value=after_first + 2 * auth.WINDOW_SECONDS + 1):
        assert sign_in(client, "wang").status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.LINLI_TRUSTED_PROXIES = ""
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert auth.client_ip(request) == "203.0.113.9"


def test_forwarded_for_is_believed_from_a_trusted_proxy_only(settings):
    settings.LINLI_TRUSTED_PROXIES = "10.0.0.0/8, 192.168.1.5"
    rf = RequestFactory()
    via_proxy = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 192.168.1.5")
    assert auth.client_ip(via_proxy) == "198.51.100.7"  # the nearest untrusted hop; a spoofed 6.6.6.6 is ignored
    direct = rf.get("/", REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert auth.client_ip(direct) == "198.51.100.8"
    garbled = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert auth.client_ip(garbled) == "10.0.0.2"


def test_the_brake_counts_the_real_client_behind_the_proxy(client, worker, settings):
    settings.LINLI_TRUSTED_PROXIES = "127.0.0.1"
    for _ in range(auth.MAX_FAILURES):
        sign_in(client, "wang", "guess", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert locked(sign_in(client, "wang", HTTP_X_FORWARDED_FOR="198.51.100.1"))
    assert sign_in(client, "wang", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
