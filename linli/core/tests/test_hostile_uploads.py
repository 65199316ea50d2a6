"""Hostile uploads: a 50 MB body is refused from its Content-Length alone (413, nothing read or stored), and a
decompression bomb, a forged type or an empty file sent as a photo to each upload path gets a clear error and
stores nothing: no case, no photo row, no file."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.test import Client

from linli.api.tests.conftest import jpeg, token_for
from linli.cases.models import Case, CaseEvent, CasePhoto, Category
from linli.cases.services import file_case
from linli.cases.tests.intake_helpers import INSIDE_G1, bomb_png
from linli.core.tests.reliability import check
from linli.open311.models import Open311Request
from linli.open311.tests import conftest as open311_fixtures

services, api_key = open311_fixtures.services, open311_fixtures.api_key  # fixtures
FIFTY_MB = b"\xff" * (50 << 20)
BAD_PHOTOS = {
    "decompression bomb": ("bomb.png", bomb_png(), "image/png"),
    "forged type": ("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
    "empty file": ("photo.jpg", b"", "image/jpeg"),
    "truncated JPEG": ("photo.jpg", jpeg()[:200], "image/jpeg"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the request if Django starts reading a multipart body."""
    def parse(self):
        raise AssertionError("the oversized body was read")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", parse)


def files_in(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def nothing_stored(media) -> bool:
    return not (Case.objects.exists() or CasePhoto.objects.exists() or Open311Request.objects.exists()
                or files_in(media))


@pytest.fixture
def resident(client, tree, make_user):
    user = make_user("rider-h", home=tree.g1)
    client.force_login(user)
    return user


def report(client, photo: SimpleUploadedFile):
    return client.post("/cases/report/", {
        "category": Category.objects.get(code="manhole").pk, "description": "井盖破了", "lat": INSIDE_G1[0],
        "lng": INSIDE_G1[1], "client_token": str(uuid.uuid4()), "photos": [photo]})


# --- 50 MB: refused before the body is read --------------------------------------------------------

def test_a_50_mb_photo_on_the_report_page_is_refused_before_it_is_read(client, resident, never_parsed, media):
    response = report(client, SimpleUploadedFile("big.jpg", FIFTY_MB, "image/jpeg"))
    text = response.content.decode()
    ok = response.status_code == 413 and "太大" in text and "32 MB" in text and nothing_stored(media)
    assert check("hostile", "upload 50 MB: report page", ok), (response.status_code, text[:200])


def test_a_50_mb_photo_on_the_api_is_refused_with_a_json_detail(tree, make_user, categories, never_parsed, media):
    worker = make_user("worker", "grid_worker", tree.g1)
    case = file_case(category=categories.manhole, channel="h5", description="井盖", reporter=None, area=tree.g1)
    before = list(CaseEvent.objects.values_list("pk", flat=True))
    response = Client().post(f"/api/cases/{case.number}/actions/resolve",
                             {"note": "好了", "photos": [SimpleUploadedFile("big.jpg", FIFTY_MB, "image/jpeg")]},
                             headers={"Authorization": f"Bearer {token_for(worker)}"})
    ok = (response.status_code == 413 and "太大" in response.json()["detail"]
          and list(CaseEvent.objects.values_list("pk", flat=True)) == before and not files_in(media))
    assert check("hostile", "upload 50 MB: JSON API", ok), response.status_code


def test_a_50_mb_open311_post_gets_an_open311_error_list(client, services, api_key, never_parsed, media):
    _key, raw = api_key
    response = client.post("/open311/v2/requests.json", {
        "api_key": raw, "service_code": "manhole-cover", "description": "井" * 100, "lat": "29.401",
        "long": "106.501", "media": SimpleUploadedFile("big.jpg", FIFTY_MB, "image/jpeg")})
    body = response.json()
    ok = response.status_code == 413 and body[0]["code"] == 413 and "太大" in body[0]["description"]
    assert check("hostile", "upload 50 MB: Open311", ok and nothing_stored(media)), response.status_code


def test_a_body_just_under_the_limit_is_still_read(client, resident, settings, media):
    settings.LINLI_MAX_REQUEST_BYTES = 64 << 20
    response = report(client, SimpleUploadedFile("big.jpg", FIFTY_MB, "image/jpeg"))
    assert response.status_code == 400 and "照片" in response.content.decode()  # the photo check's own error
    assert nothing_stored(media)


# --- bombs, forged types, empty and truncated files on each upload path ----------------------------

@pytest.mark.parametrize("kind", BAD_PHOTOS)
def test_bad_photos_on_the_report_page_are_refused_and_store_nothing(client, resident, media, kind):
    response = report(client, SimpleUploadedFile(*BAD_PHOTOS[kind]))
    ok = response.status_code == 400 and "照片" in response.content.decode() and nothing_stored(media)
    assert check("hostile", f"report page photo: {kind}", ok), response.status_code


@pytest.mark.parametrize("kind", BAD_PHOTOS)
def test_bad_photos_on_the_api_resolve_are_refused_and_store_nothing(tree, make_user, categories, media, kind):
    worker, community = make_user("worker", "grid_worker", tree.g1), make_user("c", "community_staff", tree.comm_a1)
    case = file_case(category=categories.manhole, channel="h5", description="井盖", reporter=None, area=tree.g1)
    staff = Client(headers={"Authorization": f"Bearer {token_for(community)}"})
    for step, data in (("accept", {}), ("dispatch", {"level": "grid"})):
        assert staff.post(f"/api/cases/{case.number}/actions/{step}", data).status_code == 200
    api = Client(headers={"Authorization": f"Bearer {token_for(worker)}"})
    case.refresh_from_db()
    status, events = case.status, CaseEvent.objects.count()
    response = api.post(f"/api/cases/{case.number}/actions/resolve",
                        {"note": "已更换", "photos": [SimpleUploadedFile(*BAD_PHOTOS[kind])]})
    case.refresh_from_db()
    ok = (response.status_code == 400 and "照片" in response.json()["detail"] and case.status == status
          and CaseEvent.objects.count() == events and not CasePhoto.objects.exists() and not files_in(media))
    assert check("hostile", f"API resolve photo: {kind}", ok), (response.status_code, response.content[:200])
