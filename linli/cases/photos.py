"""Case photos: check every upload with Pillow, keep only a clean JPEG, make thumbnails in the background.

An upload must really be a JPEG, PNG or WebP (whatever its name or content type says), no larger than
``LINLI_PHOTO_MAX_BYTES`` and no more than ``LINLI_PHOTO_MAX_PIXELS`` (decompression bombs).  Its EXIF GPS
position is read first, then the image is turned upright (EXIF orientation), shrunk to a long side of
1600 px and re-encoded as a JPEG without any metadata, under a random UUID file name.
``photo_response`` sends a stored photo to whoever the calling view has let see it.
"""

from __future__ import annotations

import io
import logging
import math
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from linli.core.models import User

from .models import Case, CasePhoto

log = logging.getLogger(__name__)

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_SIDE = 1600
THUMB_SIDE = 320
MAX_REPORT_PHOTOS = 3
JPEG_QUALITY = 85


class PhotoError(ValidationError):
    """An upload that is not an acceptable photo; the message is for the user."""


@dataclass(frozen=True)
class CheckedImage:
    """A checked upload: clean JPEG bytes, their size, and the GPS position its EXIF carried (if any)."""

    data: bytes
    width: int
    height: int
    gps: tuple[float, float] | None
    source_format: str


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "LINLI_PHOTO_MAX_PIXELS", 25_000_000))


def _read(upload: UploadedFile) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise PhotoError(_("The photo is too large (at most %(mb)d MB).") % {"mb": limit // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(_("The photo is too large (at most %(mb)d MB).") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise PhotoError(_("The photo file is empty."))
    return data


def _degrees(value: Any, ref: Any) -> float | None:
    d, m, s = (float(x) for x in value)
    result = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref).strip().upper() in ("S", "W"):
        result = -result
    return result if math.isfinite(result) else None


def read_gps(image: Image.Image) -> tuple[float, float] | None:
    """Decimal (lat, lng) from the EXIF GPS tags, or ``None`` when absent, malformed or out of range."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        if not gps or 2 not in gps or 4 not in gps:
            return None
        lat = _degrees(gps[2], gps.get(1, "N"))
        lng = _degrees(gps[4], gps.get(3, "E"))
    except Exception:  # noqa: BLE001 - EXIF from phones is often broken; a bad tag means "no position"
        return None
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None
    return round(lat, 7), round(lng, 7)


def _too_many_pixels() -> PhotoError:
    return PhotoError(_("The photo has too many pixels (at most %(mp)d megapixels).")
                      % {"mp": max_pixels() // 1_000_000})


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=, no icc_profile=: nothing kept
    return out.getvalue()


@dataclass
class ProbedImage:
    """An upload whose header has been read (type, size in pixels, EXIF GPS) but whose pixels have not."""

    image: Image.Image
    gps: tuple[float, float] | None
    source_format: str


def _not_a_photo() -> PhotoError:
    return PhotoError(_("This file is not a photo we accept: send a JPEG, PNG or WebP image."))


def probe_upload(upload: UploadedFile) -> ProbedImage:
    """The cheap checks: size in bytes, real type, pixel count and the EXIF position; nothing is decoded.

    Callers check everything else that is cheap (location, limits) before ``finish_image`` decodes."""
    data = _read(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            if image.width * image.height > max_pixels():
                raise _too_many_pixels()
            # A PNG's EXIF may sit after its pixels: reading it would decode them all.  Phones put the
            # position in JPEG (or WebP) files; a PNG is read only when its EXIF came before the pixels.
            cheap_exif = image.format != "PNG" or "exif" in image.info
            return ProbedImage(image=image, gps=read_gps(image) if cheap_exif else None,
                               source_format=image.format or "")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_a_photo() from None


def inspect_upload(upload: UploadedFile) -> CheckedImage:
    """Check an uploaded file and return a clean JPEG of it, or raise ``PhotoError`` with a clear message."""
    return finish_image(probe_upload(upload))


def finish_image(probed: ProbedImage) -> CheckedImage:
    """Decode a probed upload at the smallest scale that still gives ``MAX_SIDE`` and re-encode it.

    A JPEG is decoded by the library at 1/2, 1/4 or 1/8 scale (``draft``): a 6000×4000 photo costs what a
    1500×1000 one does.  Other formats are decoded in full, which ``max_pixels`` keeps affordable."""
    image, gps, source_format = probed.image, probed.gps, probed.source_format
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if image.format == "JPEG":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_a_photo() from None
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = _flatten(image)  # palettes and CMYK: to RGB before resampling
    # Shrink first (reduce() then LANCZOS), so turning and flattening work on the small image only.
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    try:
        image = ImageOps.exif_transpose(image) or image
    except Exception:  # noqa: BLE001 - a malformed orientation tag: keep the image as it is
        log.info("ignoring a malformed EXIF orientation")
    image = _flatten(image)
    return CheckedImage(data=_encode(image), width=image.width, height=image.height, gps=gps,
                        source_format=source_format)


def save_photo(case: Case, upload: UploadedFile | CheckedImage, *, kind: str,
               user: User | None = None) -> CasePhoto:
    """Store a checked photo (an upload or a ``CheckedImage``) on ``case``; the thumbnail follows in the worker."""
    checked = upload if isinstance(upload, CheckedImage) else inspect_upload(upload)
    if kind == CasePhoto.Kind.REPORT and case.photos.filter(kind=kind).count() >= MAX_REPORT_PHOTOS:
        raise PhotoError(_("A report takes at most %(n)d photos.") % {"n": MAX_REPORT_PHOTOS})
    photo = CasePhoto(uuid=uuid.uuid4(), case=case, kind=kind, width=checked.width, height=checked.height,
                      gps_lat=checked.gps[0] if checked.gps else None,
                      gps_lng=checked.gps[1] if checked.gps else None)
    name = f"{photo.uuid}.jpg"
    try:
        photo.image.save(name, ContentFile(checked.data), save=False)
    except OSError:  # the disk is full: the storage may have left part of the file behind
        photo.image.storage.delete(photo.image.field.generate_filename(photo, name))
        raise
    photo.save()
    log.info("case %s: %s photo %s added by user %s", case.number, kind, photo.uuid, getattr(user, "pk", None))
    from .tasks import make_thumbnail

    photo_id = photo.pk
    transaction.on_commit(lambda: make_thumbnail(photo_id))
    return photo


def discard_files(photos: Iterable[CasePhoto]) -> None:
    """Delete the files of photos whose rows were rolled back (a later photo or step failed)."""
    for photo in photos:
        photo.image.delete(save=False)


def build_thumbnail(photo: CasePhoto) -> None:
    """Write the 320 px thumbnail of ``photo`` (already a clean JPEG)."""
    with photo.image.open("rb") as f, Image.open(f) as image:
        image.load()
        small = image.convert("RGB")
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    photo.thumbnail.save(f"{photo.uuid}.jpg", ContentFile(_encode(small)), save=False)
    photo.save(update_fields=["thumbnail"])


def photo_response(photo: CasePhoto, *, thumb: bool = False, max_age: int = 3600, public: bool = False,
                   missing: tuple[type[OSError], ...] = (OSError,)) -> FileResponse:
    """The photo (its thumbnail if ``thumb`` and one was made) as a JPEG, cacheable for ``max_age`` seconds
    (by shared caches too if ``public``); 404 if the file cannot be opened.

    ``missing`` are the errors on opening that mean "no such file" (a record without a file always is);
    the caller checks who may see the photo first."""
    return jpeg_response(photo.thumbnail if thumb and photo.thumbnail else photo.image, max_age=max_age,
                         public=public, missing=missing)


def jpeg_response(file: FieldFile, *, max_age: int = 3600, public: bool = False,
                  missing: tuple[type[OSError], ...] = (OSError,)) -> FileResponse:
    """A stored JPEG (a case photo, a wish's photo) as ``photo_response`` sends it."""
    not_there: tuple[type[Exception], ...] = (*missing, ValueError)
    try:
        handle = file.open("rb")
    except not_there:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age={max_age}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
