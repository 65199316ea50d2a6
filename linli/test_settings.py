"""Settings for the test suite: the real settings, with state in a throwaway folder,
a fast password hasher and the background worker run inline."""

import os
import tempfile

os.environ.setdefault("LINLI_HOME", tempfile.mkdtemp(prefix="linli-test-"))

from linli.settings import *  # noqa: E402,F403
from linli.settings import HUEY, STATIC_ROOT  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# locate() compares the grids' version stamp on every call (the tests change grids behind its back).
LINLI_LOCATE_RECHECK_SECONDS = 0.0
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# SQLite tests use a file, not shared-cache memory: concurrency tests need real locking (WAL, busy timeout).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(STATIC_ROOT.parent / "test.sqlite3")}  # noqa: F405
