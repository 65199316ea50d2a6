"""The monthly report as an Excel workbook: one sheet per part of the dashboard, values (no formulas),
Chinese headers, the header row frozen, columns sized to their text.

The numbers are those of ``figures.dashboard`` (the same object the printable page renders), so the workbook
and the page cannot disagree.  ``monthly_workbook`` reports its progress sheet by sheet for the background job.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from linli.core.xlsx import safe_row

from .figures import KPI_FIELDS, Dashboard

Cell = str | int | float | None
Progress = Callable[[int, int], None]
Sheet = tuple[str, list[str], list[list[Cell]]]


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Cell]]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(ws, row))
    ws.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(r[i - 1])) for r in rows if r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(60, 2 * longest + 4))  # CJK glyphs are wide


def _cases(d: Dashboard) -> list[Sheet]:
    if d.cases is None:
        return [(_("Cases"), [_("Figure"), _("Value")], [[_("No cases in this period."), None]])]
    c = d.cases
    k = c.kpis
    tiles: list[list[Cell]] = [[_("Cases received"), k.received, c.previous.received],
                               [_("Closed"), k.closed, c.previous.closed], [_("Overdue now"), d.overdue_now, None]]
    kpis: list[list[Cell]] = [[r.label, r.value, r.target, r.part, r.whole, r.previous] for r in c.rows]
    statuses = [s for s, _label, _n in c.by_status]
    labels = dict((s, label) for s, label, _n in c.by_status)
    timeline: list[list[Cell]] = [[b.day.isoformat(), *(b.counts.get(s, 0) for s in statuses), b.total]
                                  for b in c.timeline]
    return [
        (_("Cases"), [_("Figure"), _("This period"), _("Previous period")], tiles),
        (_("The five rates"), [_("Figure"), _("Rate (%)"), _("Target (%)"), _("Counted"), _("Of"),
                                _("Previous period (%)")], kpis),
        (_("Cases over time"), [_("Date"), *(labels[s] for s in statuses), _("Total")], timeline),
        (_("By category"), [_("Category"), _("Cases")], [[name, n] for _id, name, n in c.by_category]),
        (_("By channel"), [_("Channel"), _("Cases")], [[name, n] for _code, name, n in c.by_channel]),
    ]


def _league(d: Dashboard) -> list[Sheet]:
    if not d.league:
        return []
    headers = [_("Unit"), _("Received"), _("Response rate"), _("Resolution rate"), _("Satisfaction rate"),
               _("Closure rate"), _("On-time closure rate"), _("Overdue now")]
    rows: list[list[Cell]] = [[r.area.name, r.kpis.received, *(getattr(r.kpis, n) for n in KPI_FIELDS.values()),
                               r.kpis.overdue_now] for r in d.league]
    return [(_("Units one level down"), headers, rows)]


def _others(d: Dashboard) -> list[Sheet]:
    head = [_("Figure"), _("This period"), _("Previous period")]
    sheets: list[Sheet] = []
    if d.meetings:
        m, p = d.meetings.now, d.meetings.previous
        names = [(_("Meetings held"), "held"), (_("Items raised"), "raised"), (_("Solved on the spot"), "on_the_spot"),
                 (_("Assigned"), "assigned"), (_("Escalated"), "escalated"), (_("Deferred"), "deferred"),
                 (_("Declined"), "declined"), (_("Closed on time"), "on_time"), (_("Handed on, still open"), "open")]
        rows: list[list[Cell]] = [[label, getattr(m, n), getattr(p, n)] for label, n in names]
        sheets.append((_("Meetings and their outcomes"), head,
                       [*rows, [_("Solved (on the spot or closed)"), m.solved, p.solved]]))
    if d.volunteering:
        v = d.volunteering
        sheets.append((_("Volunteers and points"), head, [
            [_("Volunteers who served"), v.service.volunteers, v.previous.volunteers],
            [_("Service hours (confirmed)"), v.service.hours, v.previous.hours],
            [_("Points issued"), v.points.issued, v.points_previous.issued],
            [_("Points redeemed"), v.points.redeemed, v.points_previous.redeemed]]))
    if d.care:
        c, b = d.care.now, d.care.previous
        sheets.append((_("Visits and errands"), head, [
            [_("Visits"), c.visits, b.visits], [_("Visit rate (%)"), c.visit_rate, b.visit_rate],
            [_("Errands logged"), c.errands, b.errands], [_("Errands done"), c.errands_done, b.errands_done]]))
    if d.funds:
        f = d.funds
        sheets.append((_("Self-management funds"), [_("Figure"), _("Yuan")], [
            [_("Balance at the start"), f.previous_fen / 100], [_("Income"), f.income_fen / 100],
            [_("Spending and corrections"), f.spending_fen / 100],
            [_("Balance at the end"), f.balance_fen / 100]]))
    return sheets


def monthly_workbook(d: Dashboard, progress: Progress | None = None) -> bytes:
    """The dashboard ``d`` (a month) as an .xlsx file."""
    sheets: list[Sheet] = [(_("Report"), [pgettext("workbook", "Item"), pgettext("workbook", "Value")],
               [[pgettext("workbook", "Unit"), d.unit.name], [_("Month"), d.period.label],
                [_("Compared with"), d.period.previous.label]]),
              *_cases(d), *_league(d), *_others(d)]
    wb = Workbook()
    wb.remove(wb.active)
    for i, (title, headers, rows) in enumerate(sheets, start=1):
        _sheet(wb, title, headers, rows)
        if progress:
            progress(i, len(sheets))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
