"""What the templates show of a dashboard: charts, tables behind them and the links behind every figure."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from linli.cases.models import Status
from linli.places.models import Area

from . import charts
from .figures import STATUS_ORDER, Dashboard
from .periods import Period


def dashboard_url(unit, period: Period | None = None, name: str = "dashboard") -> str:
    if isinstance(unit, Area):
        url = reverse(f"reports:{name}", args=[unit.code])
    else:
        url = reverse(f"reports:department_{name}", args=[unit.pk])
    return f"{url}?{urlencode(period.query())}" if period else url


def cases_url(unit, period: Period, **filters: str) -> str:
    """The list behind a case figure, filtered the same way (unit, period, and the figure's own filter)."""
    return dashboard_url(unit, None, "cases") + "?" + urlencode({**period.query(), **filters})


@dataclass
class Chart:
    svg: SafeString
    caption: str
    head: list[str]
    rows: list[list]


def dashboard_charts(d: Dashboard) -> dict[str, Chart]:
    out: dict[str, Chart] = {}
    c = d.cases
    if c is None:
        return out
    labels = dict(Status.choices)
    used = [s for s in STATUS_ORDER if any(b.counts.get(s) for b in c.timeline)]
    series = [(s, str(labels[s])) for s in used]
    fmt = "%Y-%m" if d.period.by_month else "%m-%d"
    ticks = [b.day.strftime(fmt) for b in c.timeline]
    caption = _("Cases received over time, by state")
    out["timeline"] = Chart(
        charts.stacked_bars(caption, ticks, series, [b.counts for b in c.timeline]), caption,
        [_("Date"), *[name for _k, name in series], _("Total")],
        [[t, *[b.counts.get(k, 0) for k, _n in series], b.total] for t, b in zip(ticks, c.timeline, strict=True)
         if b.total])
    caption = _("Cases by category")
    top = c.by_category[:12]
    out["category"] = Chart(charts.hbars(caption, [(name, n) for _i, name, n in top], key="category"), caption,
                            [_("Category"), _("Cases")], [[name, n] for _i, name, n in c.by_category])
    caption = _("Cases by channel")
    out["channel"] = Chart(charts.hbars(caption, [(name, n) for _k, name, n in c.by_channel], key="channel"),
                           caption, [_("Channel"), _("Cases")], [[name, n] for _k, name, n in c.by_channel])
    caption = _("The five rates against their targets")
    out["kpis"] = Chart(charts.hbars(caption, [(r.label, r.value) for r in c.rows], key="kpi", percent=True),
                        caption, [_("Figure"), _("Rate"), _("Target"), _("Previous period")],
                        [[r.label, _pct(r.value), f"{r.target}%", _pct(r.previous)] for r in c.rows])
    for r in c.rows:
        out[f"kpi_{r.kpi}"] = Chart(charts.kpi_bar(r.label, r.value, r.target), r.label, [], [])
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value}%"
