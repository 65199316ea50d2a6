from __future__ import annotations

from django import template

from linli.core.money import yuan as _yuan

from ..figures import KPI_FIELDS, _change
from ..presentation import cases_url

register = template.Library()


@register.simple_tag
def delta(now, before):
    return _change(now, before)


@register.simple_tag
def chart(charts, kpi):
    item = charts.get(f"kpi_{kpi}")
    return item.svg if item else ""


@register.simple_tag
def cases_link(unit, period, **filters):
    return cases_url(unit, period, **{k: str(v) for k, v in filters.items()})


@register.filter
def rates(kpis):
    return [getattr(kpis, name) for name in KPI_FIELDS.values()]


@register.filter
def yuan(fen):
    return _yuan(fen)
