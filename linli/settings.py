"""Django settings for Linli.

Everything the deployment may change comes from the environment:

- ``LINLI_HOME``: the folder that holds all state (SQLite file, media, task queue); default ``./var``.
- ``DATABASE_URL``: a PostgreSQL URL switches the database from the embedded SQLite file.
- ``REDIS_URL``: switches the background queue (huey) from SQLite to Redis.
- ``LINLI_S3_BUCKET``: puts uploaded media on S3-compatible storage instead of ``LINLI_HOME/media``.
- ``LINLI_SECRET_KEY``, ``LINLI_DEBUG``, ``LINLI_ALLOWED_HOSTS``, ``LINLI_TILE_URL`` …, see README.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from linli.core.objectstore import s3_media_storage

BASE_DIR = Path(__file__).resolve().parent
LINLI_HOME = Path(os.environ.get("LINLI_HOME", "var")).resolve()
LINLI_HOME.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use LINLI_SECRET_KEY, else a key generated once and kept under LINLI_HOME."""
    if key := os.environ.get("LINLI_SECRET_KEY"):
        return key
    path = LINLI_HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("LINLI_DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("LINLI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LINLI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "linli.core.admin_site.LinliAdminConfig",  # django.contrib.admin, for district admins only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "huey.contrib.djhuey",
    "csp",
    "linli.core",
    "linli.places",
    "linli.people",
    "linli.cases",
    "linli.open311",
    "linli.points",
    "linli.volunteering",
    "linli.funds",
    "linli.care",
    "linli.meetings",
    "linli.reports",
    "ninja",  # its Swagger UI assets, served locally (never from a CDN)
    "linli.api",
    "linli.home",
    "linli.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "linli.core.middleware.RejectOversizedRequestsMiddleware",
    "linli.core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "linli.core.audit.AuditMiddleware",  # who changed what, when, from where (append-only audit log)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linli.core.middleware.PrivateResponsesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Calls of the open APIs (GET/HEAD/POST under these paths, authenticated by an API key) take this shorter
# stack (linli/wsgi.py): no session, CSRF, user, messages, audit, htmx or history, which such a call never uses.
LINLI_API_PATHS = ("/open311/",)
LINLI_API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linli.core.middleware.ApiContentSecurityPolicyMiddleware",  # default-src 'none' (JSON and XML only)
    "linli.core.middleware.RejectOversizedRequestsMiddleware",
    "linli.core.middleware.RejectControlCharactersMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linli.core.middleware.PrivateResponsesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.context_processors.linli",
                "linli.home.context_processors.frame",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default: WAL, synchronous=NORMAL, IMMEDIATE transactions, busy timeout.
# PostgreSQL when DATABASE_URL is set. Connections persist (CONN_MAX_AGE) with health checks.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.config(conn_max_age=600, conn_health_checks=True),
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(LINLI_HOME / "linli.sqlite3"),
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-20000;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["linli.core.auth.UsernameOrMobileBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Proxies in front of Linli (addresses or networks, comma-separated) whose X-Forwarded-For is believed
# for the client address that sign-in throttling and rate limits count; empty: REMOTE_ADDR only.
LINLI_TRUSTED_PROXIES = os.environ.get("LINLI_TRUSTED_PROXIES", "")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the pages may use: the position (report, check-in) on this site only; nothing else.
LINLI_PERMISSIONS_POLICY = ("geolocation=(self), camera=(), microphone=(), payment=(), usb=(), serial=(), "
                            "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()")

# --- HTTPS mode: LINLI_HTTPS=true turns on every secure option (`linli check --deploy` is clean) ----
LINLI_HTTPS = _env_bool("LINLI_HTTPS")
if LINLI_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a local health probe may speak plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("LINLI_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("LINLI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("LINLI_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if LINLI_TRUSTED_PROXIES:  # the proxy terminates TLS and must overwrite X-Forwarded-Proto
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = LINLI_HOME / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = LINLI_HOME / "media"
# Leaflet ships in a wheel (XStatic) and is served by the app itself, never from a CDN.
STATICFILES_DIRS = [("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
STORAGES = {
    # LINLI_S3_BUCKET (and LINLI_S3_ENDPOINT_URL, keys …, see linli/core/objectstore.py) puts media on S3.
    "default": s3_media_storage(os.environ) or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# collectstatic (run by `linli run` at every start) writes .gz and .br next to each hashed file; only the hashed
# names are kept (every page links them through {% static %}), and source maps are not compressed.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "ico", "map"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Cache (login throttling, API rate limits): shared by every web process -------------------
if os.environ.get("REDIS_URL"):
    CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(LINLI_HOME / "cache"), "OPTIONS": {"MAX_ENTRIES": 20000}}}

# --- Hooks: what the apps above cases do after a case step (see linli/cases/hooks.py) ---------
# The daily case rollup of the reports follows every step that can move a case (filing is "report").
_ROLLUP = "linli.reports.rollup.on_case_event"
LINLI_CASE_HOOKS = {
    "report": [_ROLLUP], "accept": [_ROLLUP], "reject": [_ROLLUP], "dispatch": [_ROLLUP], "start": [_ROLLUP],
    "resolve": [_ROLLUP], "escalate": [_ROLLUP], "return": [_ROLLUP], "fail_verification": [_ROLLUP],
    "close": [_ROLLUP], "rate": [_ROLLUP], "supervise": [_ROLLUP],
    "verify": ["linli.points.earning.on_case_verified", _ROLLUP],
    "close_at_meeting": ["linli.points.earning.on_case_verified", _ROLLUP],
}
# What the apps above people erase when a person is anonymised on request (see linli/people/privacy.py).
LINLI_PERSON_HOOKS = {"anonymise": ["linli.cases.privacy.anonymise_reporter"]}

# --- Background worker (huey) ---------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "linli",
        "url": os.environ["REDIS_URL"],
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "linli.core.queue.SqliteHuey",  # synchronous=NORMAL: no fsync per enqueue
        "name": "linli",
        "filename": str(LINLI_HOME / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Maps -----------------------------------------------------------------------------------
# LINLI_MAP_TILES picks a tile preset: osm (default), tianditu (天地图, needs LINLI_TIANDITU_KEY), amap (高德,
# GCJ-02: the browser converts at the display edge, Linli stores WGS-84 only) or local (no tiles: the
# plain basemap of grids and buildings).  LINLI_TILE_URL / LINLI_TILE_ATTRIBUTION override the preset's.
TILE_PRESETS: dict[str, dict[str, str]] = {
    "osm": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "© OpenStreetMap contributors",
            "crs": "wgs84"},
    "tianditu": {"url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                        "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                        "&TILECOL={x}&tk={key}",
                 "overlay": "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                            "&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                            "&TILECOL={x}&tk={key}",
                 "subdomains": "01234567", "attribution": "© 天地图 国家地理信息公共服务平台", "crs": "wgs84"},
    "amap": {"url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "subdomains": "1234", "attribution": "© 高德地图 AutoNavi", "crs": "gcj02"},
    "local": {"url": "", "attribution": "", "crs": "wgs84"},
}
LINLI_MAP_TILES = os.environ.get("LINLI_MAP_TILES", "osm").strip().lower()
if LINLI_MAP_TILES not in TILE_PRESETS:
    raise ImproperlyConfigured(f"LINLI_MAP_TILES must be one of {', '.join(TILE_PRESETS)}; got {LINLI_MAP_TILES!r}.")
LINLI_TIANDITU_KEY = os.environ.get("LINLI_TIANDITU_KEY", "")
if LINLI_MAP_TILES == "tianditu" and not LINLI_TIANDITU_KEY and not os.environ.get("LINLI_TILE_URL"):
    raise ImproperlyConfigured("LINLI_MAP_TILES=tianditu needs LINLI_TIANDITU_KEY (a browser key from "
                               "console.tianditu.gov.cn), or LINLI_TILE_URL.")
_PRESET = TILE_PRESETS[LINLI_MAP_TILES]
LINLI_TILE_URL = os.environ.get("LINLI_TILE_URL", _PRESET["url"].replace("{key}", LINLI_TIANDITU_KEY))
# The preset's label layer (Tianditu draws names on a second layer); none under an own LINLI_TILE_URL.
LINLI_TILE_OVERLAY_URL = ("" if os.environ.get("LINLI_TILE_URL")
                          else _PRESET.get("overlay", "").replace("{key}", LINLI_TIANDITU_KEY))
LINLI_TILE_SUBDOMAINS = _PRESET.get("subdomains", "abc")
LINLI_TILE_CRS = _PRESET["crs"]  # what the tiles are drawn in: wgs84, or gcj02 (converted in the browser)
LINLI_TILE_ATTRIBUTION = os.environ.get("LINLI_TILE_ATTRIBUTION", _PRESET["attribution"])


def _tile_origin(url: str) -> str | None:
    """The origin the map tiles come from, for the CSP's img-src (a host label with ``{s}`` becomes ``*``)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = ".".join("*" if "{s}" in label else label for label in parts.netloc.split("."))
    return f"{parts.scheme}://{host}"


# Grid fallback: a point on no grid belongs to the nearest grid within this many metres.
LINLI_LOCATE_FALLBACK_METRES = int(os.environ.get("LINLI_LOCATE_FALLBACK_METRES", "200"))
# Seconds between checks that another process changed the grids (this process sees its own at once).
LINLI_LOCATE_RECHECK_SECONDS = float(os.environ.get("LINLI_LOCATE_RECHECK_SECONDS", "2"))

# Cases: duplicates are the same category within this many metres in the last N days; working hours
# for deadlines; how long past its deadline a case waits before it is escalated automatically.
LINLI_DUPLICATE_METRES = int(os.environ.get("LINLI_DUPLICATE_METRES", "50"))
LINLI_DUPLICATE_DAYS = int(os.environ.get("LINLI_DUPLICATE_DAYS", "7"))
LINLI_WORK_HOURS = os.environ.get("LINLI_WORK_HOURS", "09:00-18:00")
LINLI_ESCALATE_AFTER_HOURS = int(os.environ.get("LINLI_ESCALATE_AFTER_HOURS", "8"))
LINLI_NEAR_DEADLINE_HOURS = int(os.environ.get("LINLI_NEAR_DEADLINE_HOURS", "4"))
# Photos: largest upload accepted, largest image (pixels) decoded, anonymous reports per IP per hour.
LINLI_PHOTO_MAX_BYTES = int(os.environ.get("LINLI_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
LINLI_PHOTO_MAX_PIXELS = int(os.environ.get("LINLI_PHOTO_MAX_PIXELS", str(25_000_000)))
# A running background job that shows no progress for this long lost its worker and is reported failed.
LINLI_JOB_STALE_SECONDS = int(os.environ.get("LINLI_JOB_STALE_SECONDS", "900"))
# Largest request body of all (three photos and their form): larger ones get a 413 before they are read.
LINLI_MAX_REQUEST_BYTES = int(os.environ.get("LINLI_MAX_REQUEST_BYTES", str(3 * LINLI_PHOTO_MAX_BYTES + (2 << 20))))
LINLI_ANONYMOUS_REPORTS_PER_HOUR = int(os.environ.get("LINLI_ANONYMOUS_REPORTS_PER_HOUR", "5"))
# Signed-in phone reports per account per hour; report photos per account (or address) per day;
# duplicate look-ups per account (or address) per minute.
LINLI_REPORTS_PER_USER_PER_HOUR = int(os.environ.get("LINLI_REPORTS_PER_USER_PER_HOUR", "20"))
LINLI_REPORT_PHOTOS_PER_DAY = int(os.environ.get("LINLI_REPORT_PHOTOS_PER_DAY", "60"))
LINLI_DUPLICATE_LOOKUPS_PER_MINUTE = int(os.environ.get("LINLI_DUPLICATE_LOOKUPS_PER_MINUTE", "30"))

# Open311: calls per minute per API key and per IP address (anonymous reads), and POSTs per key.
LINLI_OPEN311_PER_MINUTE_KEY = int(os.environ.get("LINLI_OPEN311_PER_MINUTE_KEY", "600"))
LINLI_OPEN311_PER_MINUTE_IP = int(os.environ.get("LINLI_OPEN311_PER_MINUTE_IP", "120"))
LINLI_OPEN311_WRITES_PER_MINUTE = int(os.environ.get("LINLI_OPEN311_WRITES_PER_MINUTE", "60"))

# --- Content-Security-Policy (django-csp) ---------------------------------------------------
# No inline script and no inline style anywhere: JavaScript lives in static files, data reaches it
# through data-* attributes, and Leaflet gets DOM text nodes, never HTML strings.  Images may come
# from the tile server and from LINLI_CSP_IMG_SRC (e.g. an object store for photos, comma-separated).
_TILE_ORIGINS = sorted({o for o in map(_tile_origin, [LINLI_TILE_URL, LINLI_TILE_OVERLAY_URL]) if o})
_CSP_IMG = ["'self'", "data:", "blob:", *_TILE_ORIGINS,
            *[o for o in os.environ.get("LINLI_CSP_IMG_SRC", "").split(",") if o]]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _CSP_IMG,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
