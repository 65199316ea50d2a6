"""Who may call the API: personal tokens, the session (with CSRF), and nobody else."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from linli.api.models import ApiToken
from linli.conftest import PASSWORD

from .conftest import Api, token_for

ENDPOINTS = ["/cases", "/cases/500113001202601010001", "/categories", "/grids", "/locate?lat=29.4&lng=106.5",
             "/kpis?unit=500113001"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_answers_401_in_chinese_without_credentials(db, path):
    response = Client().get(f"/api{path}")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "令牌" in response.json()["detail"] or "登录" in response.json()["detail"]


def test_posting_a_case_without_credentials_is_401_and_files_nothing(categories):
    from linli.cases.models import Case

    response = Client().post("/api/cases", {"category": "manhole-cover", "area": "500113001001001"},
                             content_type="application/json")
    assert response.status_code == 401
    assert not Case.objects.exists()


def test_a_token_acts_as_its_user(actors, make_case):
    make_case()
    response = Api(token_for(actors.worker)).get("/cases")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_a_revoked_token_is_refused_with_401(actors, make_case):
    raw = token_for(actors.worker)
    ApiToken.objects.get().revoke()
    response = Api(raw).get("/cases")
    assert response.status_code == 401
    assert "吊销" in response.json()["detail"] or "无效" in response.json()["detail"]


def test_an_unknown_token_does_not_fall_back_to_the_session(actors, client):
    client.login(username="worker", password=PASSWORD)
    response = Api("ll_not-a-real-token-at-all", client).get("/cases")
    assert response.status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(actors):
    raw = token_for(actors.worker)
    actors.worker.is_active = False
    actors.worker.save()
    assert Api(raw).get("/cases").status_code == 401


def test_using_a_token_records_when_it_was_last_used(actors):
    raw = token_for(actors.worker)
    Api(raw).get("/categories")
    assert ApiToken.objects.get().last_used_at is not None


def test_only_the_hash_of_a_token_is_stored(actors):
    raw = token_for(actors.worker)
    token = ApiToken.objects.get()
    assert raw not in (token.key_hash, token.prefix) and token.key_hash != raw
    assert len(token.key_hash) == 64 and raw.startswith(token.prefix)


def test_the_signed_in_session_may_read(actors, make_case, client):
    make_case()
    client.login(username="worker", password=PASSWORD)
    response = client.get("/api/cases")
    assert response.status_code == 200 and len(response.json()["items"]) == 1


def test_a_session_post_needs_the_csrf_token(actors, categories):
    from linli.cases.models import Case

    client = Client(enforce_csrf_checks=True)
    client.login(username="rider", password=PASSWORD)
    body = json.dumps({"category": "manhole-cover", "lat": 29.401, "lng": 106.501, "description": "井盖"})
    refused = client.post("/api/cases", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Case.objects.exists()
    page = client.get("/login/")  # any page sets the CSRF cookie
    csrf = client.cookies.get("csrftoken")
    assert page.status_code in (200, 302) and csrf is not None
    accepted = client.post("/api/cases", body, content_type="application/json", headers={"X-CSRFToken": csrf.value})
    assert accepted.status_code == 201, accepted.content
    assert Case.objects.count() == 1


def test_a_token_post_needs_no_csrf_token(actors, categories):
    api = Api(token_for(actors.reporter), Client(enforce_csrf_checks=True))
    response = api.post("/cases", {"category": "manhole-cover", "lat": 29.401, "lng": 106.501, "description": "x"})
    assert response.status_code == 201


def test_the_openapi_schema_is_public_and_titled(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Linli API" and schema["info"]["version"] == "1"
    assert schema["openapi"].startswith("3.")
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


def test_the_docs_page_loads_swagger_from_our_own_static_files(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/static/") for s in sources), sources
    assert "cdn" not in html.lower()


def test_the_apitoken_command_creates_lists_and_revokes(actors):
    out = StringIO()
    call_command("apitoken", "create", "worker", "my script", stdout=out)
    raw = re.search(r"(ll_\S+)", out.getvalue()).group(1)
    assert Api(raw).get("/categories").status_code == 200
    listing = StringIO()
    call_command("apitoken", "list", stdout=listing)
    token = ApiToken.objects.get()
    assert token.prefix in listing.getvalue() and raw not in listing.getvalue()
    call_command("apitoken", "revoke", token.prefix, stdout=StringIO())
    assert Api(raw).get("/categories").status_code == 401


def test_the_apitoken_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("apitoken", "create", "nobody", "x", stdout=StringIO())


def test_an_admin_creates_a_token_and_sees_it_once(actors, admin_client):
    response = admin_client.post("/admin/api/apitoken/add/", {"user": actors.worker.pk, "name": "cli"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = re.search(r"(ll_[A-Za-z0-9_\-]+)", response.content.decode()).group(1)
    assert shown.startswith(token.prefix)
    assert Api(shown).get("/categories").status_code == 200


def test_errors_speak_english_when_the_client_asks_for_it(db):
    response = Client().get("/api/cases", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Sign in")
