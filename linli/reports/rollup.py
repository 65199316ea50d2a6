"""The daily case rollup (``models.CaseDay``): kept up to date from the case events, rebuilt from the cases.

Every case counts once, in the row of its key: the local day it was reported, its area, category and channel,
its status now and the department handling it now.  Filing adds one to its key; every later step moves it from
the key it had (the event's ``from_status`` and ``data["from_department"]``) to the key it has.  The cases app
calls ``on_case_event`` through its explicit hooks (``linli.cases.hooks``, setting ``LINLI_CASE_HOOKS``, named
there for every action), in the step's own transaction; nothing listens to model signals.

The dashboard's cases over time, by state, category and channel are sums over these rows (``figures.cases_part``):
a fixed number of grouped queries whatever the number of cases.  The rates are not kept here: they stay with
``cases.kpis``, their one definition.

Cases written around the services (the demo's bulk loads, a restore) are counted by ``rebuild`` (``linli rollup``;
the task ``rebuild_rollup_task``), one ``INSERT … SELECT … GROUP BY`` in the database; ``drift`` lists the keys
where the rollup and a fresh count differ (``linli rollup --check``).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from linli.cases.hooks import FROM_DEPARTMENT
from linli.cases.kpis import unit_q
from linli.cases.models import Case, CaseEvent
from linli.places.models import Area, Department

from .models import CaseDay

# The key, as CaseDay columns, and how each is counted from a case.
KEY = ("day", "area_id", "category_id", "channel", "status", "department_id")


def key_of(case: Case) -> dict[str, Any]:
    return {"day": timezone.localdate(case.created_at), "area_id": case.area_id, "category_id": case.category_id,
            "channel": case.channel, "status": case.status, "department_id": case.handler_department_id}


def _upsert_sql(with_department: bool) -> str:
    """Add to a key's row, or make it: one statement on the partial unique index that fits the key
    (``caseday_key`` with a department, ``caseday_key_nodept`` without), SQLite 3.35+ and PostgreSQL."""
    q = connection.ops.quote_name
    table = q(CaseDay._meta.db_table)
    columns = [q(c) for c in KEY if with_department or c != "department_id"]
    values = ", ".join(["%s"] * (len(columns) + 1))
    department = q("department_id") + (" IS NOT NULL" if with_department else " IS NULL")
    return (f"INSERT INTO {table} ({', '.join(columns)}, {q('cases')}) VALUES ({values}) "  # noqa: S608 - fixed names
            f"ON CONFLICT ({', '.join(columns)}) WHERE {department} "
            f"DO UPDATE SET {q('cases')} = {table}.{q('cases')} + excluded.{q('cases')}")


def _add(key: dict[str, Any], delta: int) -> None:
    with_department = key["department_id"] is not None
    params = [connection.ops.adapt_datefield_value(key["day"]),
              *(key[c] for c in KEY[1:] if with_department or c != "department_id"), delta]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(with_department), params)


def on_case_event(case: Case, event: CaseEvent) -> None:
    """``LINLI_CASE_HOOKS[action]`` for every action: count a filed case, or move a case between keys."""
    new = key_of(case)
    if not event.from_status:  # the filing
        _add(new, 1)
        return
    old = {**new, "status": event.from_status,
           "department_id": event.data.get(FROM_DEPARTMENT, new["department_id"])}
    if old != new:
        _add(old, -1)
        _add(new, 1)


def rows_of(unit: Area | Department) -> QuerySet:
    """The rollup rows of a unit: the same cover as ``cases.kpis.cases_of``."""
    return CaseDay.objects.filter(unit_q(unit, area="area", department="department"))


# --- from scratch ---------------------------------------------------------------------------------------------

COUNTED = ("r_day", "r_area", "r_category", "r_channel", "r_status", "r_department", "r_cases")


def recount(cases: QuerySet | None = None) -> QuerySet:
    """The rollup counted afresh from the cases, one grouped query (columns ``COUNTED``)."""
    cases = Case.objects.all() if cases is None else cases
    return cases.order_by().values(
        r_day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()), r_area=F("area_id"),
        r_category=F("category_id"), r_channel=F("channel"), r_status=F("status"),
        r_department=F("handler_department_id")).annotate(r_cases=Count("id")).values_list(*COUNTED)


def _stored(rollup: QuerySet) -> QuerySet:
    return rollup.order_by().exclude(cases=0).values_list(*KEY, "cases")


@transaction.atomic
def rebuild(cases: QuerySet | None = None, rollup: QuerySet | None = None) -> int:
    """Replace the rollup by a fresh count of the cases, in the database; the number of rows written.
    (The migration passes its historical models' querysets.)"""
    rollup = CaseDay.objects.all() if rollup is None else rollup
    rollup.delete()
    sql, params = recount(cases).query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(k) for k in KEY)  # the key's attnames are CaseDay's columns
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(rollup.model._meta.db_table)} ({columns}, {quote('cases')}) "  # noqa: S608
                       f"SELECT {', '.join(COUNTED)} FROM ({sql}) counted", params)
        return cursor.rowcount


def drift(limit: int = 20) -> list[tuple]:
    """Up to ``limit`` rows where the rollup and a fresh count differ (``KEY`` + cases), stored ones first;
    empty when they agree.  Two set differences in the database."""
    stored, counted = _stored(CaseDay.objects.all()), recount()
    return list(stored.difference(counted)[:limit]) + list(counted.difference(stored)[:limit])
