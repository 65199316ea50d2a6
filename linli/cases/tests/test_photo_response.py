"""``photos.photo_response``: one way to send a stored photo, with what differs per caller as parameters;
and each photo URL keeps its caching and its answer to a file that cannot be read."""

import pytest
from django.http import Http404
from django.urls import reverse

from linli.cases.models import CasePhoto
from linli.cases.photos import photo_response

from .desk_support import URLCONF, add_photo, fail_open, new_case

pytestmark = pytest.mark.urls(URLCONF)


@pytest.fixture
def photo(categories, tree, actors):
    return add_photo(new_case(categories, tree, actors.reporter))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_sends_the_jpeg_privately_for_an_hour_by_default(photo):
    response = photo_response(photo)
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert body(response) == photo.image.open("rb").read()


def test_public_and_max_age_set_the_cache_header(photo):
    assert photo_response(photo, public=True, max_age=60)["Cache-Control"] == "public, max-age=60"


def test_thumb_sends_the_thumbnail_and_falls_back_to_the_photo_until_one_is_made(photo):
    assert not photo.thumbnail
    assert body(photo_response(photo, thumb=True)) == photo.image.open("rb").read()
    CasePhoto.objects.filter(pk=photo.pk).update(thumbnail=photo.image.name.replace(".jpg", "_t.jpg"))
    photo.refresh_from_db()
    photo.thumbnail.save(photo.thumbnail.name, photo.image.open("rb"), save=False)
    assert body(photo_response(photo, thumb=True)) == photo.thumbnail.open("rb").read()


def test_a_missing_file_or_a_record_without_one_is_404(photo):
    photo.image.storage.delete(photo.image.name)
    with pytest.raises(Http404):
        photo_response(photo)
    with pytest.raises(Http404):
        photo_response(photo, missing=(FileNotFoundError,))
    photo.image = ""
    with pytest.raises(Http404):
        photo_response(photo)


def test_only_the_named_errors_mean_missing(photo, monkeypatch):
    fail_open(monkeypatch, PermissionError)
    with pytest.raises(Http404):
        photo_response(photo)  # any OSError by default
    with pytest.raises(PermissionError):
        photo_response(photo, missing=(FileNotFoundError,))


# --- the URLs that send photos keep their caching and their errors ----------------------------------

def test_reporter_photo_page_caches_a_day_and_lets_other_read_errors_through(client, photo, actors, monkeypatch):
    client.force_login(actors.reporter)
    url = reverse("cases:photo", args=[photo.uuid])
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, max-age=86400"
    photo.image.storage.delete(photo.image.name)
    assert client.get(url).status_code == 404
    fail_open(monkeypatch, PermissionError)
    client.raise_request_exception = False
    assert client.get(url).status_code == 500


def test_desk_photo_caches_an_hour_privately_and_any_read_error_is_404(client, photo, actors, monkeypatch):
    client.force_login(actors.community)
    url = f"/cases/{photo.case.number}/photos/{photo.uuid}.jpg"
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, max-age=3600"
    fail_open(monkeypatch, PermissionError)
    assert client.get(url).status_code == 404


def test_public_photo_caches_an_hour_publicly(client, photo):
    CasePhoto.objects.filter(pk=photo.pk).update(public_approved=True)
    response = client.get(f"/cases/public/photos/{photo.uuid}.jpg")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=3600"
