"""Case photos on S3-compatible storage (``LINLI_S3_BUCKET``): a photo sent through the report page lands in the
bucket, not in the local media folder, and the scoped photo view serves it back from there.  The store is moto's
S3 server on loopback: a real HTTP endpoint that boto3 talks to as it would to MinIO or a cloud object store."""

import io
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from PIL import Image

from linli.cases.models import CasePhoto, Category
from linli.core.objectstore import s3_media_storage

from .intake_helpers import *  # noqa: F403
from .intake_helpers import jpeg, login, upload
from .test_report_page import post

KEYS = {"LINLI_S3_ACCESS_KEY_ID": "testing", "LINLI_S3_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and Linli's media storage pointed at it through the same variables a deployment sets."""
    import boto3

    name = f"linli-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing")  # noqa: S106 - the stand-in's dummy keys
    s3.create_bucket(Bucket=name)
    env = {"LINLI_S3_BUCKET": name, "LINLI_S3_ENDPOINT_URL": s3_endpoint, "LINLI_S3_REGION": "us-east-1",
           "LINLI_S3_PREFIX": "media/", **KEYS}
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage(env)}

    def read(key: str) -> bytes:
        return s3.get_object(Bucket=name, Key=f"media/{key}")["Body"].read()

    def keys() -> set[str]:
        return {o["Key"] for o in s3.list_objects_v2(Bucket=name).get("Contents", [])}

    return SimpleNamespace(read=read, keys=keys)


def served(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_reported_photo_is_kept_in_the_bucket_and_served_back_from_it(client, tree, make_user, bucket, settings,
                                                                      django_capture_on_commit_callbacks):
    rider = make_user("rider-demo", home=tree.g1)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's thumbnail, read from and written to S3
        response = post(login(client, rider), Category.objects.get(code="manhole"),
                        photos=[upload(jpeg((640, 480)))])
    assert response.status_code == 302
    photo = CasePhoto.objects.get()
    assert {f"media/{photo.image.name}", f"media/{photo.thumbnail.name}"} <= bucket.keys()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))  # nothing in the local media folder

    full = served(client, reverse("cases:photo", args=[photo.uuid]))
    assert full == bucket.read(photo.image.name) and Image.open(io.BytesIO(full)).size == (640, 480)
    thumb = served(client, reverse("cases:photo_thumb", args=[photo.uuid]))
    assert thumb == bucket.read(photo.thumbnail.name) and Image.open(io.BytesIO(thumb)).format == "JPEG"


def test_photo_in_the_bucket_is_not_served_outside_the_reporters_scope(client, tree, make_user, bucket):
    rider = make_user("rider-demo", home=tree.g1)
    post(login(client, rider), Category.objects.get(code="manhole"), photos=[upload(jpeg())])
    photo = CasePhoto.objects.get()
    login(client, make_user("stranger", home=tree.h1))
    assert client.get(reverse("cases:photo", args=[photo.uuid])).status_code == 404


def test_media_stay_local_without_a_bucket():
    assert s3_media_storage({}) is None
    assert s3_media_storage({"LINLI_S3_BUCKET": " "}) is None


@pytest.mark.parametrize("env, message", [
    ({"LINLI_S3_ACCESS_KEY_ID": "AKIA"}, "set both or neither"),
    ({"LINLI_S3_SECRET_ACCESS_KEY": "secret"}, "set both or neither"),
    ({"LINLI_S3_ADDRESSING_STYLE": "sideways"}, "'path' or 'virtual'"),
])
def test_half_configured_bucket_stops_start_up_with_a_message(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        s3_media_storage({"LINLI_S3_BUCKET": "linli-media", **env})
