"""HTTPS mode: one setting turns on every secure option and ``linli check --deploy`` is clean; pages with
personal data are never cached; every page sends a Permissions-Policy (issue 14, hole 8).

Before: ``check --deploy`` warned W004, W008, W012, W016 and no setting turned them off; no HSTS or
Permissions-Policy; the session cookie was not Secure; person pages were cacheable.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LINLI_", "DJANGO_", "DATABASE_"))}
    environment.update(PYTHONPATH=str(ROOT), LINLI_HOME=str(tmp_path), LINLI_SECRET_KEY=secrets.token_urlsafe(50),
                       LINLI_ALLOWED_HOSTS="linli.example.cn", **env)
    return subprocess.run([sys.executable, "-c", "from linli.cli import main; main()", "check", "--deploy",
                           "--fail-level", "WARNING"], capture_output=True, text=True, env=environment,
                          cwd=tmp_path, timeout=120)


def test_check_deploy_is_clean_in_https_mode(tmp_path):
    result = deploy_check(tmp_path, LINLI_HTTPS="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_mode_the_check_warns(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    for code in ("W004", "W008", "W012", "W016"):
        assert code in result.stdout + result.stderr


def test_https_mode_turns_on_the_secure_options(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINLI_", "DJANGO_"))}
    env.update(PYTHONPATH=str(ROOT), LINLI_HOME=str(tmp_path), LINLI_HTTPS="true",
               LINLI_TRUSTED_PROXIES="127.0.0.1", DJANGO_SETTINGS_MODULE="linli.settings")
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=60)
    assert out.stdout.split() == ["True", "True", "True", "31536000", "True", "('HTTP_X_FORWARDED_PROTO',",
                                  "'https')"], out.stderr


def test_https_mode_headers(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    client = Client()
    plain = client.get("/login/")
    assert plain.status_code == 301 and plain.url.startswith("https://")
    assert client.get("/healthz").status_code == 200  # the local health probe is not redirected
    secure = client.get("/login/", secure=True)
    assert secure.status_code == 200 and "max-age=31536000" in secure.headers["Strict-Transport-Security"]


@pytest.fixture
def staff(tree, make_user):
    return make_user("staff", "community_staff", tree.comm_a1)


def test_pages_with_personal_data_are_not_cached(client, staff):
    client.force_login(staff)
    for url in ("/people/", f"/people/{staff.person_id}/", "/"):
        cache_control = client.get(url).headers.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, url


def test_public_pages_stay_cacheable_and_every_page_has_a_permissions_policy(client, db):
    response = client.get("/cases/public/")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
