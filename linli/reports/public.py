"""The public transparency page of a street: aggregates only (no case, no person), cached for ten minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from linli.cases.kpis import CaseKpis, case_kpis_series
from linli.meetings import accountability
from linli.places.models import Area

from .figures import FundsPart, funds_part, meetings_part
from .periods import Period, add_months, month_period

CACHE_SECONDS = 600
MONTHS = 6


@dataclass(frozen=True)
class PublicMonth:
    period: Period
    kpis: CaseKpis


@dataclass(frozen=True)
class PublicFigures:
    months: list[PublicMonth]
    meetings: accountability.Figures | None
    funds: FundsPart | None
    computed_at: dt.datetime


def public_figures(street: Area, today: dt.date | None = None) -> PublicFigures:
    today = today or timezone.localdate()
    key = f"reports:public:{street.pk}:{today.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    now = timezone.now()
    first = today.replace(day=1)
    series = case_kpis_series(street, add_months(first, 1 - MONTHS), add_months(first, 1), now)
    months = [PublicMonth(month_period(month), kpis) for month, kpis in reversed(series.items())]
    year = Period("this_year", first.replace(month=1), dt.date(today.year + 1, 1, 1))
    meetings = meetings_part(street, year)
    figures = PublicFigures(months=months, meetings=meetings.now if meetings else None,
                            funds=funds_part(street, month_period(first)), computed_at=now)
    cache.set(key, figures, CACHE_SECONDS)
    return figures
