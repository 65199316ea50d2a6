"""Uploaded media on S3-compatible object storage (django-storages) when ``LINLI_S3_BUCKET`` is set.

Read by ``linli.settings`` from the environment; without a bucket, media stay in ``LINLI_HOME/media``.  Photos are
still served through Linli's scoped views (the store is never linked to directly), so the bucket stays private."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
ADDRESSING_STYLES = {"", "path", "virtual"}


def s3_media_storage(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The ``STORAGES["default"]`` entry for the bucket named in ``environ``, or None when none is named.

    Keys: ``LINLI_S3_ACCESS_KEY_ID`` and ``LINLI_S3_SECRET_ACCESS_KEY`` both, or neither (boto3's own chain: the
    ``AWS_*`` variables, ``~/.aws``, an instance role)."""
    bucket = environ.get("LINLI_S3_BUCKET", "").strip()
    if not bucket:
        return None
    access_key = environ.get("LINLI_S3_ACCESS_KEY_ID", "").strip()
    secret_key = environ.get("LINLI_S3_SECRET_ACCESS_KEY", "").strip()
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("LINLI_S3_ACCESS_KEY_ID and LINLI_S3_SECRET_ACCESS_KEY go together: set both "
                                   "or neither.")
    style = environ.get("LINLI_S3_ADDRESSING_STYLE", "").strip().lower()
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"LINLI_S3_ADDRESSING_STYLE must be 'path' or 'virtual', not {style!r}.")
    return {"BACKEND": S3_BACKEND, "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": environ.get("LINLI_S3_ENDPOINT_URL", "").strip() or None,
        "region_name": environ.get("LINLI_S3_REGION", "").strip() or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "location": environ.get("LINLI_S3_PREFIX", "").strip().strip("/"),
        "addressing_style": style or None,
        "signature_version": "s3v4",
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,
        "file_overwrite": False,  # a second photo of the same name gets its own key
    }}
