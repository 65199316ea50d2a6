"""A station's page shows its photos and the service activities held there (volunteering sets
``Activity.station``); its photos are served through a view, never as public media files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from linli.places.models import ServiceStation, StationPhoto
from linli.volunteering.models import Activity


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def station(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return ServiceStation.objects.create(name="下新新社区党群服务站", area=tree.comm_a1, address="新河街 1 号",
                                         lat=29.401, lng=106.501)


def activity(tree, station, title: str, days: float, cancelled: bool = False) -> Activity:
    starts = timezone.now() + dt.timedelta(days=days)
    return Activity.objects.create(title=title, area=tree.comm_a1, place=station.name, station=station,
                                   starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=20,
                                   cancelled=cancelled)


def test_station_page_lists_coming_and_recent_activities_but_not_cancelled_ones(client, tree, station):
    activity(tree, station, "义诊进社区", days=3)
    activity(tree, station, "亲子阅读日", days=-10)
    activity(tree, station, "已取消的讲座", days=5, cancelled=True)
    activity(tree, station, "半年前的活动", days=-200)
    html = client.get(reverse("places:station", args=[station.pk])).content.decode()
    assert "义诊进社区" in html and "亲子阅读日" in html
    assert "已取消的讲座" not in html and "半年前的活动" not in html


def test_station_without_activities_says_so(client, station):
    html = client.get(reverse("places:station", args=[station.pk])).content.decode()
    assert "此服务站点还没有活动" in html or "No activities at this station yet." in html


def test_station_page_costs_the_same_queries_with_more_activities(client, tree, station, django_assert_num_queries):
    activity(tree, station, "一", days=1)
    url = reverse("places:station", args=[station.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        activity(tree, station, f"活动{n}", days=n + 2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_photo_is_shown_and_served_by_the_view(client, station):
    photo = StationPhoto.objects.create(station=station, caption="一楼活动室",
                                        image=SimpleUploadedFile("room.jpg", jpeg(), content_type="image/jpeg"))
    html = client.get(reverse("places:station", args=[station.pk])).content.decode()
    url = reverse("places:station_photo", args=[station.pk, photo.pk])
    assert url in html and 'alt="一楼活动室"' in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_of_another_station_or_a_closed_one_is_404(client, tree, station):
    photo = StationPhoto.objects.create(station=station, image=SimpleUploadedFile("a.jpg", jpeg()))
    other = ServiceStation.objects.create(name="另一站", area=tree.comm_a1, address="x", lat=29.4, lng=106.5)
    assert client.get(reverse("places:station_photo", args=[other.pk, photo.pk])).status_code == 404
    station.active = False
    station.save()
    assert client.get(reverse("places:station_photo", args=[station.pk, photo.pk])).status_code == 404


def test_a_file_that_is_not_an_image_is_refused(station):
    from django.core.exceptions import ValidationError

    photo = StationPhoto(station=station, image=SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>"))
    with pytest.raises(ValidationError):
        photo.full_clean()
