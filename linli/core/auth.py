"""Sign-in with a username or a mobile number, and a brake on password guessing.

A user types either their username or the mobile number of the person their account links to
(spaces, dashes and a ``+86`` prefix are ignored).  A username wins over a mobile number; a mobile
number shared by several accounts signs nobody in (we cannot tell whom it means).

Throttling: after ``MAX_FAILURES`` failed attempts for the same login name from the same IP address
within ``WINDOW_SECONDS``, further attempts are refused without checking the password until the
window has passed.  Counts live in Django's default cache; with the local-memory cache each server
process counts on its own, so a shared cache (database or Redis) makes the limit exact.
"""

from __future__ import annotations

import hashlib
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.http import HttpRequest

from linli.core.identifiers import normalise_mobile

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def login_key(login: str) -> str:
    """The name a login attempt is counted under: a mobile number in its plain 11-digit form."""
    login = (login or "").strip()
    mobile = normalise_mobile(login)
    if mobile.isdigit() and len(mobile) == 11:
        return mobile
    return login.lower()


def client_ip(request: HttpRequest | None) -> str:
    """The address the request came from (``REMOTE_ADDR``; a proxy should set it correctly)."""
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""


def _cache_key(login: str, ip: str) -> str:
    digest = hashlib.sha256(f"{login_key(login)}\0{ip}".encode()).hexdigest()[:32]
    return f"linli:login-failures:{digest}"


def _now() -> float:
    return time.time()


def seconds_locked(login: str, request: HttpRequest | None) -> int:
    """How many seconds this login name stays locked for this address (0: not locked)."""
    entry = cache.get(_cache_key(login, client_ip(request)))
    if not entry:
        return 0
    count, started = entry
    remaining = int(started + WINDOW_SECONDS - _now())
    return remaining if count >= MAX_FAILURES and remaining > 0 else 0


def record_failure(login: str, request: HttpRequest | None) -> None:
    """Count one failed attempt; the window starts at the first failure."""
    key = _cache_key(login, client_ip(request))
    now = _now()
    entry = cache.get(key)
    count, started = entry if entry and now - entry[1] < WINDOW_SECONDS else (0, now)
    # An explicit timeout on every write: some cache backends reset expiry on incr().
    cache.set(key, (count + 1, started), timeout=max(1, int(started + WINDOW_SECONDS - now)))


def clear_failures(login: str, request: HttpRequest | None) -> None:
    cache.delete(_cache_key(login, client_ip(request)))


class UsernameOrMobileBackend(ModelBackend):
    """Authenticate by username, or by the mobile number of the linked person."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if seconds_locked(username, request):
            return None  # no password check at all while locked: guessing gains nothing
        user = self._find(username)
        if user is not None and user.check_password(password) and self.user_can_authenticate(user):
            clear_failures(username, request)
            return user
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check, against timing attacks
        record_failure(username, request)
        return None

    @staticmethod
    def _find(login: str):
        User = get_user_model()
        user = User.objects.filter(username=login.strip()).first()
        if user is not None:
            return user
        mobile = normalise_mobile(login)
        if not (mobile.isdigit() and len(mobile) == 11):
            return None
        matches = list(User.objects.filter(person__mobile=mobile)[:2])
        return matches[0] if len(matches) == 1 else None
