import io

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from linli.cases.models import CasePhoto
from linli.cases.photos import MAX_SIDE, PhotoError, inspect_upload, save_photo
from linli.cases.services import file_case

from .intake_helpers import *  # noqa: F403
from .intake_helpers import bomb_png, gps_exif, jpeg, png, upload


def test_text_file_named_jpg_is_refused_with_a_chinese_message():
    forged = upload(b"hello, I am not a photo" * 20, "manhole.jpg", "image/jpeg")
    with pytest.raises(PhotoError) as exc:
        inspect_upload(forged)
    assert "JPEG" in exc.value.messages[0] and "照片" in exc.value.messages[0]


def test_real_gif_is_refused_even_when_named_jpg():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(PhotoError):
        inspect_upload(upload(out.getvalue(), "x.jpg"))


def test_truncated_jpeg_is_refused():
    with pytest.raises(PhotoError):
        inspect_upload(upload(jpeg((400, 300))[:300]))


def test_photo_over_the_size_limit_is_refused(settings):
    settings.LINLI_PHOTO_MAX_BYTES = 1024 * 1024
    big = upload(b"\xff\xd8" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(PhotoError) as exc:
        inspect_upload(big)
    assert "太大" in exc.value.messages[0]


def test_decompression_bomb_header_is_refused_before_decoding():
    with pytest.raises(PhotoError) as exc:
        inspect_upload(upload(bomb_png(), "bomb.png", "image/png"))
    assert "像素" in exc.value.messages[0]


def test_pixel_limit_follows_the_setting(settings):
    settings.LINLI_PHOTO_MAX_PIXELS = 1000
    with pytest.raises(PhotoError):
        inspect_upload(upload(jpeg((100, 100))))
    settings.LINLI_PHOTO_MAX_PIXELS = 40_000_000
    assert inspect_upload(upload(jpeg((100, 100)))).width == 100


def test_exif_gps_is_read_then_stripped():
    checked = inspect_upload(upload(jpeg(exif=gps_exif(29.401, 106.501))))
    assert checked.gps == pytest.approx((29.401, 106.501), abs=1e-5)
    cleaned = Image.open(io.BytesIO(checked.data))
    assert cleaned.format == "JPEG"
    assert not cleaned.getexif() and not cleaned.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in checked.data[:200]


def test_southern_and_western_positions_are_negative():
    checked = inspect_upload(upload(jpeg(exif=gps_exif(-33.5, -70.25))))
    assert checked.gps == pytest.approx((-33.5, -70.25), abs=1e-5)


def test_malformed_gps_exif_is_ignored_not_an_error():
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (1.0, 2.0), 3: "E", 4: (5.0,)}  # too few parts
    checked = inspect_upload(upload(jpeg(exif=exif)))
    assert checked.gps is None


def test_orientation_is_fixed_before_exif_is_dropped():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the phone was held upright: rotate 90°
    checked = inspect_upload(upload(jpeg((80, 40), exif=exif)))
    assert (checked.width, checked.height) == (40, 80)


def test_large_photo_is_shrunk_to_a_long_side_of_1600():
    checked = inspect_upload(upload(jpeg((3200, 1200))))
    assert (checked.width, checked.height) == (MAX_SIDE, 600)


def test_transparent_png_and_webp_become_jpeg():
    assert Image.open(io.BytesIO(inspect_upload(upload(png(), "a.png")).data)).format == "JPEG"
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (1, 2, 3)).save(out, "WEBP")
    assert Image.open(io.BytesIO(inspect_upload(upload(out.getvalue(), "a.webp")).data)).format == "JPEG"


def test_saved_photo_has_uuid_name_gps_and_a_thumbnail(tree, categories, django_capture_on_commit_callbacks):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1)
    with django_capture_on_commit_callbacks(execute=True):
        photo = save_photo(case, upload(jpeg((2000, 1000), exif=gps_exif(29.401, 106.501)), "IMG_0001.jpg"),
                           kind=CasePhoto.Kind.REPORT)
    photo.refresh_from_db()
    assert photo.image.name.endswith(f"{photo.uuid}.jpg") and "IMG_0001" not in photo.image.name
    assert (photo.width, photo.height) == (1600, 800) and photo.gps_lat == pytest.approx(29.401, abs=1e-5)
    assert photo.thumbnail
    with photo.thumbnail.open("rb") as f:
        assert max(Image.open(f).size) == 320


def test_a_report_takes_at_most_three_photos(tree, categories):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1)
    for _ in range(3):
        save_photo(case, upload(jpeg()), kind=CasePhoto.Kind.REPORT)
    with pytest.raises(ValidationError):
        save_photo(case, upload(jpeg()), kind=CasePhoto.Kind.REPORT)
    save_photo(case, upload(jpeg()), kind=CasePhoto.Kind.RESULT)  # the handler's after-photo is separate
    assert case.photos.count() == 4
