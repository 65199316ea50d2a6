"""Photos cost little before a report is known to be acceptable, and little after (issue 14, hole 6).

Before: three 6320×6320 PNGs of 117 KB each took ~2.8 s of CPU in one report and raised a worker from
144 to 696 MB; photos were decoded before the location was checked; signed-in reports had no limit.
"""

from __future__ import annotations

import pytest
from PIL import ImageFile

from linli.cases.models import Case, CasePhoto, Category
from linli.cases.photos import inspect_upload, max_pixels

from .intake_helpers import *  # noqa: F403
from .intake_helpers import INSIDE_G1, OUTSIDE, allow_anonymous, bomb_png, jpeg, login, png, upload

URL = "/cases/report/"


@pytest.fixture
def decoded(monkeypatch):
    """The sizes at which Pillow decoded pixel data, in order."""
    sizes: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def load(self):
        if self.tile:  # pixels not decoded yet: this call decodes them
            sizes.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


@pytest.fixture
def rider(tree, make_user):
    return make_user("rider", home=tree.g1)


def post(client, *, lat=INSIDE_G1[0], lng=INSIDE_G1[1], photos=(), description="井盖破了"):
    return client.post(URL, {"category": Category.objects.get(code="manhole").pk, "description": description,
                             "lat": lat, "lng": lng, "photos": list(photos), "confirm_new": "1"})


def test_photos_are_not_decoded_when_the_place_is_outside_the_service_area(client, rider, decoded):
    response = post(login(client, rider), lat=OUTSIDE[0], lng=OUTSIDE[1],
                    photos=[upload(png((3000, 3000), "RGB"), f"{i}.png", "image/png") for i in range(3)])
    assert response.status_code == 400 and Case.objects.count() == 0
    assert decoded == []


def test_photos_are_not_decoded_when_the_anonymous_limit_is_reached(client, tree, decoded, settings):
    settings.LINLI_ANONYMOUS_REPORTS_PER_HOUR = 1
    allow_anonymous(tree.street_a)
    assert post(client).status_code == 302
    response = post(client, photos=[upload(png((2000, 2000), "RGB"), "a.png", "image/png")])
    assert response.status_code == 400 and decoded == []


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(decoded):
    checked = inspect_upload(upload(jpeg((4800, 3600)), "big.jpg"))
    assert decoded and decoded[0][0] <= 2400  # the library decoded at 1/2 scale or smaller
    assert max(checked.width, checked.height) == 1600


def test_the_default_pixel_limit_refuses_the_6320_square_png(settings):
    assert max_pixels() == 25_000_000 and settings.LINLI_PHOTO_MAX_PIXELS == 25_000_000
    from linli.cases.photos import PhotoError

    with pytest.raises(PhotoError, match="像素"):
        inspect_upload(upload(bomb_png(6320, 6320), "wide.png", "image/png"))


def test_signed_in_reports_are_limited_per_hour(client, rider, settings):
    settings.LINLI_REPORTS_PER_USER_PER_HOUR = 2
    login(client, rider)
    codes = [post(client, lat=INSIDE_G1[0] + i * 0.0003).status_code for i in range(3)]
    assert codes == [302, 302, 400] and Case.objects.count() == 2


def test_report_photos_are_capped_per_account_per_day(client, rider, settings, decoded):
    settings.LINLI_REPORT_PHOTOS_PER_DAY = 2
    login(client, rider)
    assert post(client, photos=[upload(jpeg(), "1.jpg"), upload(jpeg(), "2.jpg")]).status_code == 302
    n = len(decoded)
    response = post(client, lat=INSIDE_G1[0] + 0.0004, photos=[upload(jpeg(), "3.jpg")])
    assert response.status_code == 400 and "今天" in response.content.decode()
    assert Case.objects.count() == 1 and CasePhoto.objects.count() == 2 and len(decoded) == n
    assert post(client, lat=INSIDE_G1[0] + 0.0004).status_code == 302  # without photos it still goes


def test_staff_intake_is_not_held_to_the_phone_limit(client, tree, make_user, settings):
    settings.LINLI_REPORTS_PER_USER_PER_HOUR = 1
    login(client, make_user("hotline", "hotline_duty", tree.street_a))
    manhole = Category.objects.get(code="manhole")
    for i in range(2):
        response = client.post("/cases/new/", {
            "channel": "hotline", "category": manhole.pk, "description": f"来电{i}", "caller_name": "王阿姨",
            "callback_phone": "13800001111", "area": tree.g1.pk})
        assert response.status_code == 302
