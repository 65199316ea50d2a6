"""Sign-in with a username or a mobile number, and a brake on password guessing.

A user types either their username or the mobile number of the person their account links to
(spaces, dashes and a ``+86`` prefix are ignored).  A username wins over a mobile number; a mobile
number shared by several accounts signs nobody in (we cannot tell whom it means).

Throttling counts failed attempts three ways, each in a window of ``WINDOW_SECONDS``:

- one login name from one address: ``MAX_FAILURES`` (a person who mistyped);
- one login name from any address: ``ACCOUNT_MAX_FAILURES`` (guessing one account from many addresses);
- one address for any login name: ``IP_MAX_FAILURES`` (trying many accounts from one address).

Once a count reaches its limit, attempts it covers are refused without checking the password until the
window has passed; a count that reaches its limit again right after doubles its window (backoff, at
most ``MAX_LOCK_SECONDS``).  The address is ``client_ip``: ``REMOTE_ADDR``, or behind a proxy listed in
``LINLI_TRUSTED_PROXIES`` the nearest untrusted address of ``X-Forwarded-For``.  Counts live in
Django's default cache: a shared cache (the file cache by default, or Redis) makes the limits exact
across processes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.http import HttpRequest

from linli.core.identifiers import normalise_mobile

MAX_FAILURES = 5
ACCOUNT_MAX_FAILURES = 10
IP_MAX_FAILURES = 30
WINDOW_SECONDS = 15 * 60
MAX_LOCK_SECONDS = 24 * 3600


def login_key(login: str) -> str:
    """The name a login attempt is counted under: a mobile number in its plain 11-digit form."""
    login = (login or "").strip()
    mobile = normalise_mobile(login)
    if mobile.isascii() and mobile.isdigit() and len(mobile) == 11:
        return mobile
    return login.lower()


@lru_cache(maxsize=8)
def _networks(spec: str) -> tuple:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def _trusted(address: str, spec: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(spec))


def client_ip(request: HttpRequest | None) -> str:
    """The address the request came from.

    ``REMOTE_ADDR``, unless that is a proxy named in ``LINLI_TRUSTED_PROXIES`` (addresses or networks,
    comma-separated): then the right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy.
    Without trusted proxies ``X-Forwarded-For`` is ignored (anyone can send it)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    spec = getattr(settings, "LINLI_TRUSTED_PROXIES", "") or ""
    if not spec or not _trusted(remote, spec):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, spec):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: count the proxy, not a made-up address
    return remote


def _now() -> float:
    return time.time()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _keys(login: str, ip: str) -> list[tuple[str, int]]:
    """The three counters an attempt belongs to, with their limits."""
    name = login_key(login)
    return [(f"linli:login-failures:{_digest(name, ip)}", MAX_FAILURES),
            (f"linli:login-failures:account:{_digest(name)}", ACCOUNT_MAX_FAILURES),
            (f"linli:login-failures:ip:{_digest(ip or 'unknown')}", IP_MAX_FAILURES)]


def _window(level: int) -> int:
    return min(WINDOW_SECONDS * 2 ** min(level, 16), MAX_LOCK_SECONDS)


def _remaining(entry, limit: int, now: float) -> int:
    if not entry:
        return 0
    count, started, level = entry if len(entry) == 3 else (*entry, 0)
    remaining = int(started + _window(level) - now)
    return remaining if count >= limit and remaining > 0 else 0


def seconds_locked(login: str, request: HttpRequest | None) -> int:
    """How many seconds attempts with this login name from this address stay refused (0: not locked)."""
    now = _now()
    keys = _keys(login, client_ip(request))
    entries = cache.get_many([key for key, _limit in keys])
    return max(_remaining(entries.get(key), limit, now) for key, limit in keys)


def record_failure(login: str, request: HttpRequest | None) -> None:
    """Count one failed attempt in each of its counters; a window starts at its first failure."""
    now = _now()
    for key, limit in _keys(login, client_ip(request)):
        entry = cache.get(key)
        count, started, level = (entry if len(entry) == 3 else (*entry, 0)) if entry else (0, now, 0)
        if now - started >= _window(level):  # the window has passed: a new one, longer if it ended locked
            level = level + 1 if count >= limit else 0
            count, started = 0, now
        # An explicit timeout on every write (some backends reset expiry on incr()); kept for two windows
        # so that a lock right after the last one finds its level.
        cache.set(key, (count + 1, started, level), timeout=max(1, int(started + 2 * _window(level) - now)))


def clear_failures(login: str, request: HttpRequest | None) -> None:
    """A successful sign-in forgets its own name-and-address count (not the account's or the address's)."""
    cache.delete(_keys(login, client_ip(request))[0][0])


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
        if not (mobile.isascii() and mobile.isdigit() and len(mobile) == 11):
            return None
        matches = list(User.objects.filter(person__mobile=mobile)[:2])
        return matches[0] if len(matches) == 1 else None
