"""Fixtures and image makers for the intake tests (import with ``from .intake_helpers import *``)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from linli.cases.models import StreetCaseSettings
from linli.conftest import PASSWORD

INSIDE_G1 = (29.401, 106.501)
INSIDE_H1 = (29.401, 106.601)
OUTSIDE = (29.9, 107.5)

__all__ = ["INSIDE_G1", "INSIDE_H1", "OUTSIDE", "PASSWORD", "intake_env", "jpeg", "png", "upload", "bomb_png",
           "login", "allow_anonymous", "gps_exif"]


@pytest.fixture(autouse=True)
def intake_env(settings, tmp_path):
    """Media in a temporary folder, an empty rate-limit cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    cache.clear()
    yield
    cache.clear()


def gps_exif(lat: float, lng: float, orientation: int | None = None) -> Image.Exif:
    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        s = round((value - d - m / 60) * 3600, 4)
        return (float(d), float(m), s)

    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N" if lat >= 0 else "S", 2: dms(lat), 3: "E" if lng >= 0 else "W",
                                  4: dms(lng)}
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    return exif


def jpeg(size=(64, 48), *, exif: Image.Exif | None = None, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png(size=(40, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 0) if mode == "RGBA" else (0, 128, 0)).save(out, "PNG")
    return out.getvalue()


def bomb_png(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb's calling card)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def allow_anonymous(street, allowed: bool = True) -> None:
    StreetCaseSettings.objects.update_or_create(street=street, defaults={"allow_anonymous": allowed})
