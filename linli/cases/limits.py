"""Limits of the intake: reports per account or network per hour, report photos per day, duplicate look-ups.

Each ``check_*`` raises ``IntakeError`` before anything is stored; the ``count_*`` functions record a
report once it is filed.  The counters live in the cache (``linli.core.counters``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.core.counters import bump, current
from linli.core.models import UserLike


class IntakeError(ValidationError):
    """A report that cannot be filed as sent; the message says why, nothing was stored."""


def anonymous_limit() -> int:
    return int(getattr(settings, "LINLI_ANONYMOUS_REPORTS_PER_HOUR", 5))


def user_report_limit() -> int:
    return int(getattr(settings, "LINLI_REPORTS_PER_USER_PER_HOUR", 20))


def photo_day_limit() -> int:
    return int(getattr(settings, "LINLI_REPORT_PHOTOS_PER_DAY", 60))


def lookup_limit() -> int:
    return int(getattr(settings, "LINLI_DUPLICATE_LOOKUPS_PER_MINUTE", 30))


def _rate_key(ip: str) -> str:
    return f"linli:cases:anon:{ip}"


def check_rate(ip: str) -> None:
    """Anonymous reports (and "me too"s) per network address per hour."""
    if current(_rate_key(ip)) >= anonymous_limit():
        raise IntakeError(_("Too many anonymous reports from this network; please try again in an hour "
                            "or sign in."))


def count_rate(ip: str) -> None:
    bump(_rate_key(ip), timeout=3600)


def who(user: UserLike, anonymous_ip: str | None) -> str:
    """The key a sender's limits are counted under: the account, else the network address."""
    return f"user:{user.pk}" if user.is_authenticated else f"ip:{anonymous_ip or 'unknown'}"


def check_user_rate(user: UserLike) -> None:
    """Signed-in phone reports per account per hour (staff intake channels are not limited)."""
    if current(f"linli:cases:user:{user.pk}") >= user_report_limit():
        raise IntakeError(_("You have sent many reports in the last hour; please try again later."))


def check_photo_cap(who: str, n: int) -> None:
    """Report photos per account (or per network address when anonymous) per day."""
    if n and current(f"linli:cases:photos:{who}") + n > photo_day_limit():
        raise IntakeError(_("You have sent the most photos allowed today (%(n)d); send the report without "
                            "photos or try again tomorrow.") % {"n": photo_day_limit()})


def count_report(user: UserLike, who: str, photos: int, *, limited: bool) -> None:
    if limited:
        bump(f"linli:cases:user:{user.pk}", timeout=3600)
    for _i in range(photos):
        bump(f"linli:cases:photos:{who}", timeout=86400)


def check_lookup_rate(who: str) -> None:
    """Duplicate look-ups per account (or per IP address when anonymous) per minute."""
    key = f"linli:cases:duplookup:{who}"
    if bump(key, timeout=60) > lookup_limit():
        raise IntakeError(_("Too many look-ups; please wait a minute."))
